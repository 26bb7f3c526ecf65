package io.npflua.lua.string;

import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code string.pack}, {@code string.unpack} and {@code string.packsize} with Lua 5.4's format language and
 * messages. Native layout is x86-64's: little-endian, {@code int} 4 bytes, {@code long}/{@code size_t}/
 * {@code lua_Integer} 8, maximal alignment 8 (used after {@code !}).
 *
 * <p>Number model: LuaJ numbers are doubles, so integers beyond 2^53 are not exact; an unsigned 8-byte value with
 * the top bit set unpacks to the negative integer of the same bits, as in Lua 5.4, then rounded to a double.
 */
final class StringPack {
    private static final int NATIVE_ALIGN = 8;
    private static final int MAX_INT_SIZE = 16;

    private enum Kind {
        INT,
        UINT,
        FLOAT,
        DOUBLE,
        CHAR,
        STRING,
        ZSTR,
        PADDING,
        PADALIGN,
        NOP
    }

    /** Parser state over one format string. */
    private static final class Format {
        final byte[] b;
        int i;
        final int end;
        boolean little = true;
        int maxAlign = 1;
        // Result of the last option read.
        Kind kind;
        int size;
        int align;
        int toAlign;
        int optChar;

        Format(LuaString s) {
            b = s.m_bytes;
            i = s.m_offset;
            end = s.m_offset + s.m_length;
        }

        boolean more() {
            return i < end;
        }

        private boolean digit() {
            return i < end && b[i] >= '0' && b[i] <= '9';
        }

        private int number(int def) {
            if (!digit()) {
                return def;
            }
            int a = 0;
            do {
                a = a * 10 + (b[i++] - '0');
            } while (digit() && a <= (Integer.MAX_VALUE - 9) / 10);
            return a;
        }

        private int intSize(int def) {
            int sz = number(def);
            if (sz > MAX_INT_SIZE || sz <= 0) {
                throw new LuaError("integral size (" + sz + ") out of limits [1," + MAX_INT_SIZE + "]");
            }
            return sz;
        }

        /** Reads one option into kind/size without alignment. */
        private Kind option() {
            int opt = b[i++] & 0xff;
            optChar = opt;
            size = 0;
            switch (opt) {
                case 'b' -> {
                    size = 1;
                    return Kind.INT;
                }
                case 'B' -> {
                    size = 1;
                    return Kind.UINT;
                }
                case 'h' -> {
                    size = 2;
                    return Kind.INT;
                }
                case 'H' -> {
                    size = 2;
                    return Kind.UINT;
                }
                case 'l', 'j' -> {
                    size = 8;
                    return Kind.INT;
                }
                case 'L', 'J', 'T' -> {
                    size = 8;
                    return Kind.UINT;
                }
                case 'f' -> {
                    size = 4;
                    return Kind.FLOAT;
                }
                case 'n', 'd' -> {
                    size = 8;
                    return Kind.DOUBLE;
                }
                case 'i' -> {
                    size = intSize(4);
                    return Kind.INT;
                }
                case 'I' -> {
                    size = intSize(4);
                    return Kind.UINT;
                }
                case 's' -> {
                    size = intSize(8);
                    return Kind.STRING;
                }
                case 'c' -> {
                    size = number(-1);
                    if (size == -1) {
                        throw new LuaError("missing size for format option 'c'");
                    }
                    return Kind.CHAR;
                }
                case 'z' -> {
                    return Kind.ZSTR;
                }
                case 'x' -> {
                    size = 1;
                    return Kind.PADDING;
                }
                case 'X' -> {
                    return Kind.PADALIGN;
                }
                case ' ' -> {
                    return Kind.NOP;
                }
                case '<', '=' -> {
                    little = true;
                    return Kind.NOP;
                }
                case '>' -> {
                    little = false;
                    return Kind.NOP;
                }
                case '!' -> {
                    maxAlign = number(NATIVE_ALIGN);
                    return Kind.NOP;
                }
                default -> throw new LuaError("invalid format option '" + (char) opt + "'");
            }
        }

        /** Reads the next option and the padding needed before it, given the bytes so far. */
        void next(long total, String fname) {
            kind = option();
            align = size;
            if (kind == Kind.PADALIGN) {
                if (i >= end) {
                    throw LuaArgs.argError(1, fname, "invalid next option for option 'X'");
                }
                Kind k = option();
                align = size;
                if (k == Kind.CHAR || align == 0) {
                    throw LuaArgs.argError(1, fname, "invalid next option for option 'X'");
                }
                kind = Kind.PADALIGN;
                size = 0;
            }
            toAlign = 0;
            if (align > 1 && kind != Kind.CHAR) {
                int a = Math.min(align, maxAlign);
                if ((a & (a - 1)) != 0) {
                    throw LuaArgs.argError(1, fname, "format asks for alignment not power of 2");
                }
                toAlign = (int) ((a - (total & (a - 1))) & (a - 1));
            }
        }
    }

    private StringPack() {}

    static LuaString pack(Varargs args) {
        Format f = new Format(LuaArgs.checkString(args, 1, "pack"));
        ByteBuilder out = new ByteBuilder(32);
        int arg = 1;
        long total = 0;
        while (f.more()) {
            f.next(total, "pack");
            total += f.toAlign + f.size;
            for (int k = 0; k < f.toAlign; k++) {
                out.append(0);
            }
            switch (f.kind) {
                case INT -> {
                    long n = checkInteger(args, ++arg);
                    if (f.size < 8) {
                        long lim = 1L << (f.size * 8 - 1);
                        if (n < -lim || n >= lim) {
                            throw LuaArgs.argError(arg, "pack", "integer overflow");
                        }
                    }
                    packInt(out, n, f.little, f.size, n < 0);
                }
                case UINT -> {
                    long n = checkInteger(args, ++arg);
                    if (f.size < 8 && Long.compareUnsigned(n, 1L << (f.size * 8)) >= 0) {
                        throw LuaArgs.argError(arg, "pack", "unsigned overflow");
                    }
                    packInt(out, n, f.little, f.size, false);
                }
                case FLOAT -> {
                    double d = checkNumber(args, ++arg);
                    packInt(out, Float.floatToRawIntBits((float) d) & 0xFFFFFFFFL, f.little, 4, false);
                }
                case DOUBLE -> {
                    double d = checkNumber(args, ++arg);
                    packInt(out, Double.doubleToRawLongBits(d), f.little, 8, false);
                }
                case CHAR -> {
                    LuaString s = checkString(args, ++arg);
                    if (s.m_length > f.size) {
                        throw LuaArgs.argError(arg, "pack", "string longer than given size");
                    }
                    out.append(s);
                    for (int k = s.m_length; k < f.size; k++) {
                        out.append(0);
                    }
                }
                case STRING -> {
                    LuaString s = checkString(args, ++arg);
                    if (f.size < 8 && s.m_length >= (1L << (f.size * 8))) {
                        throw LuaArgs.argError(arg, "pack", "string length does not fit in given size");
                    }
                    packInt(out, s.m_length, f.little, f.size, false);
                    out.append(s);
                    total += s.m_length;
                }
                case ZSTR -> {
                    LuaString s = checkString(args, ++arg);
                    for (int k = 0; k < s.m_length; k++) {
                        if (s.m_bytes[s.m_offset + k] == 0) {
                            throw LuaArgs.argError(arg, "pack", "string contains zeros");
                        }
                    }
                    out.append(s).append(0);
                    total += s.m_length + 1;
                }
                case PADDING -> out.append(0);
                default -> {}
            }
        }
        return out.toLuaString();
    }

    // pack() in Lua 5.4 pushes a nil right after its arguments, so the first missing one is reported as "got nil".
    private static void checkPresent(Varargs args, int arg, String expected) {
        if (arg == args.narg() + 1) {
            throw LuaArgs.argError(arg, "pack", expected + " expected, got nil");
        }
    }

    private static long checkInteger(Varargs args, int arg) {
        checkPresent(args, arg, "number");
        return LuaArgs.checkInteger(args, arg, "pack");
    }

    private static double checkNumber(Varargs args, int arg) {
        checkPresent(args, arg, "number");
        return LuaArgs.checkNumber(args, arg, "pack");
    }

    private static LuaString checkString(Varargs args, int arg) {
        checkPresent(args, arg, "string");
        return LuaArgs.checkString(args, arg, "pack");
    }

    private static void packInt(ByteBuilder out, long n, boolean little, int size, boolean negative) {
        byte[] b = new byte[size];
        for (int k = 0; k < size; k++) {
            int v = k < 8 ? (int) (n >>> (8 * k)) & 0xff : (negative ? 0xff : 0);
            b[little ? k : size - 1 - k] = (byte) v;
        }
        out.append(b, 0, size);
    }

    static LuaValue packsize(Varargs args) {
        Format f = new Format(LuaArgs.checkString(args, 1, "packsize"));
        long total = 0;
        while (f.more()) {
            f.next(total, "packsize");
            if (f.kind == Kind.STRING || f.kind == Kind.ZSTR) {
                throw LuaArgs.argError(1, "packsize", "variable-length format");
            }
            long size = (long) f.size + f.toAlign;
            if (total > Integer.MAX_VALUE - size) {
                throw LuaArgs.argError(1, "packsize", "format result too large");
            }
            total += size;
        }
        return LuaValue.valueOf((double) total);
    }

    static Varargs unpack(Varargs args) {
        Format f = new Format(LuaArgs.checkString(args, 1, "unpack"));
        LuaString data = LuaArgs.checkString(args, 2, "unpack");
        int ld = data.m_length;
        long pos = LuaArgs.startPosition(LuaArgs.optInteger(args, 3, "unpack", 1), ld) - 1;
        if (pos > ld) {
            throw LuaArgs.argError(3, "unpack", "initial position out of string");
        }
        List<LuaValue> results = new ArrayList<>();
        byte[] b = data.m_bytes;
        int base = data.m_offset;
        while (f.more()) {
            f.next(pos, "unpack");
            if ((long) f.toAlign + f.size > ld - pos) {
                throw LuaArgs.argError(2, "unpack", "data string too short");
            }
            pos += f.toAlign;
            int p = (int) pos;
            switch (f.kind) {
                case INT, UINT ->
                    results.add(
                            LuaValue.valueOf((double) unpackInt(b, base + p, f.little, f.size, f.kind == Kind.INT)));
                case FLOAT ->
                    results.add(LuaValue.valueOf(
                            (double) Float.intBitsToFloat((int) unpackInt(b, base + p, f.little, 4, false))));
                case DOUBLE ->
                    results.add(LuaValue.valueOf(Double.longBitsToDouble(unpackInt(b, base + p, f.little, 8, false))));
                case CHAR -> results.add(LuaString.valueOf(b, base + p, f.size));
                case STRING -> {
                    long len = unpackInt(b, base + p, f.little, f.size, false);
                    if (len < 0 || len > ld - pos - f.size) {
                        throw LuaArgs.argError(2, "unpack", "data string too short");
                    }
                    results.add(LuaString.valueOf(b, base + p + f.size, (int) len));
                    pos += len;
                }
                case ZSTR -> {
                    int len = 0;
                    while (p + len < ld && b[base + p + len] != 0) {
                        len++;
                    }
                    if (p + len >= ld) {
                        throw LuaArgs.argError(2, "unpack", "unfinished string for format 'z'");
                    }
                    results.add(LuaString.valueOf(b, base + p, len));
                    pos += len + 1;
                }
                default -> {}
            }
            pos += f.size;
        }
        results.add(LuaInteger.valueOf((int) pos + 1));
        return LuaValue.varargsOf(results.toArray(new LuaValue[0]));
    }

    private static long unpackInt(byte[] b, int off, boolean little, int size, boolean signed) {
        long r = 0;
        int limit = Math.min(size, 8);
        for (int k = limit - 1; k >= 0; k--) {
            r = (r << 8) | (b[off + (little ? k : size - 1 - k)] & 0xff);
        }
        if (size < 8) {
            if (signed) {
                int shift = 64 - size * 8;
                r = (r << shift) >> shift;
            }
        } else if (size > 8) {
            int mask = (!signed || r >= 0) ? 0 : 0xff;
            for (int k = 8; k < size; k++) {
                if ((b[off + (little ? k : size - 1 - k)] & 0xff) != mask) {
                    throw new LuaError(size + "-byte integer does not fit into Lua Integer");
                }
            }
        }
        return r;
    }
}
