package io.npflua.lua.string;

import io.npflua.lua.core.InstructionBudget;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The functions of our {@code string} library. Each is a stateless {@link VarArgFunction}, safe to share between
 * Lua states and threads (per-call state lives in the thread's {@link PatternMatcher}).
 */
final class StringFunctions {
    static final String[] NAMES = {
        "byte",
        "char",
        "find",
        "format",
        "gmatch",
        "gsub",
        "len",
        "lower",
        "match",
        "rep",
        "reverse",
        "sub",
        "upper",
        "pack",
        "packsize",
        "unpack",
    };

    private StringFunctions() {}

    /** A new table holding every function (the same function objects each time). */
    static void fill(LuaTable t) {
        for (int i = 0; i < NAMES.length; i++) {
            t.rawset(CanonicalStrings.of(NAMES[i]), FUNCTIONS[i]);
        }
    }

    private static final LuaValue[] FUNCTIONS = new LuaValue[NAMES.length];

    static {
        for (int i = 0; i < NAMES.length; i++) {
            FUNCTIONS[i] = new Fn(i, NAMES[i]);
        }
    }

    private static final int OP_BYTE = 0;
    private static final int OP_CHAR = 1;
    private static final int OP_FIND = 2;
    private static final int OP_FORMAT = 3;
    private static final int OP_GMATCH = 4;
    private static final int OP_GSUB = 5;
    private static final int OP_LEN = 6;
    private static final int OP_LOWER = 7;
    private static final int OP_MATCH = 8;
    private static final int OP_REP = 9;
    private static final int OP_REVERSE = 10;
    private static final int OP_SUB = 11;
    private static final int OP_UPPER = 12;
    private static final int OP_PACK = 13;
    private static final int OP_PACKSIZE = 14;
    private static final int OP_UNPACK = 15;

    private static final class Fn extends VarArgFunction {
        private final int op;

        Fn(int op, String name) {
            this.op = op;
            this.name = name;
        }

        @Override
        public String tojstring() {
            return "function: builtin: string." + name;
        }

        /** {@code s:match(p)} / {@code s:find(p)} with one result wanted: no argument list is allocated. */
        @Override
        public LuaValue call(LuaValue a, LuaValue b) {
            if ((op == OP_MATCH || op == OP_FIND) && a instanceof LuaString s && b instanceof LuaString p) {
                return findOrMatch(s, p, 1, false, op == OP_FIND).arg1();
            }
            return invoke(LuaValue.varargsOf(a, b)).arg1();
        }

        @Override
        public Varargs invoke(Varargs args) {
            return switch (op) {
                case OP_BYTE -> byteOf(args);
                case OP_CHAR -> charOf(args);
                case OP_FIND ->
                    findOrMatch(
                            LuaArgs.checkString(args, 1, name),
                            LuaArgs.checkString(args, 2, name),
                            LuaArgs.optInteger(args, 3, name, 1),
                            args.toboolean(4),
                            true);
                case OP_FORMAT -> StringFormat.format(args);
                case OP_GMATCH -> gmatch(args);
                case OP_GSUB -> gsub(args);
                case OP_LEN -> LuaInteger.valueOf(LuaArgs.checkString(args, 1, name).m_length);
                case OP_LOWER -> mapCase(LuaArgs.checkString(args, 1, name), false);
                case OP_MATCH ->
                    findOrMatch(
                            LuaArgs.checkString(args, 1, name),
                            LuaArgs.checkString(args, 2, name),
                            LuaArgs.optInteger(args, 3, name, 1),
                            false,
                            false);
                case OP_REP -> StringFunctions.rep(args);
                case OP_REVERSE -> StringFunctions.reverse(LuaArgs.checkString(args, 1, name));
                case OP_SUB -> StringFunctions.sub(args);
                case OP_UPPER -> mapCase(LuaArgs.checkString(args, 1, name), true);
                case OP_PACK -> StringPack.pack(args);
                case OP_PACKSIZE -> StringPack.packsize(args);
                case OP_UNPACK -> StringPack.unpack(args);
                default -> throw new IllegalStateException("unknown string function " + op);
            };
        }
    }

    static Varargs findOrMatch(LuaString s, LuaString p, long init, boolean plain, boolean find) {
        PatternMatcher m = PatternMatcher.acquire();
        try {
            m.subject(s);
            return PatternCalls.findOrMatch(m, p, init, plain, find);
        } finally {
            m.release();
        }
    }

    private static Varargs byteOf(Varargs args) {
        LuaString s = LuaArgs.checkString(args, 1, "byte");
        long pi = LuaArgs.optInteger(args, 2, "byte", 1);
        int len = s.m_length;
        long posi = LuaArgs.startPosition(pi, len);
        long pose = LuaArgs.endPosition(LuaArgs.optInteger(args, 3, "byte", pi), len);
        if (posi > pose) {
            return LuaValue.NONE;
        }
        int n = (int) (pose - posi + 1);
        if (n == 1) {
            return LuaInteger.valueOf(s.m_bytes[s.m_offset + (int) posi - 1] & 0xff);
        }
        LuaValue[] v = new LuaValue[n];
        for (int i = 0; i < n; i++) {
            v[i] = LuaInteger.valueOf(s.m_bytes[s.m_offset + (int) posi - 1 + i] & 0xff);
        }
        return LuaValue.varargsOf(v);
    }

    private static Varargs charOf(Varargs args) {
        int n = args.narg();
        byte[] b = new byte[n];
        for (int i = 1; i <= n; i++) {
            long c = LuaArgs.checkInteger(args, i, "char");
            if (c < 0 || c > 255) {
                throw LuaArgs.argError(i, "char", "value out of range");
            }
            b[i - 1] = (byte) c;
        }
        return LuaString.valueUsing(b);
    }

    private static LuaString sub(Varargs args) {
        LuaString s = LuaArgs.checkString(args, 1, "sub");
        int len = s.m_length;
        long start = LuaArgs.startPosition(LuaArgs.checkInteger(args, 2, "sub"), len);
        long end = LuaArgs.endPosition(LuaArgs.optInteger(args, 3, "sub", -1), len);
        if (start > end) {
            return LuaValue.EMPTYSTRING;
        }
        return LuaString.valueOf(s.m_bytes, s.m_offset + (int) start - 1, (int) (end - start + 1));
    }

    private static LuaString mapCase(LuaString s, boolean upper) {
        byte[] b = new byte[s.m_length];
        for (int i = 0; i < b.length; i++) {
            int c = s.m_bytes[s.m_offset + i];
            if (upper ? (c >= 'a' && c <= 'z') : (c >= 'A' && c <= 'Z')) {
                c ^= 0x20;
            }
            b[i] = (byte) c;
        }
        return LuaString.valueUsing(b);
    }

    private static LuaString reverse(LuaString s) {
        byte[] b = new byte[s.m_length];
        for (int i = 0; i < b.length; i++) {
            b[i] = s.m_bytes[s.m_offset + b.length - 1 - i];
        }
        return LuaString.valueUsing(b);
    }

    private static LuaString rep(Varargs args) {
        LuaString s = LuaArgs.checkString(args, 1, "rep");
        long n = LuaArgs.checkInteger(args, 2, "rep");
        LuaString sep = LuaArgs.optString(args, 3, "rep", LuaValue.EMPTYSTRING);
        long total = s.m_length + sep.m_length;
        if (n <= 0 || total == 0) {
            return LuaValue.EMPTYSTRING;
        }
        if (n > (LuaStrings.MAX_STRING_BYTES + (long) sep.m_length) / total) {
            throw ByteBuilder.tooLarge();
        }
        total = total * n - sep.m_length;
        InstructionBudget.current().charge(total >>> 6);
        byte[] b = new byte[(int) total];
        int pos = 0;
        for (long i = 0; i < n; i++) {
            System.arraycopy(s.m_bytes, s.m_offset, b, pos, s.m_length);
            pos += s.m_length;
            if (i + 1 < n && sep.m_length > 0) {
                System.arraycopy(sep.m_bytes, sep.m_offset, b, pos, sep.m_length);
                pos += sep.m_length;
            }
        }
        return LuaString.valueUsing(b);
    }

    private static LuaValue gmatch(Varargs args) {
        LuaString s = LuaArgs.checkString(args, 1, "gmatch");
        LuaString p = LuaArgs.checkString(args, 2, "gmatch");
        long init = LuaArgs.startPosition(LuaArgs.optInteger(args, 3, "gmatch", 1), s.m_length);
        if (init > s.m_length + 1L) {
            init = s.m_length + 2L; // Lua 5.4: past the end + 1 there is no match, not even an empty one
        }
        int[] state = {(int) init - 1, -1};
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs ignored) {
                PatternMatcher m = PatternMatcher.acquire();
                try {
                    m.subject(s);
                    Varargs r = PatternCalls.gmatchStep(m, p, state);
                    return r == null ? LuaValue.NONE : r;
                } finally {
                    m.release();
                }
            }
        };
    }

    private static Varargs gsub(Varargs args) {
        LuaString src = LuaArgs.checkString(args, 1, "gsub");
        LuaString p = LuaArgs.checkString(args, 2, "gsub");
        LuaValue repl = args.arg(3);
        int tr = repl.type();
        if (tr == LuaValue.TNUMBER) {
            repl = LuaNumbers.toLuaString(repl.todouble());
        } else if (tr != LuaValue.TSTRING && tr != LuaValue.TTABLE && tr != LuaValue.TFUNCTION) {
            throw LuaArgs.typeError(args, 3, "gsub", "string/function/table");
        }
        long maxN = LuaArgs.optInteger(args, 4, "gsub", src.m_length + 1L);
        int ls = src.m_length;
        ByteBuilder out = new ByteBuilder(ls + 16);
        PatternMatcher m = PatternMatcher.acquire();
        int n = 0;
        try {
            m.subject(src);
            m.pattern(p, true);
            boolean anchored = m.anchored;
            int pos = 0;
            int lastMatch = -1;
            while (n < maxN) {
                int start = anchored ? pos : m.nextCandidate(pos);
                if (start < 0) {
                    break;
                }
                out.append(src.m_bytes, src.m_offset + pos, start - pos);
                pos = start;
                int e = anchored ? m.matchAt(pos) : m.matchAtCandidate(pos);
                if (e >= 0 && e != lastMatch) {
                    n++;
                    addValue(m, out, src, pos, e, repl);
                    pos = lastMatch = e;
                } else if (pos < ls) {
                    out.append(src.m_bytes[src.m_offset + pos]);
                    pos++;
                } else {
                    break;
                }
                if (anchored) {
                    break;
                }
            }
            if (pos < ls) {
                out.append(src.m_bytes, src.m_offset + pos, ls - pos);
            }
        } finally {
            m.release();
        }
        return LuaValue.varargsOf(out.toLuaString(), LuaInteger.valueOf(n));
    }

    private static void addValue(PatternMatcher m, ByteBuilder out, LuaString src, int s, int e, LuaValue repl) {
        LuaValue value;
        if (repl instanceof LuaString rs) {
            byte[] b = rs.m_bytes;
            for (int i = rs.m_offset, end = rs.m_offset + rs.m_length; i < end; i++) {
                byte c = b[i];
                if (c != '%') {
                    out.append(c);
                    continue;
                }
                i++;
                int d = i < end ? b[i] : -1;
                if (d == '%') {
                    out.append('%');
                } else if (d == '0') {
                    out.append(src.m_bytes, src.m_offset + s, e - s);
                } else if (d >= '1' && d <= '9') {
                    LuaValue cap = m.capture(d - '1', s, e);
                    out.append(cap instanceof LuaString cs ? cs : LuaNumbers.toLuaString(cap.todouble()));
                } else {
                    throw new LuaError("invalid use of '%' in replacement string");
                }
            }
            return;
        }
        if (repl.istable()) {
            value = repl.get(m.capture(0, s, e));
        } else {
            value = repl.invoke(m.captures(s, e, true)).arg1();
        }
        if (!value.toboolean()) {
            out.append(src.m_bytes, src.m_offset + s, e - s);
        } else if (value instanceof LuaString vs) {
            out.append(vs);
        } else if (value.type() == LuaValue.TNUMBER) {
            out.append(LuaNumbers.toLuaString(value.todouble()));
        } else {
            throw new LuaError("invalid replacement value (a " + value.typename() + ")");
        }
    }
}
