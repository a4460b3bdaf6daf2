package io.causalloop.serde;

import java.io.OutputStream;
import java.util.Arrays;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;

/**
 * Per-thread buffers, encoder and decoder, reused across records: a serde instance is shared by
 * every stream thread, and Avro's encoders and decoders are not thread-safe.
 */
final class SerdeBuffers {

    private static final ThreadLocal<SerdeBuffers> PER_THREAD = ThreadLocal.withInitial(SerdeBuffers::new);
    /** Buffers grown beyond this by one huge record are dropped after use, not kept per thread. */
    private static final int MAX_RETAINED = 1 << 20;

    final Output output = new Output();
    BinaryEncoder encoder;
    BinaryDecoder decoder;

    static SerdeBuffers get() {
        return PER_THREAD.get();
    }

    /** An unsynchronized, reusable byte sink. */
    static final class Output extends OutputStream {
        private byte[] bytes = new byte[1024];
        private int size;

        void reset() {
            if (bytes.length > MAX_RETAINED) {
                bytes = new byte[1024];
            }
            size = 0;
        }

        void writeHeader(int schemaId) {
            ensure(ConfluentWireFormat.HEADER_SIZE);
            bytes[size++] = ConfluentWireFormat.MAGIC_BYTE;
            bytes[size++] = (byte) (schemaId >>> 24);
            bytes[size++] = (byte) (schemaId >>> 16);
            bytes[size++] = (byte) (schemaId >>> 8);
            bytes[size++] = (byte) schemaId;
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }

        private void ensure(int more) {
            int needed = size + more;
            if (needed > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
            }
        }
    }
}
