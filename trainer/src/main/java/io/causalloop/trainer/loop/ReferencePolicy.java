package io.causalloop.trainer.loop;

import ai.djl.Device;
import io.causalloop.checkpoint.AssembledCheckpoint;
import io.causalloop.checkpoint.CheckpointChunker;
import io.causalloop.checkpoint.CheckpointMetadata;
import io.causalloop.simulator.Corpus;
import io.causalloop.trainer.model.Devices;
import io.causalloop.trainer.model.ModelConfig;
import io.causalloop.trainer.model.Policies;
import io.causalloop.trainer.model.PolicyModel;
import io.causalloop.trainer.model.TokenSequence;
import io.causalloop.trainer.model.TorchScriptPolicy;
import io.causalloop.trainer.model.TransformerPolicy;
import io.causalloop.trainer.model.WordTokenizer;
import io.causalloop.trainer.objective.PretrainResult;
import io.causalloop.trainer.objective.Pretrainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The reference policy, checkpoint version 0: a user's TorchScript model when
 * {@code policy.torchscript.file} is set ({@link #fromTorchScript}, published as is), otherwise a
 * {@link TransformerPolicy} pretrained by maximum
 * likelihood on the simulator's prompt-reply corpus ({@link Corpus#exchanges}, generated from a
 * grammar that ships with the project, so nothing is downloaded), context-conditioned (the
 * prompt is the context, the reply the scored text), with a word tokenizer built from the same
 * corpus. Seeded: the same settings and thread count give the same bytes.
 *
 * <p>{@link #ensurePublished} is idempotent: when version 0 of the policy id is already on
 * {@code policy-checkpoints} it is reused, whatever settings made it. An optional local cache
 * file ({@code pretrain.cache.file}) keeps the pretrained bytes so a restart does not pretrain.
 */
public final class ReferencePolicy {

    /** Header of the cache file. */
    public static final String CACHE_FORMAT = "causal-loop-reference-cache/1";
    /** Objective id of version 0. */
    public static final String OBJECTIVE = "pretrain";
    /** Objective id of a version 0 read from a user's TorchScript file. */
    public static final String OBJECTIVE_TORCHSCRIPT = "torchscript-import";

    private static final Logger LOG = LogManager.getLogger(ReferencePolicy.class);

    private ReferencePolicy() {
    }

    /**
     * A pretrained reference policy and what pretraining measured.
     *
     * @param bytes the policy's bytes ({@link TransformerPolicy#FORMAT})
     * @param metrics held-out perplexity before and after, final train loss, corpus sizes, parameters
     */
    public record Pretrained(byte[] bytes, Map<String, Double> metrics) {

        /** Copies the metrics. */
        public Pretrained {
            if (bytes == null || bytes.length == 0) {
                throw new IllegalArgumentException("bytes are required");
            }
            metrics = Map.copyOf(metrics);
        }
    }

    /** The tokenizer built from the configured corpus (prompts and replies). */
    public static WordTokenizer tokenizer(List<Corpus.Exchange> corpus, int vocabSize) {
        List<String> texts = new ArrayList<>(corpus.size() * 2);
        for (Corpus.Exchange e : corpus) {
            texts.add(e.prompt());
            texts.add(e.reply());
        }
        return WordTokenizer.build(texts, vocabSize);
    }

    /** The (prompt, reply + EOS) pairs, replies cut to fit the model's positions. */
    public static List<TokenSequence> sequences(List<Corpus.Exchange> corpus, WordTokenizer tok, ModelConfig cfg) {
        return sequences(corpus, tok, cfg.maxLen(), cfg.maxContext());
    }

    static List<TokenSequence> sequences(List<Corpus.Exchange> corpus, WordTokenizer tok, int maxLen, int maxContext) {
        List<TokenSequence> out = new ArrayList<>(corpus.size());
        for (Corpus.Exchange e : corpus) {
            int[] c = tok.encode(e.prompt());
            int[] x = tok.encodeWithEos(e.reply());
            int room = maxLen - Math.min(c.length, maxContext);
            if (x.length > room) {
                x = Arrays.copyOf(x, room);
            }
            out.add(new TokenSequence(c, x));
        }
        return out;
    }

    /** Pretrains from scratch on the configured device. */
    public static Pretrained pretrain(TrainerConfig config, Device device) {
        long t0 = System.nanoTime();
        List<Corpus.Exchange> corpus = Corpus.exchanges(config.pretrainCorpusSeed(), config.pretrainCorpusSize());
        WordTokenizer tok = tokenizer(corpus, config.vocabSize());
        ModelConfig cfg = config.modelConfig().withVocabSize(tok.vocabSize());
        try (TransformerPolicy p = TransformerPolicy.create(cfg, tok, device, (int) config.seed())) {
            PretrainResult r = Pretrainer.run(p, sequences(corpus, tok, cfg), config.pretrainConfig());
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("heldOutPerplexity", r.heldOutPerplexity());
            m.put("heldOutPerplexityBefore", r.heldOutPerplexityBefore());
            m.put("trainLossLast", r.trainLoss().isEmpty() ? Double.NaN : r.trainLoss().get(r.trainLoss().size() - 1));
            m.put("trainTexts", (double) r.trainTexts());
            m.put("heldOutTexts", (double) r.heldOutTexts());
            m.put("parameters", (double) p.parameterCount());
            m.put("vocabSize", (double) tok.vocabSize());
            m.put("pretrainSeconds", (System.nanoTime() - t0) / 1e9);
            LOG.info("pretrained the reference policy: {} parameters, vocabulary {}, held-out perplexity {} -> {} in {} s",
                    p.parameterCount(), tok.vocabSize(), r.heldOutPerplexityBefore(), r.heldOutPerplexity(),
                    String.format("%.1f", m.get("pretrainSeconds")));
            return new Pretrained(p.toBytes(), m);
        }
    }

    /**
     * Reads a vocabulary file: one piece per line in id order, the four specials first, with or
     * without the {@value WordTokenizer#FORMAT} header line; a final newline is ignored.
     */
    public static WordTokenizer readVocabulary(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        return WordTokenizer.deserialize(text.startsWith(WordTokenizer.FORMAT + "\n") ? text
                : WordTokenizer.FORMAT + "\n" + text);
    }

    /**
     * A user's TorchScript model as version 0, as it is (not pretrained): its bytes and, as
     * metrics, its size and its perplexity on the simulator's corpus under its vocabulary.
     */
    public static Pretrained fromTorchScript(TrainerConfig config, Device device) throws IOException {
        WordTokenizer tok = readVocabulary(config.torchScriptVocabulary());
        try (TorchScriptPolicy p = TorchScriptPolicy.load(config.torchScriptFile(), tok, config.torchScriptMaxLen(),
                device)) {
            List<Corpus.Exchange> corpus = Corpus.exchanges(config.pretrainCorpusSeed(), config.pretrainCorpusSize());
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("heldOutPerplexity", Pretrainer.perplexity(p, sequences(corpus, tok, p.maxLen(), p.maxContext()),
                    config.pretrainConfig().batchSize()));
            m.put("parameters", (double) p.parameterCount());
            m.put("vocabSize", (double) tok.vocabSize());
            LOG.info("reference policy from TorchScript {}: {} parameters, vocabulary {}, corpus perplexity {}",
                    config.torchScriptFile(), p.parameterCount(), tok.vocabSize(), m.get("heldOutPerplexity"));
            return new Pretrained(p.toBytes(), m);
        }
    }

    /** The settings the reference policy depends on, as the cache key. */
    static String settingsKey(TrainerConfig config) {
        Map<String, String> all = config.hyperParameters();
        Map<String, String> key = new TreeMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith("model.") || k.startsWith("pretrain.") || k.equals(TrainerConfig.SEED)) {
                key.put(k, v);
            }
        });
        return CheckpointChunker.sha256Hex(key.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The cached pretraining result, when the cache file exists and matches the settings. */
    static Optional<Pretrained> readCache(Path file, String key) {
        if (file == null || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            if (!CACHE_FORMAT.equals(in.readUTF())) {
                LOG.warn("ignoring {}: not a {} file", file, CACHE_FORMAT);
                return Optional.empty();
            }
            if (!key.equals(in.readUTF())) {
                LOG.info("ignoring {}: made with other model / pretrain settings", file);
                return Optional.empty();
            }
            int n = in.readInt();
            Map<String, Double> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                m.put(in.readUTF(), in.readDouble());
            }
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return Optional.of(new Pretrained(bytes, m));
        } catch (IOException e) {
            LOG.warn("ignoring unreadable cache {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    static void writeCache(Path file, String key, Pretrained p) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(p.bytes().length + 1024);
        try (DataOutputStream out = new DataOutputStream(bos)) {
            out.writeUTF(CACHE_FORMAT);
            out.writeUTF(key);
            out.writeInt(p.metrics().size());
            for (Map.Entry<String, Double> e : new TreeMap<>(p.metrics()).entrySet()) {
                out.writeUTF(e.getKey());
                out.writeDouble(e.getValue());
            }
            out.writeInt(p.bytes().length);
            out.write(p.bytes());
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bos.toByteArray());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Pretrains, or reads the cache file when it matches the settings (and writes it otherwise). */
    public static Pretrained pretrainOrCached(TrainerConfig config, Device device) throws IOException {
        String key = settingsKey(config);
        Optional<Pretrained> cached = readCache(config.pretrainCacheFile(), key);
        if (cached.isPresent()) {
            LOG.info("reference policy from the cache {}", config.pretrainCacheFile());
            return cached.get();
        }
        Pretrained p = pretrain(config, device);
        if (config.pretrainCacheFile() != null) {
            writeCache(config.pretrainCacheFile(), key, p);
        }
        return p;
    }

    /** The metadata of version 0 for a pretraining result. */
    public static CheckpointMetadata metadata(TrainerConfig config, Pretrained p, Device device) {
        Map<String, String> model;
        String format;
        try (PolicyModel probe = Policies.fromBytes(p.bytes(), Device.cpu())) {
            model = probe.description();
            format = probe.format();
        }
        return new CheckpointMetadata(config.policyId(), 0, null, System.currentTimeMillis(), format,
                model, config.torchScriptFile() == null ? OBJECTIVE : OBJECTIVE_TORCHSCRIPT, config.hyperParameters(), config.seed(), Devices.reproducibility(device), List.of(),
                List.of(), List.of(), p.metrics());
    }

    /**
     * Version 0 of the policy id: the one on the topic when there is one, else pretrained (or
     * from the cache) and published now.
     *
     * @return the reference checkpoint as a reader of the topic sees it
     */
    public static AssembledCheckpoint ensurePublished(TrainerConfig config) throws IOException {
        CheckpointLog log = CheckpointLog.read(config, Duration.ofSeconds(60));
        if (log.reference().isPresent()) {
            LOG.info("reference policy {}/0 already published (sha256 {}); reusing it", config.policyId(),
                    log.reference().get().sha256());
            return log.reference().get();
        }
        Device device = Devices.select(config.device());
        Pretrained p = config.torchScriptFile() != null ? fromTorchScript(config, device)
                : pretrainOrCached(config, device);
        CheckpointMetadata meta = metadata(config, p, device);
        try (CheckpointPublisher pub = new CheckpointPublisher(config, config.transactionalId() + "-reference")) {
            String sha = pub.publish(meta, p.bytes(), Map.of(), null);
            LOG.info("published reference policy {}/0 ({} bytes, sha256 {}, held-out perplexity {})", config.policyId(),
                    p.bytes().length, sha, p.metrics().get("heldOutPerplexity"));
            return new AssembledCheckpoint(meta, p.bytes(), sha, null, false);
        }
    }
}
