package io.npflua.lua.string;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The string functions over bytes that live in a {@link MemorySegment} (data objects): the same matcher and the
 * same results as {@code string.find/match/gmatch/byte/sub} on a Lua string with those bytes, without copying the
 * subject. Only returned captures and slices are copied.
 *
 * <p>{@code args} are the Lua call's arguments after {@code self}: for {@code d:find(p, init, plain)},
 * {@code args} is {@code (p, init, plain)}. Argument errors number arguments as {@code string.find(s, ...)}
 * would (the pattern is #2). Each call reads {@link SegmentBytes#segment()} first, so an expired packet raises its
 * error before any byte is read.
 */
public final class SegmentStrings {
    private SegmentStrings() {}

    /** {@code d:find(pattern [, init [, plain]])}. Allocates only the returned values. */
    public static Varargs find(SegmentBytes self, Varargs args) {
        return findOrMatch(self, args, true);
    }

    /** {@code d:match(pattern [, init])}. Allocates only the returned captures. */
    public static Varargs match(SegmentBytes self, Varargs args) {
        return findOrMatch(self, args, false);
    }

    /**
     * {@code d:match(pattern)} with one result, for callers that have the pattern at hand (no argument list).
     * Allocates only the returned capture.
     */
    public static LuaValue match(SegmentBytes self, LuaValue pattern) {
        MemorySegment seg = self.segment();
        LuaString p = pattern instanceof LuaString s ? s : LuaArgs.checkString(pattern, 1, "match");
        PatternMatcher m = PatternMatcher.acquire(self.matcherHome());
        try {
            m.subject(seg, self.offset(), self.length());
            return PatternCalls.findOrMatch(m, p, 1, false, false).arg1();
        } finally {
            m.release();
        }
    }

    /**
     * {@code d:find(...)} or {@code d:match(...)} with the method's whole argument list, self first: no sub-list of
     * the arguments is made (a compiled call with three arguments allocates nothing more than its own list).
     */
    public static Varargs findOrMatchMethod(SegmentBytes self, Varargs args, boolean find) {
        return findOrMatch(self, args, 2, find);
    }

    private static Varargs findOrMatch(SegmentBytes self, Varargs args, boolean find) {
        return findOrMatch(self, args, 1, find);
    }

    /**
     * {@code d:find(pattern, init)} or {@code d:match(pattern, init)} with the arguments at hand ({@code init} nil when
     * absent), for a method's fixed-arity call: no argument list. Errors as {@link #findOrMatchMethod} reports them.
     */
    public static Varargs findOrMatch(SegmentBytes self, LuaValue pattern, LuaValue init, boolean find) {
        String name = find ? "find" : "match";
        MemorySegment seg = self.segment();
        LuaString p = LuaArgs.checkString(pattern, 2, name);
        long from = init.isnil() ? 1 : LuaArgs.checkInteger(init, 3, name);
        PatternMatcher m = PatternMatcher.acquire(self.matcherHome());
        try {
            m.subject(seg, self.offset(), self.length());
            return PatternCalls.findOrMatch(m, p, from, false, find);
        } finally {
            m.release();
        }
    }

    /** {@code first}: where the pattern is in {@code args}; argument errors count from the pattern as #2. */
    private static Varargs findOrMatch(SegmentBytes self, Varargs args, int first, boolean find) {
        String name = find ? "find" : "match";
        int shift = 2 - first;
        MemorySegment seg = self.segment();
        LuaString p = LuaArgs.checkString(args, first, name, shift);
        long init = args.isnoneornil(first + 1) ? 1 : LuaArgs.checkInteger(args, first + 1, name, shift);
        boolean plain = find && args.toboolean(first + 2);
        PatternMatcher m = PatternMatcher.acquire(self.matcherHome());
        try {
            m.subject(seg, self.offset(), self.length());
            return PatternCalls.findOrMatch(m, p, init, plain, find);
        } finally {
            m.release();
        }
    }

    /**
     * {@code d:gmatch(pattern [, init])}: an iterator that re-checks {@link SegmentBytes#segment()} on every step, so
     * one kept past the packet's call fails with the data object's error.
     */
    public static LuaValue gmatch(SegmentBytes self, Varargs args) {
        self.segment();
        LuaString p = LuaArgs.checkString(args, 1, "gmatch", 1);
        int len = self.length();
        long init = LuaArgs.startPosition(args.isnoneornil(2) ? 1 : LuaArgs.checkInteger(args, 2, "gmatch", 1), len);
        if (init > len + 1L) {
            init = len + 2L; // Lua 5.4: past the end + 1 there is no match, not even an empty one
        }
        int[] state = {(int) init - 1, -1};
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs ignored) {
                MemorySegment seg = self.segment();
                PatternMatcher m = PatternMatcher.acquire(self.matcherHome());
                try {
                    m.subject(seg, self.offset(), self.length());
                    Varargs r = PatternCalls.gmatchStep(m, p, state);
                    return r == null ? LuaValue.NONE : r;
                } finally {
                    m.release();
                }
            }
        };
    }

    /** {@code d:byte([i [, j]])}, like {@code string.byte}. Allocates only for several results. */
    public static Varargs byteAt(SegmentBytes self, Varargs args) {
        return byteAt(self, args.arg1(), args.arg(2));
    }

    /**
     * {@code d:byte(i, j)} with the arguments at hand (nil for absent ones), as a method with fixed arity calls it.
     * Allocation-free for one result.
     */
    public static Varargs byteAt(SegmentBytes self, LuaValue i, LuaValue j) {
        MemorySegment seg = self.segment();
        int len = self.length();
        long base = self.offset();
        long pi = i.isnil() ? 1 : LuaArgs.checkInteger(i, 1, "byte", 1);
        long posi = LuaArgs.startPosition(pi, len);
        long pose = LuaArgs.endPosition(j.isnil() ? pi : LuaArgs.checkInteger(j, 1, "byte", 2), len);
        if (posi > pose) {
            return LuaValue.NONE;
        }
        int n = (int) (pose - posi + 1);
        if (n == 1) {
            return LuaInteger.valueOf(seg.get(ValueLayout.JAVA_BYTE, base + posi - 1) & 0xff);
        }
        LuaValue[] v = new LuaValue[n];
        for (int k = 0; k < n; k++) {
            v[k] = LuaInteger.valueOf(seg.get(ValueLayout.JAVA_BYTE, base + posi - 1 + k) & 0xff);
        }
        return LuaValue.varargsOf(v);
    }

    /**
     * {@code d:sub(i [, j])}, like {@code string.sub}: copies only the returned slice (a slice of 32 bytes or less
     * that LuaJ's short-string cache already holds allocates nothing).
     */
    public static LuaString sub(SegmentBytes self, Varargs args) {
        return sub(self, args.arg1(), args.arg(2));
    }

    /** {@code d:sub(i, j)} with the arguments at hand (nil for an absent j). Allocates only the slice. */
    public static LuaString sub(SegmentBytes self, LuaValue i, LuaValue j) {
        MemorySegment seg = self.segment();
        int len = self.length();
        long start = LuaArgs.startPosition(LuaArgs.checkInteger(i, 1, "sub", 1), len);
        long end = LuaArgs.endPosition(j.isnil() ? -1 : LuaArgs.checkInteger(j, 1, "sub", 2), len);
        if (start > end) {
            return LuaValue.EMPTYSTRING;
        }
        return PatternMatcher.copyOf(seg, self.offset() + start - 1, (int) (end - start + 1));
    }
}
