package io.npflua.lua.data;

import org.luaj.vm2.LuaValue;

/**
 * What the engine tells a script about the frame beyond its bytes, read on demand through {@code pkt:time()},
 * {@code pkt:iface()}, {@code pkt:dir()}, {@code pkt:flow()} and {@code pkt:checksum()} (partial checksums). The engine gives each packet object one context
 * ({@link PacketData#context}) and re-points it at every frame; answers are valid during the call only.
 * Implementations allocate nothing per frame (a name may be made once and kept).
 */
public interface PacketContext {
    /** Direction unknown (a file, a test). */
    int DIRECTION_UNKNOWN = 0;
    /** Received by the interface. */
    int DIRECTION_IN = 1;
    /** Sent by this host. */
    int DIRECTION_OUT = 2;

    /** The frame's capture time, nanoseconds since the Unix epoch (a file's own times in {@code replay}), or 0. */
    default long timeNs() {
        return 0;
    }

    /** The name of the interface the frame came in on (a Lua string), or nil when unknown. */
    default LuaValue iface() {
        return LuaValue.NIL;
    }

    /** {@link #DIRECTION_IN}, {@link #DIRECTION_OUT} or {@link #DIRECTION_UNKNOWN}. */
    default int direction() {
        return DIRECTION_UNKNOWN;
    }

    /** The frame's flow object (valid during the call), or nil when the frame has none. */
    default LuaValue flow() {
        return LuaValue.NIL;
    }

    /**
     * Whether the frame's TCP/UDP checksum is partial: the kernel's CHECKSUM_PARTIAL ({@code VIRTIO_NET_HDR_F_NEEDS_CSUM}
     * on a packet socket with vnet headers), where the checksum field holds only the folded pseudo-header sum and the
     * sending device (or segmentation of a super-frame) computes the rest. Asked only by {@code pkt:checksum()}.
     */
    default boolean checksumPartial() {
        return false;
    }
}
