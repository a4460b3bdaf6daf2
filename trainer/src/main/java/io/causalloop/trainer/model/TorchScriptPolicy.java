package io.causalloop.trainer.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.SymbolBlock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user's exported TorchScript causal LM as a {@link PolicyModel}: its {@code forward} takes
 * token ids (B, T) int64 and returns logits (B, T, V) as its first output. Scoring and sampling
 * are the shared ones of {@link AbstractPolicy} (sampling recomputes the whole sequence per
 * token: there is no KV cache). Its ids are those of the {@link WordTokenizer} given with it
 * (PAD = 0, BOS = 1, EOS = 2, UNK = 3, then the vocabulary), which travels with the weights.
 *
 * <p>Loaded with DJL's {@code trainParam=true}, so its parameters train like the transformer's.
 * Byte format {@value #FORMAT} (big-endian): the header as modified UTF-8, the number of
 * positions, the tokenizer's bytes (length-prefixed), then the TorchScript module as DJL's
 * {@code SymbolBlock.saveParameters} writes it (libtorch's own {@code torch.jit.save} archive).
 *
 * <p>Tested on {@code src/test/resources/torchscript/tiny-lm.pt}, a TorchScript archive in the
 * format {@code torch.jit.save} writes, whose logits the test recomputes by hand: loading,
 * logits, log-probabilities, sampling, a training step and the byte round trip.
 */
public final class TorchScriptPolicy extends AbstractPolicy {

    /** Header of {@link #toBytes()}. */
    public static final String FORMAT = "causal-loop-torchscript/1";

    private final Model model;
    private final Block block;
    private final int vocabSize;
    private final int maxLen;

    private TorchScriptPolicy(Model model, NDManager manager, Block block, WordTokenizer tokenizer, int maxLen) {
        super(manager, block, tokenizer);
        if (maxLen < 2) {
            throw new IllegalArgumentException("maxLen must be >= 2, got " + maxLen);
        }
        this.model = model;
        this.block = block;
        this.vocabSize = tokenizer.vocabSize();
        this.maxLen = maxLen;
    }

    /**
     * Loads a TorchScript file ({@code .pt}) with trainable parameters.
     *
     * @param file the exported module
     * @param tokenizer its vocabulary: id i of the model is piece i of the tokenizer
     * @param maxLen positions it accepts
     * @param device where to load it
     */
    public static TorchScriptPolicy load(Path file, WordTokenizer tokenizer, int maxLen, Device device) {
        Model model = Model.newInstance("policy", device, "PyTorch");
        try {
            model.load(file, null, Map.of("trainParam", "true"));
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException("cannot read TorchScript policy " + file, e);
        } catch (MalformedModelException e) {
            model.close();
            throw new IllegalArgumentException("not a TorchScript module: " + file, e);
        }
        return new TorchScriptPolicy(model, model.getNDManager(), model.getBlock(), tokenizer, maxLen);
    }

    /** Reads {@link #toBytes()}; throws {@link UnknownFormatVersionException} on another header. */
    public static TorchScriptPolicy fromBytes(byte[] bytes, Device device) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            String header = in.readUTF();
            if (!FORMAT.equals(header)) {
                throw new UnknownFormatVersionException(FORMAT, header);
            }
            int len = in.readInt();
            byte[] tok = new byte[in.readInt()];
            in.readFully(tok);
            WordTokenizer tokenizer = WordTokenizer.fromBytes(tok);
            NDManager manager = NDManager.newBaseManager(device, "PyTorch");
            try {
                SymbolBlock block = Engine.getEngine("PyTorch").newSymbolBlock(manager);
                block.loadParameters(manager, in);
                return new TorchScriptPolicy(null, manager, block, tokenizer, len);
            } catch (RuntimeException | IOException | MalformedModelException e) {
                manager.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable TorchScript policy bytes", e);
        } catch (MalformedModelException e) {
            throw new IllegalArgumentException("malformed TorchScript policy bytes", e);
        }
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public Map<String, String> description() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("kind", "torchscript");
        d.put("vocabSize", Integer.toString(vocabSize));
        d.put("maxLen", Integer.toString(maxLen));
        d.put("parameters", Long.toString(parameterCount()));
        d.put("tokenizer", tokenizer.id());
        return d;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int maxLen() {
        return maxLen;
    }

    @Override
    public int maxContext() {
        return maxLen / 2;
    }

    @Override
    public NDArray logits(NDManager m, int[][] inputs, boolean training) {
        NDArray tokens = tokenArray(m, inputs);
        NDArray logits = block.forward(store, new NDList(tokens), training).get(0);
        if (logits.getShape().dimension() != 3 || logits.getShape().get(2) != vocabSize) {
            throw new IllegalStateException("TorchScript policy returned logits of shape " + logits.getShape()
                    + "; expected (B, T, " + vocabSize + ")");
        }
        logits.attach(m);
        return logits;
    }

    @Override
    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bos);
            out.writeUTF(FORMAT);
            out.writeInt(maxLen);
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

    @Override
    public void close() {
        if (model != null) {
            model.close();
        } else {
            manager.close();
        }
    }
}
