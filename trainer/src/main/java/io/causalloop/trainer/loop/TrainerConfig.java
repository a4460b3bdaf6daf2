package io.causalloop.trainer.loop;

import io.causalloop.checkpoint.CheckpointKeys;
import io.causalloop.checkpoint.CheckpointSigner;
import io.causalloop.config.AppSettings;
import io.causalloop.trainer.model.ModelConfig;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.objective.BaselineKind;
import io.causalloop.trainer.objective.ObjectiveConfig;
import io.causalloop.trainer.objective.ObjectiveKind;
import io.causalloop.trainer.objective.PretrainConfig;
import io.causalloop.trainer.objective.UnratedPolicy;
import io.causalloop.trainer.objective.UpdaterConfig;
import io.causalloop.topics.CausalLoopTopics;
import io.causalloop.topics.CausalLoopTopics.Logical;
import java.io.IOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

import java.util.LinkedHashMap;

import java.util.Map;

import java.util.TreeMap;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * The one configuration type of the trainer: every setting of the objective, the loop, the
 * model, the reference-policy pretraining and operation, defined once with key, doc, default and
 * validator, parsed at the edge (a properties file plus {@code CAUSAL_LOOP_<KEY>} environment
 * overrides, as the streams app does) and passed down.
 *
 * <p>Every key not defined here ({@code bootstrap.servers}, {@code schema.registry.url},
 * {@code security.protocol}, {@code ssl.*}, {@code sasl.*}, ...) is passed through unchanged to
 * the Kafka clients and the serdes, so TLS and SASL work without code. Topic names are the
 * project's {@code topics.<logical>.name} keys.
 *
 * <p>Surprise: an environment variable overrides a key only when the key is defined here, is a
 * Kafka client setting, or already appears in the properties; its name is the key upper-cased
 * with every character other than a letter or digit turned into {@code _}
 * ({@code checkpoint.every.batches} is {@code CAUSAL_LOOP_CHECKPOINT_EVERY_BATCHES}).
 */
public final class TrainerConfig extends AbstractConfig {

    /** Prefix of the environment variables that override keys. */
    public static final String ENV_PREFIX = AppSettings.ENV_PREFIX;

    public static final String POLICY_ID = "policy.id";
    public static final String GROUP_ID = "trainer.group.id";
    public static final String TRANSACTIONAL_ID = "trainer.transactional.id";
    public static final String OBJECTIVE = "objective";
    public static final String WEIGHT_CAP = "weight.cap";
    public static final String BASELINE = "baseline";
    public static final String BASELINE_VALUE = "baseline.value";
    public static final String KL_COEFFICIENT = "kl.coefficient";
    public static final String LEARNING_RATE = "learning.rate";
    public static final String OPTIMIZER = "optimizer";
    public static final String MAX_GRAD_NORM = "max.grad.norm";
    public static final String STEPS_PER_BATCH = "steps.per.batch";
    public static final String DR_SAMPLES = "dr.samples";
    public static final String UNRATED_POLICY = "unrated.policy";
    public static final String DEFAULT_OUTCOME = "default.outcome";
    public static final String CHECKPOINT_EVERY_BATCHES = "checkpoint.every.batches";
    public static final String CHECKPOINT_EVERY_MS = "checkpoint.every.ms";
    public static final String DEVICE = "device";
    public static final String THREADS = "threads";
    public static final String SEED = "seed";
    public static final String MODEL_VOCAB_SIZE = "model.vocab.size";
    public static final String MODEL_D_MODEL = "model.d.model";
    public static final String MODEL_LAYERS = "model.layers";
    public static final String MODEL_HEADS = "model.heads";
    public static final String MODEL_MAX_LEN = "model.max.len";
    public static final String MODEL_DROPOUT = "model.dropout";
    public static final String MODEL_TIED = "model.tied";
    public static final String SAMPLING_TEMPERATURE = "sampling.temperature";
    public static final String SAMPLING_TOP_K = "sampling.top.k";
    public static final String SAMPLING_TOP_P = "sampling.top.p";
    public static final String SAMPLING_EXPLORATION_RATE = "sampling.exploration.rate";
    public static final String SAMPLING_MAX_TOKENS = "sampling.max.tokens";
    public static final String OUTCOME_MODEL_ID = "outcome.model.id";
    public static final String METRICS_PORT = "metrics.port";
    public static final String MAX_BATCHES = "max.batches";
    public static final String POLL_TIMEOUT_MS = "poll.timeout.ms";
    public static final String IDLE_TIMEOUT_MS = "idle.timeout.ms";
    public static final String PRETRAIN_CORPUS_SIZE = "pretrain.corpus.size";
    public static final String PRETRAIN_CORPUS_SEED = "pretrain.corpus.seed";
    public static final String PRETRAIN_STEPS = "pretrain.steps";
    public static final String PRETRAIN_BATCH_SIZE = "pretrain.batch.size";
    public static final String PRETRAIN_LEARNING_RATE = "pretrain.learning.rate";
    public static final String PRETRAIN_HELD_OUT_FRACTION = "pretrain.held.out.fraction";
    public static final String PRETRAIN_CACHE_FILE = "pretrain.cache.file";
    public static final String SIGNING_KEY_FILE = "checkpoint.signing.key.file";
    public static final String TORCHSCRIPT_FILE = "policy.torchscript.file";
    public static final String TORCHSCRIPT_VOCABULARY = "policy.torchscript.vocabulary";
    public static final String TORCHSCRIPT_MAX_LEN = "policy.torchscript.max.len";

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(POLICY_ID, Type.STRING, "policy", policyIdValidator(), Importance.HIGH,
                    "Policy family id: checkpoints are keyed <policy.id>/<version>/<chunk> on policy-checkpoints.")
            .define(GROUP_ID, Type.STRING, "causal-loop-trainer", new ConfigDef.NonEmptyStringWithoutControlChars(),
                    Importance.HIGH, "Consumer group of training-batches; offsets are committed only inside the"
                            + " transaction that publishes the checkpoint which learned them.")
            .define(TRANSACTIONAL_ID, Type.STRING, "", Importance.MEDIUM,
                    "transactional.id of the checkpoint producer; empty for causal-loop-trainer-<policy.id>."
                            + " One trainer per id: a second one fences the first.")
            .define(OBJECTIVE, Type.STRING, ObjectiveKind.DR_CPO.id(),
                    ValidString.in("ft", "oo-rlhf", "cpo", "cpo-sn", "dr-cpo"), Importance.HIGH,
                    "Trainer: ft (likelihood of the logged texts), oo-rlhf (outcome model on f0 samples),"
                            + " cpo (IPW), cpo-sn (self-normalized IPW), dr-cpo (doubly robust).")
            .define(WEIGHT_CAP, Type.DOUBLE, 20.0, Range.atLeast(Double.MIN_VALUE), Importance.HIGH,
                    "Clipping cap M of the importance weights w and the DR ratios v; Infinity for none.")
            .define(BASELINE, Type.STRING, "none", ValidString.in("none", "constant", "batch-mean"), Importance.MEDIUM,
                    "Outcome baseline b of cpo / cpo-sn (y - b): none, constant (baseline.value) or batch-mean.")
            .define(BASELINE_VALUE, Type.DOUBLE, 0.0, Importance.LOW, "The constant of baseline=constant.")
            .define(KL_COEFFICIENT, Type.DOUBLE, 0.0, Range.atLeast(0.0), Importance.MEDIUM,
                    "Weight of the KL penalty to the reference policy (version 0); 0 for none.")
            .define(LEARNING_RATE, Type.DOUBLE, 1e-4, Range.between(1e-12, 10.0), Importance.HIGH,
                    "Optimizer learning rate.")
            .define(OPTIMIZER, Type.STRING, "adam", ValidString.in("adam"), Importance.LOW,
                    "Optimizer; adam is the one implemented. Its moments restart at every checkpoint.")
            .define(MAX_GRAD_NORM, Type.DOUBLE, 1.0, Range.atLeast(0.0), Importance.LOW,
                    "Global gradient-norm clip; 0 for none.")
            .define(STEPS_PER_BATCH, Type.INT, 1, Range.between(1, 1000), Importance.MEDIUM,
                    "Optimizer steps on each training batch.")
            .define(DR_SAMPLES, Type.INT, 64, Range.between(0, 100_000), Importance.MEDIUM,
                    "m: texts sampled from f0 per batch for the DR / OO-RLHF term and the DM / DR estimates.")
            .define(UNRATED_POLICY, Type.STRING, "default-outcome",
                    ValidString.in("default-outcome", "rated-only-weighted", "drop"), Importance.HIGH,
                    "Unrated records (method.md section 4): default-outcome (use default.outcome),"
                            + " rated-only-weighted (rated records weighted by 1 / rating propensity) or drop.")
            .define(DEFAULT_OUTCOME, Type.DOUBLE, 0.0, Importance.MEDIUM,
                    "Outcome of UNRATED records under unrated.policy=default-outcome.")
            .define(CHECKPOINT_EVERY_BATCHES, Type.INT, 10, Range.atLeast(1), Importance.HIGH,
                    "K: a checkpoint is published after this many learned batches.")
            .define(CHECKPOINT_EVERY_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.HIGH,
                    "T: a checkpoint is also published when this long (wall clock) passed since the last"
                            + " one and at least one batch was learned; 0 disables. Makes replay depend on timing.")
            .define(DEVICE, Type.STRING, "auto", ValidString.in("auto", "cpu", "gpu"), Importance.MEDIUM,
                    "auto: the first GPU DJL finds, else the CPU; cpu or gpu force it (gpu fails without one).")
            .define(THREADS, Type.INT, 0, Range.between(0, 1024), Importance.MEDIUM,
                    "PyTorch intra-op threads; 0 leaves the engine's setting (ai.djl.pytorch.num_threads)."
                            + " Part of the reproducibility key.")
            .define(SEED, Type.LONG, 42L, Importance.MEDIUM, "Seed of pretraining, initialization and DR sampling.")
            .define(MODEL_VOCAB_SIZE, Type.INT, 512, Range.between(5, 1 << 20), Importance.MEDIUM,
                    "Vocabulary size of the tokenizer built from the pretraining corpus (an upper bound).")
            .define(MODEL_D_MODEL, Type.INT, 128, Range.atLeast(1), Importance.MEDIUM, "Model width.")
            .define(MODEL_LAYERS, Type.INT, 4, Range.atLeast(1), Importance.MEDIUM, "Transformer layers.")
            .define(MODEL_HEADS, Type.INT, 4, Range.atLeast(1), Importance.MEDIUM, "Attention heads.")
            .define(MODEL_MAX_LEN, Type.INT, 64, Range.atLeast(2), Importance.MEDIUM, "Positions of the model.")
            .define(MODEL_DROPOUT, Type.DOUBLE, 0.0, Range.between(0.0, 0.99), Importance.LOW, "Dropout rate.")
            .define(MODEL_TIED, Type.BOOLEAN, false, Importance.LOW, "Tie the output projection to the embedding.")
            .define(SAMPLING_TEMPERATURE, Type.DOUBLE, 1.0, Range.atLeast(1e-6), Importance.MEDIUM,
                    "Temperature of the f0 samples of DR / OO-RLHF.")
            .define(SAMPLING_TOP_K, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
                    "top-k of the f0 samples; 0 for none.")
            .define(SAMPLING_TOP_P, Type.DOUBLE, 1.0, Range.between(1e-6, 1.0), Importance.MEDIUM,
                    "top-p of the f0 samples; 1 for none.")
            .define(SAMPLING_EXPLORATION_RATE, Type.DOUBLE, 0.0, Range.between(0.0, 1.0), Importance.MEDIUM,
                    "Uniform exploration mixed into the f0 samples' token distribution.")
            .define(SAMPLING_MAX_TOKENS, Type.INT, 48, Range.atLeast(1), Importance.MEDIUM,
                    "Most tokens of an f0 sample.")
            .define(OUTCOME_MODEL_ID, Type.STRING, "outcome", new ConfigDef.NonEmptyStringWithoutControlChars(),
                    Importance.LOW, "Model id of g_hat on outcome-models.")
            .define(METRICS_PORT, Type.INT, 9405, Range.between(-1, 65535), Importance.MEDIUM,
                    "Port of the Prometheus endpoint (/metrics); 0 picks a free port, -1 disables it.")
            .define(MAX_BATCHES, Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM,
                    "Stop after learning this many batches (and publishing their checkpoint); 0 = unbounded.")
            .define(POLL_TIMEOUT_MS, Type.LONG, 200L, Range.atLeast(1), Importance.LOW,
                    "Longest wait of one poll of training-batches.")
            .define(IDLE_TIMEOUT_MS, Type.LONG, 0L, Range.atLeast(0), Importance.LOW,
                    "Stop when no batch arrived for this long (checkpointing what was learned); 0 = never.")
            .define(PRETRAIN_CORPUS_SIZE, Type.INT, 20_000, Range.atLeast(2), Importance.MEDIUM,
                    "Prompt-reply exchanges of the simulator corpus the reference policy is pretrained on.")
            .define(PRETRAIN_CORPUS_SEED, Type.LONG, 7L, Importance.LOW, "Seed of the pretraining corpus.")
            .define(PRETRAIN_STEPS, Type.INT, 1_500, Range.atLeast(0), Importance.MEDIUM,
                    "Optimizer steps of pretraining.")
            .define(PRETRAIN_BATCH_SIZE, Type.INT, 32, Range.atLeast(1), Importance.LOW, "Exchanges per pretraining step.")
            .define(PRETRAIN_LEARNING_RATE, Type.DOUBLE, 1e-3, Range.between(1e-12, 10.0), Importance.LOW,
                    "Adam learning rate of pretraining.")
            .define(PRETRAIN_HELD_OUT_FRACTION, Type.DOUBLE, 0.05, Range.between(0.0, 0.9), Importance.LOW,
                    "Share of the corpus held out for the reference policy's perplexity.")
            .define(PRETRAIN_CACHE_FILE, Type.STRING, "", Importance.LOW,
                    "Local file caching the pretrained reference policy's bytes and metrics (reused when its"
                            + " settings match); empty for none.")
            .define(SIGNING_KEY_FILE, Type.STRING, "", Importance.MEDIUM,
                    "PEM (PKCS#8) or base64 private key (Ed25519, RSA or EC) that signs every published"
                            + " checkpoint's sha256, so serving with serving.checkpoint.public.key rejects any"
                            + " other; empty: checkpoints are unsigned.")
            .define(TORCHSCRIPT_FILE, Type.STRING, "", Importance.MEDIUM,
                    "A user's exported TorchScript causal LM (.pt) to publish as version 0 instead of pretraining"
                            + " the built-in transformer: forward(tokens (B, T) int64) -> logits (B, T, V). Empty:"
                            + " pretrain. Used as is (no pretraining); the model.* and pretrain.* keys do not apply.")
            .define(TORCHSCRIPT_VOCABULARY, Type.STRING, "", Importance.MEDIUM,
                    "Vocabulary of policy.torchscript.file, required with it: one piece per line in id order,"
                            + " starting with <pad>, <bos>, <eos>, <unk> (ids 0-3); texts are split into lower-cased"
                            + " words and punctuation as WordTokenizer does.")
            .define(TORCHSCRIPT_MAX_LEN, Type.INT, 64, Range.atLeast(2), Importance.LOW,
                    "Positions policy.torchscript.file accepts (BOS + context + text - 1).");

    private final Map<String, Object> passThrough;
    private final CausalLoopTopics topics;

    /**
     * Parses and validates the settings.
     *
     * @param originals all settings; keys not defined here are passed to the Kafka clients
     * @throws ConfigException when a value is invalid
     */
    public TrainerConfig(Map<?, ?> originals) {
        super(CONFIG, originals, false);
        Map<String, Object> rest = new LinkedHashMap<>();
        Map<String, Object> asStrings = new HashMap<>();
        originals.forEach((k, v) -> {
            String key = String.valueOf(k);
            asStrings.put(key, v);
            if (!CONFIG.names().contains(key) && !key.startsWith(CausalLoopTopics.PREFIX)) {
                rest.put(key, v);
            }
        });
        this.passThrough = Map.copyOf(rest);
        this.topics = CausalLoopTopics.fromConfig(asStrings);
        if (getInt(MODEL_D_MODEL) % getInt(MODEL_HEADS) != 0) {
            throw new ConfigException(MODEL_HEADS, getInt(MODEL_HEADS), "must divide " + MODEL_D_MODEL);
        }
        if ((torchScriptFile() == null) != (torchScriptVocabulary() == null)) {
            throw new ConfigException(TORCHSCRIPT_VOCABULARY, getString(TORCHSCRIPT_VOCABULARY),
                    "is required with " + TORCHSCRIPT_FILE + " and only with it");
        }
    }

    /** The definitions (for docs and help). */
    public static ConfigDef configDef() {
        return CONFIG;
    }

    /** Settings from a map of strings (tests and embedding). */
    public static TrainerConfig of(Map<String, ?> settings) {
        return new TrainerConfig(settings);
    }

    /**
     * Reads a properties file, then applies {@code CAUSAL_LOOP_<KEY>} overrides from {@code env}.
     *
     * @param file a Java properties file; may be null for environment and defaults only
     * @param env the environment, usually {@link System#getenv()}
     */
    public static TrainerConfig load(Path file, Map<String, String> env) throws IOException {
        return new TrainerConfig(AppSettings.load(file, env, CONFIG.names()));
    }

    /** The settings with the {@code CAUSAL_LOOP_<KEY>} overrides of {@code env} applied. */
    public static Map<String, Object> withEnvironment(Map<String, Object> settings, Map<String, String> env) {
        return AppSettings.withEnvironment(settings, env, CONFIG.names());
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String key) {
        return AppSettings.envName(key);
    }

    /** Settings passed through unchanged to the clients and serdes. */
    public Map<String, Object> passThrough() {
        return passThrough;
    }

    /** Client settings: the pass-through ones minus the consumer/producer-specific keys we set. */
    public Map<String, Object> clientConfig() {
        return new HashMap<>(passThrough);
    }

    public CausalLoopTopics topics() {
        return topics;
    }

    public String trainingBatchesTopic() {
        return topics.name(Logical.TRAINING_BATCHES);
    }

    public String policyCheckpointsTopic() {
        return topics.name(Logical.POLICY_CHECKPOINTS);
    }

    public String outcomeModelsTopic() {
        return topics.name(Logical.OUTCOME_MODELS);
    }

    public String policyId() {
        return getString(POLICY_ID);
    }

    public String groupId() {
        return getString(GROUP_ID);
    }

    /** The configured transactional id, or {@code causal-loop-trainer-<policy.id>}. */
    public String transactionalId() {
        String t = getString(TRANSACTIONAL_ID).trim();
        return t.isEmpty() ? "causal-loop-trainer-" + policyId() : t;
    }

    public ObjectiveKind objectiveKind() {
        return ObjectiveKind.fromId(getString(OBJECTIVE));
    }

    /** The objective's settings; logP_f is computed under each record's own logged spec. */
    public ObjectiveConfig objectiveConfig() {
        BaselineKind b = switch (getString(BASELINE)) {
            case "constant" -> BaselineKind.CONSTANT;
            case "batch-mean" -> BaselineKind.BATCH_MEAN;
            default -> BaselineKind.NONE;
        };
        return new ObjectiveConfig(objectiveKind(), getDouble(WEIGHT_CAP), b, getDouble(BASELINE_VALUE),
                getDouble(KL_COEFFICIENT), unratedPolicy(), getDouble(DEFAULT_OUTCOME), null);
    }

    public UnratedPolicy unratedPolicy() {
        return switch (getString(UNRATED_POLICY)) {
            case "rated-only-weighted" -> UnratedPolicy.RATED_ONLY_WEIGHTED;
            case "drop" -> UnratedPolicy.DROP;
            default -> UnratedPolicy.DEFAULT_OUTCOME;
        };
    }

    public double defaultOutcome() {
        return getDouble(DEFAULT_OUTCOME);
    }

    public double weightCap() {
        return getDouble(WEIGHT_CAP);
    }

    /** Adam with the configured learning rate and gradient-norm clip. */
    public UpdaterConfig updaterConfig() {
        return new UpdaterConfig(getDouble(LEARNING_RATE), 0.9, 0.999, 1e-8, getDouble(MAX_GRAD_NORM));
    }

    public int stepsPerBatch() {
        return getInt(STEPS_PER_BATCH);
    }

    public int drSamples() {
        return getInt(DR_SAMPLES);
    }

    public int checkpointEveryBatches() {
        return getInt(CHECKPOINT_EVERY_BATCHES);
    }

    public long checkpointEveryMs() {
        return getLong(CHECKPOINT_EVERY_MS);
    }

    public String device() {
        return getString(DEVICE);
    }

    public int threads() {
        return getInt(THREADS);
    }

    public long seed() {
        return getLong(SEED);
    }

    /** The architecture, with the configured vocabulary bound (the tokenizer's size replaces it). */
    public ModelConfig modelConfig() {
        return new ModelConfig(getInt(MODEL_VOCAB_SIZE), getInt(MODEL_D_MODEL), getInt(MODEL_LAYERS),
                getInt(MODEL_HEADS), getInt(MODEL_MAX_LEN), getDouble(MODEL_DROPOUT), getBoolean(MODEL_TIED));
    }

    public int vocabSize() {
        return getInt(MODEL_VOCAB_SIZE);
    }

    /** The distribution the f0 samples of DR / OO-RLHF are drawn from. */
    public SamplingSpec samplingSpec() {
        return new SamplingSpec(getDouble(SAMPLING_TEMPERATURE), getInt(SAMPLING_TOP_K), getDouble(SAMPLING_TOP_P),
                getDouble(SAMPLING_EXPLORATION_RATE));
    }

    public int samplingMaxTokens() {
        return getInt(SAMPLING_MAX_TOKENS);
    }

    public String outcomeModelId() {
        return getString(OUTCOME_MODEL_ID);
    }

    public int metricsPort() {
        return getInt(METRICS_PORT);
    }

    public long maxBatches() {
        return getLong(MAX_BATCHES);
    }

    public long pollTimeoutMs() {
        return getLong(POLL_TIMEOUT_MS);
    }

    public long idleTimeoutMs() {
        return getLong(IDLE_TIMEOUT_MS);
    }

    public int pretrainCorpusSize() {
        return getInt(PRETRAIN_CORPUS_SIZE);
    }

    public long pretrainCorpusSeed() {
        return getLong(PRETRAIN_CORPUS_SEED);
    }

    /** Pretraining settings (seeded by {@link #seed()}). */
    public PretrainConfig pretrainConfig() {
        return new PretrainConfig(getInt(PRETRAIN_STEPS), getInt(PRETRAIN_BATCH_SIZE), getDouble(PRETRAIN_LEARNING_RATE),
                getDouble(PRETRAIN_HELD_OUT_FRACTION), seed());
    }

    /** The cache file of the reference policy, or null. */
    public Path pretrainCacheFile() {
        String f = getString(PRETRAIN_CACHE_FILE).trim();
        return f.isEmpty() ? null : Path.of(f);
    }

    /**
     * The signer of checkpoints, read from {@code checkpoint.signing.key.file}, or null when unset.
     *
     * @throws ConfigException when the file is unreadable or holds no private key
     */
    public CheckpointSigner checkpointSigner() {
        String f = getString(SIGNING_KEY_FILE).trim();
        if (f.isEmpty()) {
            return null;
        }
        try {
            return new CheckpointSigner(CheckpointKeys.privateKey(Files.readString(Path.of(f))));
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(SIGNING_KEY_FILE, f, "no private key readable there: " + e.getMessage());
        }
    }

    /** The TorchScript model to start from, or null to pretrain the built-in transformer. */
    public Path torchScriptFile() {
        String f = getString(TORCHSCRIPT_FILE).trim();
        return f.isEmpty() ? null : Path.of(f);
    }

    /** The vocabulary file of {@link #torchScriptFile()}, or null. */
    public Path torchScriptVocabulary() {
        String f = getString(TORCHSCRIPT_VOCABULARY).trim();
        return f.isEmpty() ? null : Path.of(f);
    }

    /** Positions of {@link #torchScriptFile()}. */
    public int torchScriptMaxLen() {
        return getInt(TORCHSCRIPT_MAX_LEN);
    }

    /**
     * Every trainer setting (not the client ones, which may hold secrets) as strings, sorted:
     * the hyper-parameters a checkpoint records.
     */
    public Map<String, String> hyperParameters() {
        Map<String, String> m = new TreeMap<>();
        for (String k : CONFIG.names()) {
            Object v = values().get(k);
            m.put(k, String.valueOf(v));
        }
        m.remove(METRICS_PORT);
        m.remove(PRETRAIN_CACHE_FILE);
        m.remove(SIGNING_KEY_FILE);
        m.remove(POLL_TIMEOUT_MS);
        return m;
    }

    private static ConfigDef.Validator policyIdValidator() {
        return (name, value) -> {
            if (!(value instanceof String s) || s.isBlank() || s.contains("/")) {
                throw new ConfigException(name, value, "must be non-blank and contain no '/'");
            }
        };
    }
}
