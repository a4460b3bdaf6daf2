package io.causalloop.trainer.model;

import ai.djl.Device;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

/** Reads any policy's bytes: the header written by {@link PolicyModel#toBytes()} picks the reader. */
public final class Policies {

    private Policies() {
    }

    /** The header of a policy's bytes, or a description of why there is none. */
    public static String format(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return in.readUTF();
        } catch (IOException e) {
            return "<unreadable: " + e.getMessage() + ">";
        }
    }

    /**
     * Loads a policy of any known format onto a device.
     *
     * @throws UnknownFormatVersionException when the header is neither {@value TransformerPolicy#FORMAT}
     *     nor {@value TorchScriptPolicy#FORMAT}
     */
    public static PolicyModel fromBytes(byte[] bytes, Device device) {
        String format = format(bytes);
        return switch (format) {
            case TransformerPolicy.FORMAT -> TransformerPolicy.fromBytes(bytes, device);
            case TorchScriptPolicy.FORMAT -> TorchScriptPolicy.fromBytes(bytes, device);
            default -> throw new UnknownFormatVersionException(
                    TransformerPolicy.FORMAT + " or " + TorchScriptPolicy.FORMAT, format);
        };
    }
}
