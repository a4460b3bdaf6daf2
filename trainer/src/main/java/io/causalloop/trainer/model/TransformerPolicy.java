package io.causalloop.trainer.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The project's own policy: a small decoder-only transformer ({@link ModelConfig}) with its
 * {@link WordTokenizer}, KV-cache sampling and a versioned byte format.
 *
 * <p>Byte format {@value #FORMAT} (big-endian, {@link DataOutputStream}): the header as
 * modified UTF-8, the model configuration as a count and key/value strings, the data type name,
 * the tokenizer's bytes (length-prefixed), then DJL's {@code Block.saveParameters}. Readers
 * reject any other header with {@link UnknownFormatVersionException}. Optimizer state is not
 * part of it.
 *
 * <p>Surprise: creating a policy reseeds the engine ({@code Engine.setRandomSeed(seed)}), which
 * also drives dropout; sampling draws come from a Java RNG seeded per call instead.
 */
public final class TransformerPolicy extends AbstractPolicy {

    /** Header of {@link #toBytes()}. */
    public static final String FORMAT = "causal-loop-policy/1";

    private final ModelConfig config;
    private final CausalTransformerBlock block;
    private final DataType dataType;

    private TransformerPolicy(ModelConfig config, WordTokenizer tokenizer, NDManager manager,
                              CausalTransformerBlock block, DataType dataType) {
        super(manager, block, tokenizer);
        this.config = config;
        this.block = block;
        this.dataType = dataType;
    }

    /** A freshly initialized float32 policy (weights N(0, 0.02), LayerNorm 1/0, biases 0). */
    public static TransformerPolicy create(ModelConfig config, WordTokenizer tokenizer, Device device, int seed) {
        return create(config, tokenizer, device, DataType.FLOAT32, seed, 0.02f);
    }

    /**
     * A freshly initialized policy.
     *
     * @param dataType FLOAT32, or FLOAT64 for exact gradient checks
     * @param initStd standard deviation of the weight initialization
     */
    public static TransformerPolicy create(ModelConfig config, WordTokenizer tokenizer, Device device,
                                           DataType dataType, int seed, float initStd) {
        checkTokenizer(config, tokenizer);
        Engine.getInstance().setRandomSeed(seed);
        NDManager manager = NDManager.newBaseManager(device);
        CausalTransformerBlock block = new CausalTransformerBlock(config);
        block.setInitializer(new NormalInitializer(initStd), Parameter.Type.WEIGHT);
        block.initialize(manager, dataType, new Shape(1, config.maxLen()));
        return new TransformerPolicy(config, tokenizer, manager, block, dataType);
    }

    private static void checkTokenizer(ModelConfig config, WordTokenizer tokenizer) {
        if (tokenizer.vocabSize() != config.vocabSize()) {
            throw new IllegalArgumentException("tokenizer has " + tokenizer.vocabSize() + " ids but the model config "
                    + config.vocabSize() + "; build the config with vocabSize = tokenizer.vocabSize()");
        }
    }

    /** The architecture. */
    public ModelConfig config() {
        return config;
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int maxLen() {
        return config.maxLen();
    }

    @Override
    public int maxContext() {
        return config.maxContext();
    }

    @Override
    public DataType dataType() {
        return dataType;
    }

    @Override
    public String format() {
        return FORMAT;
    }

    /** The architecture ({@link ModelConfig#toMap()}) and the tokenizer's id. */
    @Override
    public Map<String, String> description() {
        Map<String, String> d = new LinkedHashMap<>(config.toMap());
        d.put("tokenizer", tokenizer.id());
        return d;
    }

    @Override
    public NDArray logits(NDManager m, int[][] inputs, boolean training) {
        NDArray tokens = tokenArray(m, inputs);
        int t = (int) tokens.getShape().get(1);
        NDArray positions = m.arange(0, t, 1, DataType.INT64).reshape(1, t);
        return block.forward(store, tokens, positions, block.causalMask(m, t, dataType), training);
    }

    /**
     * KV-cache sampling: one prefill over the left-padded contexts (pads masked as keys,
     * positions counted from each row's BOS), then one single-token step per generated token.
     * The cache is preallocated for the longest text any row may get and written in place.
     */
    @Override
    public SampleBatch sample(List<int[]> contexts, SamplingSpec spec, int maxTokens, long seed) {
        int b = contexts.size();
        if (b == 0) {
            return new SampleBatch(List.of(), new double[0]);
        }
        int v = vocabSize();
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] prompts = new int[b][];
        int[] budget = new int[b];
        int width = 0;
        int maxBudget = 0;
        for (int i = 0; i < b; i++) {
            int[] c = window(contexts.get(i));
            for (int tok : c) {
                if (tok < 0 || tok >= v || !SamplingMath.samplable(tok)) {
                    throw new IllegalArgumentException("context " + i + " has token " + tok + " (outside vocabulary or PAD/BOS)");
                }
            }
            prompts[i] = new int[c.length + 1];
            prompts[i][0] = WordTokenizer.BOS;
            System.arraycopy(c, 0, prompts[i], 1, c.length);
            budget[i] = textBudget(c.length, maxTokens);
            width = Math.max(width, prompts[i].length);
            maxBudget = Math.max(maxBudget, budget[i]);
        }
        // the last token drawn is never fed back: width + maxBudget - 1 slots hold every key
        int capacity = width + Math.max(0, maxBudget - 1);
        int[] pad = new int[b];
        long[] tokens = new long[b * width];
        long[] positions = new long[b * width];
        float[] prefillMask = new float[b * width * width];
        for (int i = 0; i < b; i++) {
            pad[i] = width - prompts[i].length;
            for (int j = 0; j < width; j++) {
                int rel = j - pad[i];
                tokens[i * width + j] = rel < 0 ? WordTokenizer.PAD : prompts[i][rel];
                positions[i * width + j] = Math.max(0, rel);
            }
            for (int q = 0; q < width; q++) {
                for (int k = 0; k < width; k++) {
                    // causal, and left padding never seen as a key
                    prefillMask[(i * width + q) * width + k] = k > q || k < pad[i] ? NEG : 0f;
                }
            }
        }
        List<List<Integer>> texts = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            texts.add(new ArrayList<>());
        }
        boolean[] done = new boolean[b];
        double[] logp = new double[b];
        double[] lp = new double[1];
        int[] next = new int[b];
        long[] stepTokens = new long[b];
        long[] stepPositions = new long[b];
        float[] stepMask = new float[b * capacity];
        SamplingMath.Workspace ws = new SamplingMath.Workspace(v);
        // Inference only, and every array below is read by the op it is passed to before its
        // manager closes: plain create() is safe here (no autograd keeps them; see OwnedArrays).
        try (NDManager call = manager.newSubManager()) {
            CausalTransformerBlock.KvCache cache = new CausalTransformerBlock.KvCache(config, b, capacity, call, dataType);
            float[] last;
            try (NDManager step = call.newSubManager()) {
                NDArray out = block.decode(store, step.create(tokens, new Shape(b, width)),
                        step.create(positions, new Shape(b, width)),
                        masks(step, prefillMask, new Shape(b, 1, width, width)), cache);
                last = asFloats(out.get(":, -1, :"));
            }
            int generated = 0;
            while (true) {
                boolean any = false;
                for (int i = 0; i < b; i++) {
                    if (done[i] || budget[i] <= 0) {
                        done[i] = true;
                        next[i] = WordTokenizer.PAD;
                        continue;
                    }
                    int tok = SamplingMath.draw(last, i * v, v, spec, rng, lp, ws);
                    logp[i] += lp[0];
                    texts.get(i).add(tok);
                    next[i] = tok;
                    done[i] = tok == WordTokenizer.EOS || texts.get(i).size() >= budget[i];
                    any |= !done[i];
                }
                generated++;
                if (!any) {
                    break;
                }
                int keys = width + generated;
                for (int i = 0; i < b; i++) {
                    stepTokens[i] = next[i];
                    // finished rows keep decoding a PAD at a clamped position; nobody reads them
                    stepPositions[i] = Math.min(prompts[i].length + generated - 1, config.maxLen() - 1);
                    for (int j = 0; j < keys; j++) {
                        stepMask[i * keys + j] = j < pad[i] ? NEG : 0f;
                    }
                }
                try (NDManager step = call.newSubManager()) {
                    NDArray out = block.decode(store, step.create(stepTokens, new Shape(b, 1)),
                            step.create(stepPositions, new Shape(b, 1)),
                            masks(step, stepMask, new Shape(b, 1, 1, keys)), cache);
                    last = asFloats(out);
                }
            }
        }
        List<int[]> out = new ArrayList<>();
        for (List<Integer> t : texts) {
            out.add(t.stream().mapToInt(Integer::intValue).toArray());
        }
        return new SampleBatch(out, logp);
    }

    /** The first shape.size() values of {@code mask} as an additive mask of the model's type. */
    private NDArray masks(NDManager step, float[] mask, Shape shape) {
        NDArray m = step.create(FloatBuffer.wrap(mask, 0, Math.toIntExact(shape.size())), shape, DataType.FLOAT32);
        return dataType == DataType.FLOAT32 ? m : m.toType(dataType, false);
    }

    @Override
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bos);
            out.writeUTF(FORMAT);
            Map<String, String> cfg = config.toMap();
            out.writeInt(cfg.size());
            for (Map.Entry<String, String> e : cfg.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.writeUTF(dataType.name());
            byte[] tok = tokenizer.toBytes();
            out.writeInt(tok.length);
            out.write(tok);
            block.saveParameters(out);
            out.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads {@link #toBytes()} onto a device.
     *
     * @throws UnknownFormatVersionException when the header is not {@value #FORMAT}
     */
    public static TransformerPolicy fromBytes(byte[] bytes, Device device) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            String header;
            try {
                header = in.readUTF();
            } catch (IOException e) {
                throw new UnknownFormatVersionException(FORMAT, "<unreadable: "
                        + new String(Arrays.copyOf(bytes, Math.min(bytes.length, 24)), StandardCharsets.ISO_8859_1) + ">");
            }
            if (!FORMAT.equals(header)) {
                throw new UnknownFormatVersionException(FORMAT, header);
            }
            int n = in.readInt();
            Map<String, String> cfg = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                cfg.put(in.readUTF(), in.readUTF());
            }
            ModelConfig config = ModelConfig.fromMap(cfg);
            DataType dataType = DataType.valueOf(in.readUTF());
            byte[] tok = new byte[in.readInt()];
            in.readFully(tok);
            WordTokenizer tokenizer = WordTokenizer.fromBytes(tok);
            checkTokenizer(config, tokenizer);
            NDManager manager = NDManager.newBaseManager(device);
            CausalTransformerBlock block = new CausalTransformerBlock(config);
            block.initialize(manager, dataType, new Shape(1, config.maxLen()));
            try {
                block.loadParameters(manager, in);
            } catch (MalformedModelException e) {
                manager.close();
                throw new IllegalArgumentException("policy weights are malformed: " + e.getMessage(), e);
            }
            for (Pair<String, Parameter> p : block.getParameters()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
            return new TransformerPolicy(config, tokenizer, manager, block, dataType);
        } catch (IOException e) {
            throw new UncheckedIOException("truncated policy bytes", e);
        }
    }

    /** A copy of this policy (same weights, its own manager), e.g. a frozen reference or f0. */
    public TransformerPolicy copy() {
        return fromBytes(toBytes(), device());
    }

    @Override
    public void close() {
        manager.close();
    }
}
