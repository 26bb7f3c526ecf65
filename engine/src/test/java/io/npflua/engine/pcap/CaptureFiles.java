package io.npflua.engine.pcap;

import io.npflua.engine.frames.FrameBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Builds capture files byte by byte for reader tests, including broken ones our writer would never produce. */
final class CaptureFiles {
    private CaptureFiles() {}

    /** A frame with its capture metadata. */
    record Frame(long timestampNs, int wireLength, byte[] bytes) {}

    /** A few valid frames of different sizes and times. */
    static List<Frame> sampleFrames() {
        List<Frame> frames = new ArrayList<>();
        long ts = 1_768_471_200_123_456_789L;
        for (int i = 0; i < 5; i++) {
            byte[] payload = new byte[i * 300];
            for (int j = 0; j < payload.length; j++) {
                payload[j] = (byte) (j * 7 + i);
            }
            byte[] frame = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                    .ipv4("198.18.0.1", "198.18.1.1")
                    .udp(1000 + i, 2000)
                    .payload(payload)
                    .padToMinimum(true)
                    .build();
            frames.add(new Frame(ts + i * 1_000_001_001L, frame.length, frame));
        }
        return frames;
    }

    /** Classic pcap bytes: header and records exactly as given (caplen = bytes.length). */
    static byte[] classic(ByteOrder order, boolean nanoseconds, int snapLength, int linkType, List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(24).order(order);
        h.putInt(nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0)
                .putInt(0)
                .putInt(snapLength)
                .putInt(linkType);
        out.writeBytes(h.array());
        for (Frame f : frames) {
            out.writeBytes(classicRecord(order, nanoseconds, f.timestampNs(), f.bytes().length, f.wireLength()));
            out.writeBytes(f.bytes());
        }
        return out.toByteArray();
    }

    static byte[] classicRecord(
            ByteOrder order, boolean nanoseconds, long timestampNs, int capturedLength, int wireLength) {
        ByteBuffer r = ByteBuffer.allocate(16).order(order);
        long fraction = timestampNs % 1_000_000_000L;
        r.putInt((int) (timestampNs / 1_000_000_000L))
                .putInt((int) (nanoseconds ? fraction : fraction / 1000))
                .putInt(capturedLength)
                .putInt(wireLength);
        return r.array();
    }

    /** pcapng builder for tests. */
    static final class Pcapng {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private ByteOrder order;

        Pcapng section(ByteOrder byteOrder) {
            order = byteOrder;
            ByteBuffer body = buffer(16);
            body.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1);
            return block(0x0A0D0D0A, body.array());
        }

        /** IDB; tsresol < 0 means no if_tsresol option. */
        Pcapng interfaceBlock(int linkType, int snapLength, int tsresol, long tsOffsetSeconds) {
            ByteBuffer body = buffer(64);
            body.putShort((short) linkType).putShort((short) 0).putInt(snapLength);
            if (tsresol >= 0) {
                body.putShort((short) 9).putShort((short) 1).put((byte) tsresol).put(new byte[3]);
            }
            if (tsOffsetSeconds != 0) {
                body.putShort((short) 14).putShort((short) 8).putLong(tsOffsetSeconds);
            }
            body.putShort((short) 0).putShort((short) 0);
            return block(1, slice(body));
        }

        Pcapng enhanced(int interfaceId, long units, int capturedLength, int wireLength, byte[] data) {
            ByteBuffer body = buffer(20 + pad(data.length) + 12);
            body.putInt(interfaceId)
                    .putInt((int) (units >>> 32))
                    .putInt((int) units)
                    .putInt(capturedLength)
                    .putInt(wireLength)
                    .put(data)
                    .put(new byte[pad(data.length) - data.length]);
            // an opt_comment, to prove options after the data are skipped
            body.putShort((short) 1)
                    .putShort((short) 2)
                    .put((byte) 'h')
                    .put((byte) 'i')
                    .putShort((short) 0);
            body.putInt(0);
            return block(6, slice(body));
        }

        Pcapng simple(int wireLength, byte[] data) {
            ByteBuffer body = buffer(4 + pad(data.length));
            body.putInt(wireLength).put(data).put(new byte[pad(data.length) - data.length]);
            return block(3, slice(body));
        }

        Pcapng unknown(int type, int bodyLength) {
            return block(type, new byte[pad(bodyLength)]);
        }

        Pcapng raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        Pcapng block(int type, byte[] body) {
            ByteBuffer b = buffer(12 + body.length);
            b.putInt(type).putInt(12 + body.length).put(body).putInt(12 + body.length);
            out.writeBytes(b.array());
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private ByteBuffer buffer(int size) {
            return ByteBuffer.allocate(size).order(order);
        }

        private static byte[] slice(ByteBuffer b) {
            byte[] bytes = new byte[b.position()];
            b.flip().get(bytes);
            return bytes;
        }

        private static int pad(int length) {
            return (length + 3) & ~3;
        }
    }
}
