package io.npflua.lua.data.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.npflua.lua.data.DataObject;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Fuzzes data objects and layouts: arbitrary bytes, layouts with any offsets (negative, huge, fractional, NaN), widths
 * 0..70 (and beyond), every endian and type spelling, string fields, {@code d:segment}, {@code d:byte}, {@code d:sub}
 * and field writes. The object is a window of a larger array with guard bytes on both sides.
 *
 * <p>Invariants: the only exceptions are the documented {@link LuaError}s (a non-table layout entry, writing a
 * non-number to a number field or a non-string to a string field); no byte outside the object ever changes and no
 * access leaves the backing array (an {@code IndexOutOfBoundsException} fails the test); every read, every
 * {@code segment}, {@code byte} and {@code sub} result and every byte after a write equals the reference model below
 * (bit-by-bit MSB-first arithmetic, written from docs/lua-api.md, not from the implementation).
 */
class DataObjectFuzzTest {
    private static final int GUARD = 8;
    private static final byte GUARD_BYTE = (byte) 0xA5;
    private static final Set<String> FRAME_METHODS = Set.of(
            "layout",
            "segment",
            "copy",
            "find",
            "match",
            "gmatch",
            "byte",
            "sub",
            "eth",
            "vlan",
            "ip",
            "tcp",
            "udp",
            "icmp",
            "payload",
            "checksum");
    private static final Set<String> VIEW_METHODS =
            Set.of("layout", "segment", "copy", "find", "match", "gmatch", "byte", "sub");
    private static final String[] NAMES = {"a", "b", "c", "d", "e", "f", "ip", "byte", "payload", "len"};
    private static final String[] TYPES = {"s", "string", "n", "number", "x", "", "l", "b", "h", "big", "S"};
    private static final String[] ENDIANS = {"l", "little", "b", "big", "n", "net", "h", "host", "x", "", "L"};
    private static final double[] SPECIAL = {
        -1,
        -8,
        -0.5,
        0.5,
        7.9,
        1 << 20,
        0x1p31,
        0x1p34,
        0x1p53,
        0x1p61,
        0x1p62,
        0x1p63,
        0x1p64,
        -0x1p63,
        -0x1p64,
        1e300,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        Double.NaN,
        (double) Integer.MAX_VALUE * 8,
        (double) Integer.MAX_VALUE * 8 + 1
    };

    @FuzzTest(maxDuration = "5m")
    void fuzzDataObjects(byte[] input) {
        check(input);
    }

    @Test
    void shouldMatchTheReferenceModelForRandomObjectsLayoutsAndWrites() {
        RandomInputs.run(0x5EED_DA7AL, 6000, 300, DataObjectFuzzTest::check);
    }

    /** One declared field as the reference sees it: offset and length after flooring, the flags decoded. */
    private record Decl(long offset, long length, boolean string, boolean little) {}

    static void check(byte[] input) {
        FuzzInput in = new FuzzInput(input);
        int n = in.below(41);
        byte[] backing = new byte[GUARD + n + GUARD];
        Arrays.fill(backing, GUARD_BYTE);
        System.arraycopy(in.bytes(n), 0, backing, GUARD, n);
        byte[] model = backing.clone();
        DataObject frame = DataObject.wrap(MemorySegment.ofArray(backing), GUARD, n);

        DataObject target = frame;
        int base = GUARD;
        int length = n;
        // a segment, or a segment of a segment: views share the memory, offsets add up
        for (int depth = 0; depth < 2 && in.bool(); depth++) {
            LuaValue off = numberOrNil(in, length);
            LuaValue len = numberOrNil(in, length);
            LuaValue view = target.method("segment", off, len);
            long o = off.isnil() ? 0 : truncated(off);
            long l = len.isnil() ? length - o : truncated(len);
            boolean inside = o >= 0
                    && l >= 0
                    && BigInteger.valueOf(o).add(BigInteger.valueOf(l)).compareTo(BigInteger.valueOf(length)) <= 0;
            if (!inside) {
                assertTrue(
                        view.isnil(),
                        "segment(" + off + ", " + len + ") of " + length + " bytes must be nil, got " + view);
                break;
            }
            DataObject v = (DataObject) view;
            assertEquals(base + o, v.offset(), "segment offset");
            assertEquals(l, v.length(), "segment length");
            target = v;
            base += (int) o;
            length = (int) l;
        }
        Set<String> methods = target == frame ? FRAME_METHODS : VIEW_METHODS;

        // the layout
        LuaTable layout = new LuaTable();
        Map<String, Decl> decls = new HashMap<>();
        Set<String> badEntries = new java.util.HashSet<>();
        int fields = 1 + in.below(6);
        for (int i = 0; i < fields; i++) {
            String name = in.pick(NAMES);
            if (in.below(40) == 0) {
                layout.rawset(name, LuaValue.valueOf(in.u8()));
                badEntries.add(name);
                continue;
            }
            badEntries.remove(name);
            Decl d = entry(in, layout, name);
            if (d.length == 0) {
                decls.remove(name);
            } else {
                decls.put(name, d);
            }
        }
        try {
            LuaValue r = target.method("layout", layout);
            assertTrue(r == target, "d:layout returns d");
            assertTrue(badEntries.isEmpty(), "a non-table layout entry must raise an error");
        } catch (LuaError e) {
            assertTrue(!badEntries.isEmpty(), "unexpected error from d:layout: " + e.getMessage());
            return;
        }

        checkReads(target, decls, methods, model, base, length);
        int writes = in.below(5);
        for (int i = 0; i < writes; i++) {
            String name = in.pick(NAMES);
            LuaValue value = writeValue(in);
            boolean error = false;
            try {
                target.set(LuaValue.valueOf(name), value);
            } catch (LuaError e) {
                error = true;
            }
            Decl d = methods.contains(name) ? null : decls.get(name);
            boolean expectError = d != null && (d.string ? !value.isstring() : !value.isnumber());
            assertEquals(expectError, error, "error writing " + value + " to " + name + " " + d);
            if (d != null && !expectError) {
                write(model, base, length, d, value);
            }
            assertArrayEquals(model, backing, "bytes after writing " + value + " to " + name + " " + d);
        }
        checkReads(target, decls, methods, model, base, length);
        checkByteAndSub(in, target, model, base, length);
        LuaString bytes = LuaString.valueOf(Arrays.copyOfRange(model, base, base + length));
        assertEquals(bytes, target.tostring(), "tostring(d)");
        LuaValue copy = target.method("copy");
        assertEquals(bytes, copy.tostring(), "tostring(d:copy())");
        copy.set(LuaValue.valueOf(in.pick(NAMES)), LuaValue.valueOf(in.i32()));
        assertArrayEquals(model, backing, "bytes at the end");
    }

    /** Adds one entry in a random spelling to {@code layout} and returns what it declares. */
    private static Decl entry(FuzzInput in, LuaTable layout, String name) {
        LuaValue offset = in.below(4) == 0 ? special(in) : LuaValue.valueOf(in.below(360) - 16);
        LuaValue length = in.below(8) == 0 ? special(in) : LuaValue.valueOf(in.below(71));
        long off = floored(offset);
        long len = floored(length);
        boolean string = false;
        int endian = 0; // 0 big by default, 1 big, 2 little
        LuaTable e = new LuaTable();
        int form = in.below(5);
        if (form <= 2 || form == 4) {
            e.rawset(1, offset);
            e.rawset(2, length);
            if (form >= 1) {
                String type = in.pick(TYPES);
                e.rawset(3, LuaValue.valueOf(type));
                char c = first(type);
                if (c == 's') {
                    string = true;
                } else if (c == 'l' || c == 'b' || c == 'h') {
                    endian = endianCode(c, endian);
                }
                if (form >= 2) {
                    String end = in.pick(ENDIANS);
                    e.rawset(4, LuaValue.valueOf(end));
                    endian = endianCode(first(end), endian);
                }
            }
        }
        if (form >= 3) {
            if (form == 3 || in.bool()) {
                LuaValue o = in.bool() ? special(in) : LuaValue.valueOf(in.below(360) - 16);
                e.rawset("offset", o);
                off = floored(o);
            }
            if (form == 3 || in.bool()) {
                LuaValue l = LuaValue.valueOf(in.below(71));
                e.rawset("length", l);
                len = floored(l);
            }
            if (in.bool()) {
                String type = in.pick(TYPES);
                e.rawset("type", LuaValue.valueOf(type));
                char c = first(type);
                if (c == 's') {
                    string = true;
                } else if (c == 'n') {
                    string = false;
                }
            }
            if (in.bool()) {
                String end = in.pick(ENDIANS);
                e.rawset("endian", LuaValue.valueOf(end));
                endian = endianCode(first(end), endian);
            }
        }
        layout.rawset(name, e);
        return new Decl(off, len, string, endian == 2);
    }

    private static char first(String s) {
        return s.isEmpty() ? '\0' : s.charAt(0);
    }

    /** docs/lua-api.md: 'b'/'n' big, 'l' little, 'h' host order (little-endian x86-64 here); others keep. */
    private static int endianCode(char c, int current) {
        return switch (c) {
            case 'b', 'n' -> 1;
            case 'l', 'h' -> 2;
            default -> current;
        };
    }

    private static LuaValue special(FuzzInput in) {
        double d = SPECIAL[in.below(SPECIAL.length)];
        return LuaValue.valueOf(in.bool() ? d : d + in.below(64));
    }

    private static LuaValue numberOrNil(FuzzInput in, int n) {
        return switch (in.below(6)) {
            case 0 -> LuaValue.NIL;
            case 1 -> LuaValue.valueOf(SPECIAL[in.below(SPECIAL.length)]);
            default -> LuaValue.valueOf(in.below(n + 7) - 3);
        };
    }

    /** Layout numbers are floored (docs: integers; fractional offsets round down); NaN counts as 0. */
    private static long floored(LuaValue v) {
        double d = v.todouble();
        return Double.isNaN(d) ? 0 : (long) Math.floor(d);
    }

    /** Method arguments convert to integers as LuaJ's checklong does: truncation, saturating. */
    private static long truncated(LuaValue v) {
        return v instanceof LuaInteger ? v.tolong() : (long) v.todouble();
    }

    private static LuaValue writeValue(FuzzInput in) {
        return switch (in.below(10)) {
            case 0 -> LuaValue.valueOf(SPECIAL[in.below(SPECIAL.length)]);
            case 1 -> LuaValue.valueOf(-in.u16());
            case 2 -> LuaValue.valueOf((double) in.i64());
            case 3 -> LuaValue.valueOf(Integer.toString(in.u16()));
            case 4 ->
                LuaValue.valueOf(new String(
                        new char[] {(char) ('a' + in.below(26)), 'x', 'y', 'z'}, 0, 1 + in.below(4)));
            case 5 -> in.bool() ? LuaValue.TRUE : LuaValue.NIL;
            case 6 -> LuaValue.valueOf(in.i32() + 0.5);
            default -> LuaValue.valueOf(in.i32());
        };
    }

    // --- the reference model -------------------------------------------------------------------------------

    private static void checkReads(
            DataObject target, Map<String, Decl> decls, Set<String> methods, byte[] mem, int base, int length) {
        for (String name : NAMES) {
            LuaValue actual = target.get(name);
            if (methods.contains(name)) {
                assertTrue(actual.isfunction(), "method " + name + " must win over a field");
                continue;
            }
            Decl d = decls.get(name);
            LuaValue expected = d == null ? LuaValue.NIL : read(mem, base, length, d);
            if (expected.isnil()) {
                assertTrue(actual.isnil(), name + " " + d + " over " + length + " bytes must be nil, got " + actual);
            } else if (d.string) {
                assertEquals(expected, actual, name + " " + d);
            } else {
                assertTrue(actual.isnumber(), name + " " + d + " must be a number, got " + actual);
                assertEquals(
                        expected.todouble(),
                        actual.todouble(),
                        name + " " + d + " over " + Arrays.toString(Arrays.copyOfRange(mem, base, base + length)));
            }
        }
    }

    /** Where the field lies in bits, or null when it never or not wholly lies inside {@code length} bytes. */
    private static long[] bitRange(Decl d, int length) {
        BigInteger offset = BigInteger.valueOf(d.offset);
        BigInteger size = BigInteger.valueOf(d.length);
        if (d.string) {
            // strings are addressed in bytes; an object is at most 2^31 - 1 bytes long
            if (d.offset < 0 || d.length < 1 || offset.add(size).compareTo(BigInteger.valueOf(length)) > 0) {
                return null;
            }
            return new long[] {d.offset * 8, d.length * 8};
        }
        if (d.offset < 0
                || d.length < 1
                || d.length > 64
                || offset.add(size).compareTo(BigInteger.valueOf(length * 8L)) > 0) {
            return null;
        }
        return new long[] {d.offset, d.length};
    }

    private static boolean bit(byte[] mem, int base, long i) {
        return ((mem[base + (int) (i >>> 3)] >>> (7 - (int) (i & 7))) & 1) != 0;
    }

    private static void setBit(byte[] mem, int base, long i, boolean one) {
        int at = base + (int) (i >>> 3);
        int m = 1 << (7 - (int) (i & 7));
        mem[at] = (byte) (one ? mem[at] | m : mem[at] & ~m);
    }

    static LuaValue read(byte[] mem, int base, int length, Decl d) {
        long[] r = bitRange(d, length);
        if (r == null) {
            return LuaValue.NIL;
        }
        if (d.string) {
            return LuaString.valueOf(
                    Arrays.copyOfRange(mem, base + (int) d.offset, base + (int) (d.offset + d.length)));
        }
        long from = r[0];
        int width = (int) r[1];
        BigInteger v = BigInteger.ZERO;
        if (d.little && width > 8) {
            // 8-bit groups from the first bit; the first group is the least significant
            for (int g = 0; g * 8 < width; g++) {
                int bits = Math.min(8, width - g * 8);
                long group = 0;
                for (int i = 0; i < bits; i++) {
                    group = (group << 1) | (bit(mem, base, from + g * 8L + i) ? 1 : 0);
                }
                v = v.or(BigInteger.valueOf(group).shiftLeft(8 * g));
            }
        } else {
            for (int i = 0; i < width; i++) {
                v = v.shiftLeft(1).or(bit(mem, base, from + i) ? BigInteger.ONE : BigInteger.ZERO);
            }
        }
        // 64-bit fields read as two's complement (docs); narrower ones are unsigned
        return LuaValue.valueOf(width == 64 ? (double) v.longValue() : v.doubleValue());
    }

    /** The documented conversion of a number to the bits written: two's complement, [2^63, 2^64) unsigned. */
    private static BigInteger bitsOf(LuaValue value) {
        if (value instanceof LuaInteger) {
            return BigInteger.valueOf(value.tolong());
        }
        double d = value.todouble();
        if (Double.isNaN(d)) {
            return BigInteger.ZERO;
        }
        if (d >= 0x1p64) {
            return BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        }
        if (d <= -0x1p63) {
            return BigInteger.valueOf(Long.MIN_VALUE);
        }
        return new BigDecimal(d).toBigInteger(); // truncation toward zero
    }

    static void write(byte[] mem, int base, int length, Decl d, LuaValue value) {
        long[] r = bitRange(d, length);
        if (r == null) {
            return;
        }
        if (d.string) {
            LuaString s = value.strvalue();
            int count = (int) Math.min(s.length(), d.length);
            for (int i = 0; i < count; i++) {
                mem[base + (int) d.offset + i] = s.m_bytes[s.m_offset + i];
            }
            return;
        }
        long from = r[0];
        int width = (int) r[1];
        BigInteger v = bitsOf(value);
        if (d.little && width > 8) {
            for (int g = 0; g * 8 < width; g++) {
                int bits = Math.min(8, width - g * 8);
                for (int i = 0; i < bits; i++) {
                    setBit(mem, base, from + g * 8L + i, v.testBit(8 * g + bits - 1 - i));
                }
            }
        } else {
            for (int i = 0; i < width; i++) {
                setBit(mem, base, from + i, v.testBit(width - 1 - i));
            }
        }
    }

    /** d:byte and d:sub against Lua 5.2's string.byte / string.sub rules. */
    private static void checkByteAndSub(FuzzInput in, DataObject target, byte[] mem, int base, int n) {
        for (int k = 0; k < 2; k++) {
            LuaValue i = numberOrNil(in, n);
            LuaValue j = numberOrNil(in, n);
            boolean sub = in.bool();
            if (sub && i.isnil()) {
                i = LuaValue.ONE;
            }
            if (!integral(i) || !integral(j)) {
                // string.byte / string.sub rules: a position must have an integer representation
                LuaValue fi = i;
                LuaValue fj = j;
                LuaError e = assertThrows(
                        LuaError.class,
                        () -> {
                            if (sub) {
                                target.method("sub", fi, fj);
                            } else {
                                target.invokemethod("byte", LuaValue.varargsOf(fi, fj));
                            }
                        },
                        (sub ? "d:sub(" : "d:byte(") + i + ", " + j + ") must raise");
                assertTrue(e.getMessage().contains("number has no integer representation"), e.getMessage());
                continue;
            }
            long from = i.isnil() ? 1 : truncated(i);
            long to = j.isnil() ? (sub ? -1 : from) : truncated(j);
            from = relative(from, n);
            to = relative(to, n);
            from = Math.max(from, 1);
            to = Math.min(to, n);
            byte[] expected = from > to ? new byte[0] : Arrays.copyOfRange(mem, base + (int) from - 1, base + (int) to);
            if (sub) {
                LuaValue actual = target.method("sub", i, j);
                assertEquals(LuaString.valueOf(expected), actual, "d:sub(" + i + ", " + j + ") of " + n + " bytes");
            } else {
                Varargs actual = target.invokemethod("byte", LuaValue.varargsOf(i, j));
                assertEquals(expected.length, actual.narg(), "d:byte(" + i + ", " + j + ") of " + n + " bytes");
                for (int x = 0; x < expected.length; x++) {
                    assertEquals(expected[x] & 0xFF, actual.arg(x + 1).toint());
                }
            }
        }
    }

    /** Nil, or a number with an exact 64-bit integer value (what string positions accept). */
    private static boolean integral(LuaValue v) {
        if (v.isnil() || v instanceof LuaInteger) {
            return true;
        }
        double d = v.todouble();
        return d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63;
    }

    /** Lua's posrelat: negative positions count from the end; beyond the start gives 0. */
    private static long relative(long pos, long n) {
        if (pos >= 0) {
            return pos;
        }
        return -pos > n ? 0 : n + pos + 1;
    }
}
