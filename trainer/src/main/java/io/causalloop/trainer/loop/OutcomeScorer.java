package io.causalloop.trainer.loop;

import io.causalloop.features.FeatureExtractor;
import io.causalloop.learn.OnlineModel;
import io.causalloop.schemas.OutcomeModelSnapshot;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The latest outcome model g_hat from the compacted {@code outcome-models} topic (all partitions
 * assigned, no group, read_committed), scoring texts exactly as the streams app does:
 * {@code FeatureExtractor(snapshot.featureSpec).extract(context, text, readerCovariates)} then
 * {@code OnlineModel.predict}.
 *
 * <p>Surprise: before the first snapshot of the model id arrives there is no g_hat; {@link
 * #available()} is false and the job uses g_hat = 0 everywhere (DR-CPO then equals CPO).
 */
public final class OutcomeScorer implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(OutcomeScorer.class);

    private final KafkaConsumer<String, OutcomeModelSnapshot> consumer;
    private final String modelId;
    private OnlineModel model;
    private FeatureExtractor extractor;
    private long version = -1;

    /** Opens the reader and reads the topic to its end. */
    public OutcomeScorer(TrainerConfig config) {
        this.modelId = config.outcomeModelId();
        this.consumer = KafkaClients.consumer(config, OutcomeModelSnapshot.class, null, "outcome-models");
        KafkaClients.readToEnd(consumer, config.outcomeModelsTopic(), Duration.ofSeconds(30), Duration.ofSeconds(60),
                this::take);
    }

    private OutcomeScorer(OutcomeModelSnapshot snapshot, long version) {
        this.consumer = null;
        this.modelId = snapshot == null ? "" : snapshot.getModelId().toString();
        if (snapshot != null) {
            this.model = OnlineModel.fromSnapshot(snapshot);
            this.extractor = new FeatureExtractor(snapshot.getFeatureSpec());
        }
        this.version = version;
    }

    /**
     * A scorer fixed on one snapshot (a replay uses the snapshot a batch was learned with), or on
     * none when {@code snapshot} is null ({@link #available()} false, version -1).
     */
    public static OutcomeScorer fixed(OutcomeModelSnapshot snapshot) {
        return new OutcomeScorer(snapshot, snapshot == null ? -1 : snapshot.getVersion());
    }

    /** Takes any newer snapshot without waiting; nothing for a {@link #fixed} scorer. */
    public void refresh() {
        if (consumer != null) {
            take(consumer.poll(Duration.ZERO));
        }
    }

    private void take(Iterable<ConsumerRecord<String, OutcomeModelSnapshot>> records) {
        for (ConsumerRecord<String, OutcomeModelSnapshot> r : records) {
            OutcomeModelSnapshot s = r.value();
            if (s == null || !modelId.equals(s.getModelId()) || s.getVersion() <= version) {
                continue;
            }
            try {
                OnlineModel m = OnlineModel.fromSnapshot(s);
                FeatureExtractor fx = new FeatureExtractor(s.getFeatureSpec());
                model = m;
                extractor = fx;
                version = s.getVersion();
                LOG.debug("outcome model {} version {}", modelId, version);
            } catch (RuntimeException e) {
                LOG.warn("skipping outcome model snapshot {} v{}: {}", modelId, s.getVersion(), e.toString());
            }
        }
    }

    /** Whether a snapshot was read. */
    public boolean available() {
        return model != null;
    }

    /** Version of the snapshot in use; -1 for none. */
    public long version() {
        return version;
    }

    /** g_hat(context, text) for a reader; 0 without a snapshot. */
    public double score(String context, String text, Map<String, Double> covariates) {
        if (model == null) {
            return 0.0;
        }
        return model.predict(extractor.extract(context, text, covariates));
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close();
        }
    }
}
