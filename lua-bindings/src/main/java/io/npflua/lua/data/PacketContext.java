package io.npflua.lua.data;

import org.luaj.vm2.LuaValue;

/**
 * What the engine tells a script about the frame beyond its bytes, read on demand through {@code pkt:time()},
 * {@code pkt:iface()}, {@code pkt:dir()} and {@code pkt:flow()}. The engine gives each packet object one context
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
    long timeNs();

    /** The name of the interface the frame came in on (a Lua string), or nil when unknown. */
    LuaValue iface();

    /** {@link #DIRECTION_IN}, {@link #DIRECTION_OUT} or {@link #DIRECTION_UNKNOWN}. */
    int direction();

    /** The frame's flow object (valid during the call), or nil when the frame has none. */
    LuaValue flow();
}
