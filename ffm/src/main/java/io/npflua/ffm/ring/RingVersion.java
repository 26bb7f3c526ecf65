package io.npflua.ffm.ring;

import io.npflua.ffm.layout.PacketConstants;

/**
 * The TPACKET version of a socket's rings.
 */
public enum RingVersion {
    /** Per-frame ownership, low latency: the inline bridge, and every TX ring. */
    V2(PacketConstants.TPACKET_V2),
    /** Per-block ownership, variable-size records: capture. */
    V3(PacketConstants.TPACKET_V3);

    private final int kernelValue;

    RingVersion(final int kernelValue) {
        this.kernelValue = kernelValue;
    }

    /** @return the value of {@code PACKET_VERSION}. */
    public int kernelValue() {
        return kernelValue;
    }
}
