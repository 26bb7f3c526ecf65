package io.npflua.ffm.ring;

import io.npflua.ffm.layout.PacketConstants;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Writes a stripped VLAN tag back into a received frame, in place, using the 4 bytes of PACKET_RESERVE headroom in
 * front of the packet: the two MAC addresses move 4 bytes towards the header, then TPID and TCI follow them.
 */
final class VlanTags {
    static final int TAG_LENGTH = 4;
    private static final int MAC_ADDRESSES_LENGTH = 12;
    private static final ValueLayout.OfShort BE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private VlanTags() {}

    /**
     * @param ring       the ring mapping.
     * @param dataOffset where the packet starts in {@code ring}; {@code dataOffset - 4} must be free headroom.
     * @param tpid       the tag protocol (0 if the kernel did not report it: 802.1Q is assumed).
     * @param tci        the tag control information.
     */
    static void reinsert(final MemorySegment ring, final long dataOffset, final int tpid, final int tci) {
        final long start = dataOffset - TAG_LENGTH;
        // Overlapping copy: MemorySegment.copy behaves as if through a temporary buffer.
        MemorySegment.copy(ring, dataOffset, ring, start, MAC_ADDRESSES_LENGTH);
        ring.set(BE_SHORT, start + MAC_ADDRESSES_LENGTH, (short) (tpid == 0 ? PacketConstants.ETH_P_8021Q : tpid));
        ring.set(BE_SHORT, start + MAC_ADDRESSES_LENGTH + 2, (short) tci);
    }
}
