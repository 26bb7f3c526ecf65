package io.npflua.lua.string;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The literal-prefix search over native memory (a word at a time near its start, then whole blocks that grow from
 * {@link PatternMatcher#SCAN_BLOCK_MIN} to {@link PatternMatcher#SCAN_BLOCK_MAX} bytes) against a naive byte loop:
 * thousands of subjects from fixed seeds, up to a super-frame's 65,495 bytes, at unaligned offsets between guard
 * bytes that would match if read. Subjects: random bytes (iperf3's payload), zeros, small alphabets of the prefix's
 * own bytes (dense false candidates: "SS", "SSH", "SSSH-"), prefixes planted at the block edges and at the very
 * end, false candidates spaced a block apart. Each is searched with find from several init positions and with
 * gmatch (every occurrence in turn), and for prefixes of 1, 2, 4 and 15 bytes, zero and high bytes.
 */
class PrefixScanPropertyTest {
    private static final LuaTable STRING = LuaStrings.newStringTable();

    private record View(MemorySegment segment, long offset, int length) implements SegmentBytes {}

    /** Literal prefixes and the patterns that search for them ("()" keeps find off its plain-text path). */
    private static final byte[][] LITERALS = {
        bytes("SSH-"), bytes("S"), bytes("SH"), bytes("SSH-2.0-OpenSSH"), {0, 0}, {(byte) 0xff, (byte) 0xd3, 'S'}
    };

    private static final LuaString[] PATTERNS = {
        LuaValue.valueOf("SSH%-()"),
        LuaValue.valueOf("S()"),
        LuaValue.valueOf("SH()"),
        LuaValue.valueOf("SSH%-2%.0%-OpenSSH()"),
        LuaValue.valueOf(new byte[] {0, 0, '(', ')'}),
        LuaValue.valueOf(new byte[] {(byte) 0xff, (byte) 0xd3, 'S', '(', ')'})
    };

    @Test
    void shouldFindWhatANaiveLoopFindsInRandomAndAdversarialSubjects() {
        Random random = new Random(20261207L);
        int cases = 0;
        for (int c = 0; c < 3000; c++) {
            try (Arena arena = Arena.ofConfined()) {
                int which = c % LITERALS.length;
                byte[] lit = LITERALS[which];
                byte[] s = subject(random, c, lit);
                int offset = random.nextInt(16);
                View view = view(arena, s, offset, lit);
                String what = "case " + c + " (kind " + (c / LITERALS.length) % KINDS + ", length " + s.length
                        + ", offset " + offset + ", prefix " + Arrays.toString(lit) + ")";
                assertFindsFrom(view, s, lit, PATTERNS[which], 0, what);
                assertFindsFrom(view, s, lit, PATTERNS[which], random.nextInt(s.length + 2), what);
                int first = indexOf(s, lit, 0);
                if (first >= 0) {
                    // just past a match: the next call starts where gmatch would
                    assertFindsFrom(view, s, lit, PATTERNS[which], first + 1, what);
                }
                assertEquals(
                        naivePositions(s, lit),
                        positions(SegmentStrings.gmatch(view, LuaValue.varargsOf(PATTERNS[which], LuaValue.NIL))),
                        what + " (gmatch)");
                cases++;
            }
        }
        assertEquals(3000, cases);
    }

    @Test
    void shouldAgreeWithTheStringPathWhenOnlyTheFirstByteIsScannedFor() {
        // "%bS-" and "S+H" scan for one byte ('S') and then match a pattern that is not a literal
        LuaString[] patterns = {LuaValue.valueOf("%bS-"), LuaValue.valueOf("S+H%-"), LuaValue.valueOf("SSH%-(%d)")};
        Random random = new Random(77L);
        for (int c = 0; c < 600; c++) {
            try (Arena arena = Arena.ofConfined()) {
                byte[] s = subject(random, c, bytes("SSH-"));
                int kind = (c / LITERALS.length) % KINDS;
                if (kind == 2 || kind == 3 || kind == 6) {
                    // dense 'S': %b and S+ try a match at each one, each running to the end (quadratic)
                    s = Arrays.copyOf(s, Math.min(s.length, 3000));
                }
                View view = view(arena, s, random.nextInt(16), bytes("SSH-"));
                for (LuaString p : patterns) {
                    String what = "case " + c + ", " + p + ", length " + s.length;
                    LuaString str = LuaValue.valueOf(s);
                    assertEquals(
                            text(STRING.get("find").invoke(str, p)),
                            text(SegmentStrings.find(view, LuaValue.varargsOf(p, LuaValue.NIL))),
                            what);
                    assertEquals(
                            positions(STRING.get("gmatch").call(str, p)),
                            positions(SegmentStrings.gmatch(view, LuaValue.varargsOf(p, LuaValue.NIL))),
                            what + " (gmatch)");
                }
            }
        }
    }

    private static final int KINDS = 9;

    /** Case {@code c}'s subject: the kinds cycle, lengths from none to a whole super-frame. */
    private static byte[] subject(Random random, int c, byte[] lit) {
        int kind = (c / LITERALS.length) % KINDS;
        int length = switch (random.nextInt(4)) {
            case 0 -> random.nextInt(24); // shorter than the head and a word
            case 1 -> random.nextInt(1500);
            case 2 -> random.nextInt(9000);
            default -> 65_495 - random.nextInt(300);
        };
        byte[] s = new byte[length];
        switch (kind) {
            case 0 -> random.nextBytes(s);
            case 1 -> {} // zeros
            case 2 -> fillFrom(random, s, "SH-x"); // dense candidates and matches
            case 3 -> fillFrom(random, s, "SSSSSSSH"); // runs of the first byte
            case 4 -> {
                // false two-byte candidates a block apart, then random
                random.nextBytes(s);
                int gap = 1 + random.nextInt(5000);
                for (int i = random.nextInt(gap); i + 1 < length; i += gap) {
                    s[i] = lit[0];
                    s[i + 1] = lit.length > 1 ? lit[1] : (byte) 'x';
                }
            }
            case 5 -> Arrays.fill(s, (byte) 0xff);
            case 6 -> fillFrom(random, s, "RTSS\u00d3\u00d4\u0052");
            default -> random.nextBytes(s);
        }
        if (kind != 2 && kind != 4) {
            // break up occurrences the filling made, so that the planted one is the first
            for (int i = indexOf(s, lit, 0); i >= 0; i = indexOf(s, lit, i)) {
                s[i] = (byte) (lit[0] ^ 1);
            }
        }
        if (kind >= 5 && length >= lit.length) {
            s = plant(random, s, lit);
        }
        return s;
    }

    /** The literal at an edge of the scan's head or blocks, at the very end, or anywhere. */
    private static byte[] plant(Random random, byte[] s, byte[] lit) {
        int max = s.length - lit.length;
        int at = switch (random.nextInt(4)) {
            case 0 -> max; // the last possible position
            case 1 -> {
                // a block edge: 64 + 256 + 512 + ... (and the ones near it)
                int edge = PatternMatcher.SCAN_HEAD;
                int block = PatternMatcher.SCAN_BLOCK_MIN;
                int steps = random.nextInt(20);
                for (int i = 0; i < steps; i++) {
                    edge += block;
                    block = Math.min(2 * block, PatternMatcher.SCAN_BLOCK_MAX);
                }
                yield edge - 3 + random.nextInt(6);
            }
            case 2 -> random.nextInt(Math.min(max + 1, 80));
            default -> random.nextInt(max + 1);
        };
        if (at >= 0 && at <= max) {
            System.arraycopy(lit, 0, s, at, lit.length);
        }
        return s;
    }

    private static void fillFrom(Random random, byte[] s, String alphabet) {
        byte[] a = alphabet.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < s.length; i++) {
            s[i] = a[random.nextInt(a.length)];
        }
    }

    private static void assertFindsFrom(View view, byte[] s, byte[] lit, LuaString pattern, int from, String what) {
        int expected = from > s.length ? -1 : indexOf(s, lit, from);
        String want = expected < 0
                ? "nil"
                : (expected + 1) + "\t" + (expected + lit.length) + "\t" + (expected + lit.length + 1);
        for (int run = 0; run < 2; run++) {
            Varargs got = SegmentStrings.find(view, LuaValue.varargsOf(pattern, LuaValue.valueOf(from + 1)));
            assertEquals(want, text(got), what + ", from " + from + ", run " + run);
        }
        // the same needle as a plain find, in place and on the string, and then the pattern again (the plain search
        // borrows the matcher's prefix fields: the pattern after it must get its own back)
        String plain = expected < 0 ? "nil" : (expected + 1) + "\t" + (expected + lit.length);
        Varargs args = LuaValue.varargsOf(LuaValue.valueOf(lit), LuaValue.valueOf(from + 1), LuaValue.TRUE);
        assertEquals(plain, text(SegmentStrings.find(view, args)), what + ", plain, from " + from);
        assertEquals(
                plain,
                text(STRING.get("find").invoke(LuaValue.varargsOf(LuaValue.valueOf(s), args))),
                what + ", plain on the string, from " + from);
        Varargs again = SegmentStrings.find(view, LuaValue.varargsOf(pattern, LuaValue.valueOf(from + 1)));
        assertEquals(want, text(again), what + ", the pattern after a plain find, from " + from);
    }

    @Test
    void shouldFindLongPlainNeedlesWhoseNearMissesDifferAfterTheScannedPrefix() {
        Random random = new Random(4242L);
        for (int c = 0; c < 400; c++) {
            try (Arena arena = Arena.ofConfined()) {
                byte[] needle = new byte[33 + random.nextInt(60)];
                fillFrom(random, needle, "SH-.%x");
                byte[] s = new byte[random.nextInt(5000)];
                fillFrom(random, s, "SH-.%x");
                for (int k = random.nextInt(4); k > 0 && s.length >= needle.length; k--) {
                    int at = random.nextInt(s.length - needle.length + 1);
                    System.arraycopy(needle, 0, s, at, needle.length);
                    if (random.nextBoolean()) {
                        s[at + 32 + random.nextInt(needle.length - 32)] ^= 1; // a near miss past the prefix
                    }
                }
                int offset = random.nextInt(16);
                View view = view(arena, s, offset, needle);
                int from = random.nextInt(s.length + 2);
                int expected = from > s.length ? -1 : indexOf(s, needle, from);
                String plain = expected < 0 ? "nil" : (expected + 1) + "\t" + (expected + needle.length);
                Varargs args = LuaValue.varargsOf(LuaValue.valueOf(needle), LuaValue.valueOf(from + 1), LuaValue.TRUE);
                assertEquals(plain, text(SegmentStrings.find(view, args)), "case " + c);
                assertEquals(
                        plain,
                        text(STRING.get("find").invoke(LuaValue.varargsOf(LuaValue.valueOf(s), args))),
                        "case " + c + " on the string");
            }
        }
    }

    /** The naive search: the first i >= from where every byte of lit is at s[i..]. */
    private static int indexOf(byte[] s, byte[] lit, int from) {
        outer:
        for (int i = from; i + lit.length <= s.length; i++) {
            for (int j = 0; j < lit.length; j++) {
                if (s[i + j] != lit[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** What gmatch(p .. "()") gives: the position after each occurrence, searching on after it. */
    private static String naivePositions(byte[] s, byte[] lit) {
        StringBuilder b = new StringBuilder();
        for (int i = indexOf(s, lit, 0); i >= 0; i = indexOf(s, lit, i + lit.length)) {
            b.append(i + lit.length + 1).append(' ');
        }
        return b.toString();
    }

    /**
     * The bytes at {@code offset} in native memory after a guard made of the prefix (a read before the start
     * matches), and for an even {@code offset} before one (a read past the end matches); for an odd one the segment
     * ends with the subject (a read past the end throws).
     */
    private static View view(Arena arena, byte[] s, int offset, byte[] lit) {
        int guard = 32;
        MemorySegment seg = arena.allocate(offset + guard + s.length + (offset % 2 == 0 ? guard : 0), 8);
        for (long i = 0; i < seg.byteSize(); i++) {
            seg.set(ValueLayout.JAVA_BYTE, i, lit[(int) (i % lit.length)]);
        }
        MemorySegment.copy(s, 0, seg, ValueLayout.JAVA_BYTE, offset + guard, s.length);
        return new View(seg, offset + guard, s.length);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(Varargs v) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= v.narg(); i++) {
            b.append(i > 1 ? "\t" : "").append(show(v.arg(i)));
        }
        return b.toString();
    }

    /** A value as text, a string's bytes one char each (LuaJ's tojstring decodes UTF-8 and fails on some bytes). */
    private static String show(LuaValue v) {
        return v instanceof LuaString ls
                ? new String(ls.m_bytes, ls.m_offset, ls.m_length, StandardCharsets.ISO_8859_1)
                : v.tojstring();
    }

    private static String positions(LuaValue iterator) {
        StringBuilder b = new StringBuilder();
        for (Varargs r = iterator.invoke(LuaValue.NONE); !r.arg1().isnil(); r = iterator.invoke(LuaValue.NONE)) {
            b.append(show(r.arg1())).append(' ');
        }
        return b.toString();
    }
}
