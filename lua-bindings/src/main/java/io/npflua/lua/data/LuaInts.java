package io.npflua.lua.data;

import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaValue;

/**
 * Lua numbers for field values without allocation where it matters: LuaJ caches only -256..255, so every 16-bit
 * packet field (ports, lengths, ethertypes) would allocate a {@code LuaInteger}. We keep all 65,536 of them.
 */
final class LuaInts {
    private static final LuaValue[] U16 = new LuaValue[1 << 16];

    static {
        for (int i = 0; i < U16.length; i++) {
            U16[i] = LuaInteger.valueOf(i);
        }
    }

    private LuaInts() {}

    /** The Lua number for {@code v}; allocation-free for 0..65535, exact up to 2^53 in magnitude. */
    static LuaValue of(long v) {
        if ((v >>> 16) == 0) {
            return U16[(int) v];
        }
        return large(v);
    }

    /** The Lua number for {@code v} in 0..65535 (the caller knows it is: a field of at most 16 bits). */
    static LuaValue small(int v) {
        return U16[v];
    }

    // Out of line: the common case above stays small where it is inlined.
    private static LuaValue large(long v) {
        return LuaInteger.valueOf(v);
    }
}
