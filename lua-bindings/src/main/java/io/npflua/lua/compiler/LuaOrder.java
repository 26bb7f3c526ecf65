package io.npflua.lua.compiler;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * Lua 5.4's order of values, where LuaJ 3.0.1's differs: strings compare by unsigned bytes (LuaJ: signed, so
 * {@code '\200' < 'a'}), and {@code __lt}/{@code __le} apply with a number or string on the left. Compiled code's
 * {@code <} and {@code <=} and the sandbox's {@code table.sort} use it.
 */
public final class LuaOrder {
    private LuaOrder() {}

    /** {@code a < b} as Lua 5.4: strings by unsigned bytes, {@code __lt} also with a number or string on the left. */
    public static boolean lessThan(LuaValue a, LuaValue b) {
        if (a instanceof LuaString x && b instanceof LuaString y) {
            return compareBytes(x, y) < 0;
        }
        if (metamethodOnRight(a, b, LuaValue.LT)) {
            return a.comparemt(LuaValue.LT, b).toboolean();
        }
        return a.lt_b(b);
    }

    /** {@code a <= b}: as {@link #lessThan} with {@code __le}. */
    public static boolean lessOrEqual(LuaValue a, LuaValue b) {
        if (a instanceof LuaString x && b instanceof LuaString y) {
            return compareBytes(x, y) <= 0;
        }
        if (metamethodOnRight(a, b, LuaValue.LE) || metamethodOnRight(a, b, LuaValue.LT)) {
            return a.comparemt(LuaValue.LE, b).toboolean();
        }
        return a.lteq_b(b);
    }

    /** LuaJ's numbers and strings refuse to compare with a table or userdata even when it has the metamethod. */
    private static boolean metamethodOnRight(LuaValue a, LuaValue b, LuaValue tag) {
        int ta = a.type();
        int tb = b.type();
        return (ta == LuaValue.TNUMBER || ta == LuaValue.TSTRING)
                && (tb == LuaValue.TTABLE || tb == LuaValue.TUSERDATA)
                && !b.metatag(tag).isnil();
    }

    /** Byte-wise unsigned comparison, as C Lua's {@code strcoll} in the C locale. */
    public static int compareBytes(LuaString x, LuaString y) {
        int n = Math.min(x.m_length, y.m_length);
        byte[] xb = x.m_bytes;
        byte[] yb = y.m_bytes;
        int xo = x.m_offset;
        int yo = y.m_offset;
        for (int i = 0; i < n; i++) {
            int d = (xb[xo + i] & 0xff) - (yb[yo + i] & 0xff);
            if (d != 0) {
                return d;
            }
        }
        return x.m_length - y.m_length;
    }
}
