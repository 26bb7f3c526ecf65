package io.npflua.lua.string;

import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code find}, {@code match} and one {@code gmatch} step over the subject already set on a
 * {@link PatternMatcher}: the same code serves Lua strings and data objects.
 */
final class PatternCalls {
    private PatternCalls() {}

    /**
     * {@code string.find} ({@code find == true}) or {@code string.match}; {@code init} is the raw Lua argument.
     * Allocates only the returned values.
     */
    static Varargs findOrMatch(PatternMatcher m, LuaString p, long rawInit, boolean plain, boolean find) {
        int ls = m.subjectLength;
        long init = LuaArgs.startPosition(rawInit, ls);
        if (init > ls + 1L) {
            return LuaValue.NIL;
        }
        int s1 = (int) init - 1;
        if (find && (plain || PatternMatcher.hasNoSpecials(p))) {
            int i = m.indexOf(p, s1);
            if (i < 0) {
                return LuaValue.NIL;
            }
            return LuaValue.varargsOf(LuaInteger.valueOf(i + 1), LuaInteger.valueOf(i + p.m_length));
        }
        m.pattern(p, true);
        boolean anchored = m.anchored;
        while (true) {
            int start = anchored ? s1 : m.nextCandidate(s1);
            if (start < 0) {
                return LuaValue.NIL;
            }
            int e = anchored ? m.matchAt(start) : m.matchAtCandidate(start);
            if (e >= 0) {
                if (!find) {
                    return m.captures(start, e, true);
                }
                LuaValue a = LuaInteger.valueOf(start + 1);
                LuaValue b = LuaInteger.valueOf(e);
                int n = m.captureCount(false);
                if (n == 0) {
                    return LuaValue.varargsOf(a, b);
                }
                LuaValue[] v = new LuaValue[n + 2];
                v[0] = a;
                v[1] = b;
                for (int i = 0; i < n; i++) {
                    v[i + 2] = m.capture(i, start, e);
                }
                return LuaValue.varargsOf(v);
            }
            if (anchored || start >= ls) {
                return LuaValue.NIL;
            }
            s1 = start + 1;
        }
    }

    /**
     * One {@code gmatch} step from position {@code src} (0-based); returns the match's values and stores the
     * next position and the last match end in {@code state[0]} and {@code state[1]}, or returns null at the end.
     */
    static Varargs gmatchStep(PatternMatcher m, LuaString p, int[] state) {
        int ls = m.subjectLength;
        m.pattern(p, false);
        int src = state[0];
        while (src <= ls) {
            int start = m.nextCandidate(src);
            if (start < 0) {
                break;
            }
            int e = m.matchAtCandidate(start);
            if (e >= 0 && e != state[1]) {
                state[0] = e;
                state[1] = e;
                return m.captures(start, e, true);
            }
            src = start + 1;
        }
        state[0] = ls + 1;
        return null;
    }
}
