package io.npflua.ffm.lab;

import java.nio.ByteBuffer;

/**
 * Ethernet frames for tests: locally administered MACs (02:...), the local experimental EtherType 0x88B5 and a
 * sequence number so each frame is recognisable. No IP: nothing leaves the lab.
 */
public final class TestFrames {
    /** IEEE local experimental EtherType 1. */
    public static final int ETHERTYPE = 0x88B5;

    public static final byte[] DST = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
    public static final byte[] SRC = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

    private TestFrames() {}

    /**
     * @param sequence a number written at offset 14 (big-endian int) and used to vary the payload.
     * @param length   total frame length, at least 18.
     * @return the frame.
     */
    public static byte[] frame(final int sequence, final int length) {
        final ByteBuffer b = ByteBuffer.allocate(length);
        b.put(DST).put(SRC).putShort((short) ETHERTYPE).putInt(sequence);
        for (int i = b.position(); i < length; i++) {
            b.put((byte) (sequence * 31 + i));
        }
        return b.array();
    }

    /**
     * @param sequence as {@link #frame(int, int)}.
     * @param length   total length without the tag.
     * @param tpid     0x8100 (802.1Q) or 0x88A8 (802.1ad).
     * @param tci      the tag's PCP/DEI/VID.
     * @return the frame with one tag after the MAC addresses, as on the wire ({@code length + 4} bytes).
     */
    public static byte[] taggedFrame(final int sequence, final int length, final int tpid, final int tci) {
        final byte[] plain = frame(sequence, length);
        final ByteBuffer b = ByteBuffer.allocate(length + 4);
        b.put(plain, 0, 12).putShort((short) tpid).putShort((short) tci).put(plain, 12, length - 12);
        return b.array();
    }

    /**
     * @param frame a frame made here (untagged).
     * @return its sequence number.
     */
    public static int sequenceOf(final byte[] frame) {
        return ByteBuffer.wrap(frame, 14, 4).getInt();
    }
}
