package io.npflua.lua.string;

import io.npflua.lua.core.InstructionBudget;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The Lua 5.4 pattern matcher, written from the reference manual's semantics (§6.4.1), over a subject that is
 * either a Java byte array (a {@link LuaString}) or a {@link MemorySegment} (a data object). One instance per thread
 * is reused ({@link #acquire()}); a nested use on the same thread (a {@code gsub} callback that matches again)
 * gets a fresh instance.
 *
 * <p>The pattern is interpreted directly from its bytes, as C Lua does, with the same recursion structure, so the
 * same patterns hit "pattern too complex" ({@link #MAX_DEPTH} nested calls). A pattern string used again (a
 * script's constant is the same object on every call) is parsed once into a {@link PatternProgram} where it can
 * be: same results, no re-reading of its bytes, and no recursion for repetitions that cannot back off. A literal
 * prefix is searched for first, a word at a time, in a segment subject in place. Every step is charged to the thread's
 * {@link InstructionBudget} in batches of {@link #STEP_BATCH}, so a pattern bomb is cut off by the call's budget.
 *
 * <p>Character classes are byte-wise in the C locale: bytes 128..255 belong to no class but their complements.
 */
final class PatternMatcher {
    static final int MAX_CAPTURES = 32;
    /** Nested matcher calls allowed; C Lua's MAXCCALLS, so the same patterns are "too complex". */
    static final int MAX_DEPTH = 200;
    /** Steps counted locally before they are charged to the budget (one thread-local-free call per batch). */
    static final int STEP_BATCH = 64;

    private static final int CAP_UNFINISHED = -1;
    private static final int CAP_POSITION = -2;

    private static final int ALPHA = 1;
    private static final int DIGIT = 2;
    private static final int LOWER = 4;
    private static final int UPPER = 8;
    private static final int SPACE = 16;
    private static final int CNTRL = 32;
    private static final int PUNCT = 64;
    private static final int XDIGIT = 128;
    private static final int GRAPH = 256;
    private static final int[] CLASSES = new int[256];

    static {
        for (int c = 0; c < 256; c++) {
            int f = 0;
            if (c >= 'a' && c <= 'z') {
                f |= ALPHA | LOWER;
            }
            if (c >= 'A' && c <= 'Z') {
                f |= ALPHA | UPPER;
            }
            if (c >= '0' && c <= '9') {
                f |= DIGIT;
            }
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
                f |= XDIGIT;
            }
            if (c == ' ' || (c >= 9 && c <= 13)) {
                f |= SPACE;
            }
            if (c < 32 || c == 127) {
                f |= CNTRL;
            }
            if (c > 32 && c < 127) {
                f |= GRAPH;
                if ((f & (ALPHA | DIGIT)) == 0) {
                    f |= PUNCT;
                }
            }
            CLASSES[c] = f;
        }
    }

    private static final ThreadLocal<PatternMatcher> CURRENT = ThreadLocal.withInitial(PatternMatcher::new);

    private final InstructionBudget budget = InstructionBudget.current();
    /** The thread this matcher (and its budget) belongs to. */
    private final Thread owner = Thread.currentThread();

    private boolean busy;

    // Subject: exactly one of array / segment is set.
    private byte[] array;
    private int arrayBase;
    private MemorySegment segment;
    private long segmentBase;
    /** A segment subject short enough to be copied into {@link #copied} (see {@link #ensureArray}). */
    private boolean copyable;

    int subjectLength;

    // Pattern: bytes [patternStart, patternEnd) of pattern[].
    private byte[] pattern;
    private int patternStart;
    private int patternEnd;
    /** True when the pattern starts with '^' (find, match, gsub; gmatch treats '^' as a literal). */
    boolean anchored;
    /** Index in pattern[] where matching starts (after a '^' anchor). */
    private int matchStart;
    /** Literal prefix: pattern[matchStart, matchStart + prefixPatternLength) encodes prefix[0, prefixLength). */
    private byte[] prefix;

    private int prefixLength;
    private int prefixPatternLength;
    /**
     * Bytes every match starts with, searched for before the pattern is tried: the literal prefix, or one byte
     * when the pattern starts with {@code %bxy} or a literal followed by '+' (then nothing is consumed).
     */
    private int scanLength;
    /**
     * Sets as 256-bit maps at setBits[4 * (p - patternStart) ..] for the '[' at p. setState[p - patternStart]
     * counts interpreted uses (0..{@link #SET_USES_BEFORE_MAP}) and is -1 once the map is built: a set used a
     * few times (a one-off pattern) is interpreted, a hot one gets its map; building it is charged to the budget.
     */
    private long[] setBits;

    private byte[] setState;
    private static final int SET_USES_BEFORE_MAP = 16;
    /** classEnds[p - patternStart]: the end of the single-character class at p, once computed (0 = not yet). */
    private int[] classEnds;

    /** What {@link #pattern(LuaString, boolean)} derives from a pattern, kept for the pattern string's identity. */
    private static final class Compiled {
        LuaString key;
        boolean honourAnchor;
        boolean anchored;
        int matchStart;
        final byte[] prefix = new byte[32];
        int prefixLength;
        int prefixPatternLength;
        int scanLength;
        long[] setBits = new long[0];
        byte[] setState = new byte[0];
        int[] classEnds = new int[0];
        /** The parsed form, once the pattern has been used {@link #USES_BEFORE_PROGRAM} times (null if none). */
        PatternProgram program;

        int uses;
        long prefixWord;
        long prefixMask;
        /** The matcher's lookup count at this entry's last use (the older of a pair is evicted). */
        long used;
    }

    /** Uses of a cached pattern before it is parsed into a {@link PatternProgram}: a one-off pattern is interpreted. */
    private static final int USES_BEFORE_PROGRAM = 2;
    /** The current pattern's program, or null to interpret it. */
    private PatternProgram program;
    /** The cache entry of the current pattern (the fields above and below are copied from it). */
    private Compiled current;
    /** The first up to 8 prefix bytes as a little-endian word, and the mask of those bytes. */
    private long prefixWord;

    private long prefixMask;

    /**
     * Recently used patterns, by identity: a script's pattern constants are the same LuaString on every call, so a
     * filter compiles each of its patterns once per thread and allocates nothing afterwards. {@value #CACHE_SLOTS}
     * slots, a pattern in one of the eight from its hash on (LuaJ computes the hash when the string is made; a hit
     * is usually the first slot), the least recently used of those eight evicted: a DPI script with dozens of signatures keeps every one parsed (a
     * round-robin cache of four parsed a script with five patterns again on every call). Entries are made on first
     * use, so a nested matcher ({@link #acquire()} when busy) costs nothing until it needs them.
     */
    private final Compiled[] cache = new Compiled[CACHE_SLOTS];

    static final int CACHE_SLOTS = 64;
    /** Slots a pattern may sit in, from its hash on: the least recently used of them is evicted. */
    private static final int CACHE_PROBES = 8;
    /** Pattern lookups so far: the recency of each entry ({@code Compiled.used}). */
    private long lookups;
    /** Patterns compiled (parsed from their bytes) by this matcher: for tests. */
    private long compiles;

    int level;
    private final int[] captureStart = new int[MAX_CAPTURES];
    private final int[] captureLength = new int[MAX_CAPTURES];
    private int depth;
    private int steps;

    private PatternMatcher() {}

    /** The calling thread's matcher, or a fresh one if it is in use further up the stack. Release with {@link #release()}. */
    static PatternMatcher acquire() {
        return claim(CURRENT.get());
    }

    /**
     * As {@link #acquire()}, the thread's matcher found through {@code home} (a data object's) when the home already
     * holds this thread's: one compare instead of the thread-local lookup.
     */
    static PatternMatcher acquire(MatcherHome home) {
        if (home == null) {
            return acquire();
        }
        PatternMatcher m = home.matcher;
        if (m == null || m.owner != Thread.currentThread()) {
            m = CURRENT.get();
            home.matcher = m;
        }
        return claim(m);
    }

    private static PatternMatcher claim(PatternMatcher m) {
        if (m.busy) {
            m = new PatternMatcher();
        }
        m.busy = true;
        return m;
    }

    /** Charges the uncharged steps and makes the matcher available again; call in a finally block. */
    void release() {
        busy = false;
        array = null;
        segment = null;
        int s = steps;
        steps = 0;
        if (s > 0) {
            budget.charge(s);
        }
    }

    void subject(LuaString s) {
        array = s.m_bytes;
        arrayBase = s.m_offset;
        segment = null;
        copyable = false;
        subjectLength = s.m_length;
    }

    /**
     * A subject in native memory. Up to {@link #COPIED_AT_ONCE} bytes it is copied into this matcher's array at once;
     * up to {@link #COPIED_SUBJECT} bytes only from the first position a match is tried at ({@link #ensureArray}): a
     * literal prefix is searched for in the segment itself, so a frame without it is never copied.
     */
    void subject(MemorySegment seg, long offset, int length) {
        array = null;
        segment = seg;
        segmentBase = offset;
        subjectLength = length;
        copyable = length <= COPIED_SUBJECT;
        if (length <= COPIED_AT_ONCE) {
            ensureArray(0);
        }
    }

    /**
     * Before a match is tried at {@code s}: copies a short segment subject from {@code s - 1} on (a frontier
     * pattern reads the byte before its position; positions only grow within one call). The copy is cheaper than
     * the per-byte checks of the segment reads a match makes: SeedScriptBenchmark.sshFilter (compiled, banner)
     * 278 -> 195 ns with a whole copy. Strings made from the subject are copies either way.
     */
    private void ensureArray(int s) {
        if (array == null && copyable) {
            int from = s > 0 ? s - 1 : 0;
            int n = subjectLength - from;
            MemorySegment seg = segment;
            long off = segmentBase + from;
            byte[] dst = copied;
            if (n >= 64) {
                MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, dst, from, n);
            } else {
                // A short tail by words: MemorySegment.copy's set-up costs more than this loop for a banner. The
                // last word ends at the subject's end, overlapping the one before (or starting before 'from' with
                // bytes of the subject all the same).
                int i = 0;
                for (; i + 8 <= n; i += 8) {
                    LONG_LE.set(dst, from + i, seg.get(SEGMENT_LONG_LE, off + i));
                }
                if (i < n) {
                    if (subjectLength >= 8) {
                        int at = subjectLength - 8;
                        LONG_LE.set(dst, at, seg.get(SEGMENT_LONG_LE, segmentBase + at));
                    } else {
                        for (; i < n; i++) {
                            dst[from + i] = seg.get(ValueLayout.JAVA_BYTE, off + i);
                        }
                    }
                }
            }
            array = dst;
            arrayBase = 0;
        }
    }

    /** Segment subjects up to this length are matched over a copy in {@link #copied} (an Ethernet frame fits). */
    static final int COPIED_SUBJECT = 2048;
    /**
     * Segment subjects up to this length (a banner frame) are copied whole before anything is searched: one bulk copy
     * costs less than the checked word reads of the literal-prefix search over the frame's headers
     * (SeedScriptBenchmark.sshFilter compiled, banner: 75.6 / 80.7 -> 73.5 / 75.0 ns median, banner40 74.5 -> 71.5).
     */
    static final int COPIED_AT_ONCE = 128;
    /** Eight spare bytes: the word-at-a-time candidate scan may read a word that ends past the subject. */
    private final byte[] copied = new byte[COPIED_SUBJECT + 8];

    /**
     * Sets the pattern; {@code honourAnchor} is false for gmatch, where 5.4 treats a leading '^' literally.
     * Allocates nothing once the pattern string is in the thread's cache.
     */
    void pattern(LuaString p, boolean honourAnchor) {
        Compiled last = current;
        if (last != null && last.key == p && last.honourAnchor == honourAnchor && last.uses >= USES_BEFORE_PROGRAM) {
            return; // the same pattern as in this matcher's last call: every field below still holds
        }
        // Until the fields below are all set again (the budget may cut this call off in between), there is none.
        current = null;
        pattern = p.m_bytes;
        patternStart = p.m_offset;
        patternEnd = p.m_offset + p.m_length;
        int h = p.hashCode();
        int home = h ^ (h >>> 16);
        Compiled c = null;
        int free = -1;
        Compiled oldest = null;
        for (int k = 0; k < CACHE_PROBES; k++) {
            int i = (home + k) & (CACHE_SLOTS - 1);
            Compiled e = cache[i];
            if (e == null) {
                if (free < 0) {
                    free = i;
                }
            } else if (e.key == p && e.honourAnchor == honourAnchor) {
                c = e;
                break;
            } else if (oldest == null || e.used < oldest.used) {
                oldest = e;
            }
        }
        if (c == null) {
            if (free >= 0) {
                cache[free] = c = new Compiled();
            } else {
                c = oldest;
            }
            compiles++;
            compile(c, p, honourAnchor);
        } else if (c.uses < USES_BEFORE_PROGRAM && ++c.uses == USES_BEFORE_PROGRAM) {
            c.program = PatternProgram.compile(
                    pattern,
                    c.matchStart + c.prefixPatternLength,
                    patternEnd,
                    p.m_length,
                    this::classEndOrMinusOne,
                    this::singleClassMatches);
            countSteps(p.m_length * 8);
        }
        c.used = ++lookups;
        current = c;
        program = c.program;
        prefixWord = c.prefixWord;
        prefixMask = c.prefixMask;
        anchored = c.anchored;
        matchStart = c.matchStart;
        prefix = c.prefix;
        prefixLength = c.prefixLength;
        prefixPatternLength = c.prefixPatternLength;
        scanLength = c.scanLength;
        setBits = c.setBits;
        setState = c.setState;
        classEnds = c.classEnds;
    }

    /** Patterns compiled from their bytes by this matcher so far (for tests). */
    long compiles() {
        return compiles;
    }

    /** The current pattern's program, or null while it is interpreted (for tests). */
    PatternProgram program() {
        return program;
    }

    private void compile(Compiled c, LuaString p, boolean honourAnchor) {
        c.key = null;
        c.program = null;
        c.uses = 0;
        c.honourAnchor = honourAnchor;
        c.anchored = honourAnchor && p.m_length > 0 && pattern[patternStart] == '^';
        c.matchStart = c.anchored ? patternStart + 1 : patternStart;
        computePrefix(c);
        resetPositionCaches(c, p.m_length);
        c.key = p;
    }

    /** Resets the per-position caches of a compiled pattern (bit maps and class ends are filled in lazily). */
    private void resetPositionCaches(Compiled c, int length) {
        if (c.setState.length < length) {
            c.setState = new byte[length];
            c.setBits = new long[4 * length];
            c.classEnds = new int[length];
        } else {
            Arrays.fill(c.setState, (byte) 0);
            Arrays.fill(c.classEnds, 0);
        }
        countSteps(length >>> 6);
    }

    /** Lua 5.4's "no specials" test: a pattern without any of {@code ^$*+?.([%-} is searched as plain text. */
    static boolean hasNoSpecials(LuaString p) {
        byte[] b = p.m_bytes;
        for (int i = p.m_offset, end = p.m_offset + p.m_length; i < end; i++) {
            switch (b[i]) {
                case '^', '$', '*', '+', '?', '.', '(', '[', '%', '-' -> {
                    return false;
                }
                default -> {}
            }
        }
        return true;
    }

    private void computePrefix(Compiled comp) {
        byte[] prefix = comp.prefix;
        int p = comp.matchStart;
        int n = 0;
        while (p < patternEnd && n < prefix.length) {
            int c = pattern[p] & 0xff;
            int width = 1;
            switch (c) {
                case '^', '$', '*', '+', '?', '.', '(', ')', '[', '-' -> {
                    c = -1;
                }
                case '%' -> {
                    if (p + 1 < patternEnd && (CLASSES[pattern[p + 1] & 0xff] & (ALPHA | DIGIT)) == 0) {
                        c = pattern[p + 1] & 0xff;
                        width = 2;
                    } else {
                        c = -1;
                    }
                }
                default -> {}
            }
            if (c < 0) {
                break;
            }
            int next = p + width;
            if (next < patternEnd) {
                byte q = pattern[next];
                if (q == '*' || q == '?' || q == '-' || q == '+') {
                    break;
                }
            }
            prefix[n++] = (byte) c;
            p = next;
        }
        comp.prefixLength = n;
        comp.prefixPatternLength = p - comp.matchStart;
        comp.scanLength = n;
        comp.prefixWord = 0;
        for (int i = Math.min(n, 8) - 1; i >= 0; i--) {
            comp.prefixWord = comp.prefixWord << 8 | (prefix[i] & 0xff);
        }
        comp.prefixMask = n >= 8 ? -1L : (1L << (8 * n)) - 1;
        int q = comp.matchStart;
        if (n == 0 && q < patternEnd) {
            int c = pattern[q] & 0xff;
            if (c == '%' && q + 3 < patternEnd && pattern[q + 1] == 'b') {
                prefix[0] = pattern[q + 2];
                comp.scanLength = 1;
            } else if (q + 1 < patternEnd && pattern[q + 1] == '+' && "^$*+?.()[]%-".indexOf(c) < 0) {
                prefix[0] = (byte) c;
                comp.scanLength = 1;
            }
        }
    }

    int at(int i) {
        return array != null ? array[arrayBase + i] & 0xff : segment.get(ValueLayout.JAVA_BYTE, segmentBase + i) & 0xff;
    }

    /**
     * The first position {@code >= s} where a match may start: with a literal prefix, the next occurrence of it
     * (or -1 when there is none); otherwise {@code s} itself. A segment subject is searched in place
     * ({@link #nextInSegment}). Allocates nothing.
     */
    int nextCandidate(int s) {
        int k = scanLength;
        if (k == 0) {
            return s;
        }
        if (array == null) {
            return nextInSegment(s, k);
        }
        int last = subjectLength - k;
        int i = s;
        while (i <= last) {
            i = scanArray(i, k);
            if (i < 0) {
                break;
            }
            if (regionMatches(i, k)) {
                countSteps((i - s) >>> 3);
                return i;
            }
            i++;
        }
        countSteps((subjectLength - s) >>> 3);
        return -1;
    }

    /**
     * The first position {@code p >= i} (up to {@code subjectLength - k}) where the subject may hold the first
     * two prefix bytes (the first one if {@code k == 1}), or -1; a position returned may be a false one, never
     * is one skipped. Two words per step, the first byte alone first: in text where it is rare (an 'S' in HTTP)
     * most steps end after two tests.
     */
    private int scanArray(int i, int k) {
        byte[] a = array;
        int base = arrayBase;
        int n = subjectLength;
        int last = n - k;
        long first8 = (prefix[0] & 0xff) * ONES;
        long second8 = k >= 2 ? (prefix[1] & 0xff) * ONES : 0;
        for (; i + 17 <= n; i += 16) {
            long x = zeroBytes((long) LONG_LE.get(a, base + i) ^ first8);
            long y = zeroBytes((long) LONG_LE.get(a, base + i + 8) ^ first8);
            if ((x | y) != 0) {
                if (k >= 2) {
                    x &= zeroBytes((long) LONG_LE.get(a, base + i + 1) ^ second8);
                    y &= zeroBytes((long) LONG_LE.get(a, base + i + 9) ^ second8);
                }
                if ((x | y) != 0) {
                    int p = x != 0
                            ? i + (Long.numberOfTrailingZeros(x) >>> 3)
                            : i + 8 + (Long.numberOfTrailingZeros(y) >>> 3);
                    return p <= last ? p : -1;
                }
            }
        }
        int first = prefix[0];
        for (; i <= last; i++) {
            if (a[base + i] == first) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@link #nextCandidate} in a segment subject, in stages. The first {@link #SCAN_HEAD} bytes a word at a time (a
     * prefix near the start costs what it did before); then blocks, each tested as a whole by
     * {@link #blockHasCandidate}, a loop C2 turns into vector code: one test per block instead of a branch per 16
     * bytes. The blocks grow from {@link #SCAN_BLOCK_MIN} to {@link #SCAN_BLOCK_MAX} bytes, so that a candidate soon
     * after the start has not cost a large block. A block that holds a candidate is searched a word at a time, and the
     * candidate checked against the whole prefix; after a false one (an "SS" that is not "SSH-") the word scan goes
     * on for {@link #SCAN_RESUME} bytes, then blocks from the smallest again: false candidates close together cost
     * what they cost in the word scan alone, a lone one does not leave the rest of a large block to the word scan.
     * Measured on 64 KiB of random bytes and of zeros: MatcherBenchmark.ssh64kRandomSegmentOurs,
     * ssh64kZeroSegmentOurs.
     */
    private int nextInSegment(int s, int k) {
        int n = subjectLength;
        int last = n - k;
        int i = s;
        // the word scan runs over [i, stop); the blocks take over from where it stopped
        int stop = n - i >= SCAN_HEAD + SCAN_BLOCK_MIN + 1 ? i + SCAN_HEAD : n;
        while (i <= last) {
            int p = scanSegmentWords(i, k, stop);
            if (p == NOT_BEFORE) {
                i = wordsStoppedAt;
                stop = n;
                int block = SCAN_BLOCK_MIN;
                // a block reads up to one byte past its end (the second prefix byte of its last position)
                while (n - 1 - i >= SCAN_BLOCK_MIN) {
                    int size = Math.min(block, (n - 1 - i) & -8);
                    if (blockHasCandidate(i, size, k)) {
                        stop = i + size;
                        break;
                    }
                    i += size;
                    block = Math.min(block << 1, SCAN_BLOCK_MAX);
                }
            } else if (p < 0) {
                break;
            } else if (regionMatches(p, k)) {
                countSteps((p - s) >>> 3);
                return p;
            } else {
                // a false candidate: the word scan goes on for SCAN_RESUME bytes at most (candidates close together
                // cost what they cost there), then the blocks again, from the smallest
                i = p + 1;
                stop = i + SCAN_RESUME;
            }
        }
        countSteps((n - s) >>> 3);
        return -1;
    }

    /** Bytes searched a word at a time before {@link #nextInSegment} tests whole blocks. */
    static final int SCAN_HEAD = 64;
    /** The first block size and the largest one (their loop set-up and end test are paid once per block). */
    static final int SCAN_BLOCK_MIN = 256;

    static final int SCAN_BLOCK_MAX = 4096;
    /** After a false candidate, bytes searched a word at a time before the blocks take over again. */
    static final int SCAN_RESUME = 512;
    /** {@link #scanSegmentWords}: no candidate before its {@code stop}; it stopped at {@link #wordsStoppedAt}. */
    private static final int NOT_BEFORE = -2;

    private int wordsStoppedAt;

    /**
     * True if a position in {@code [i, i + size)} may hold the first two prefix bytes (the first one if {@code k ==
     * 1}); false means none does. {@code size} is a multiple of 8 and {@code i + size + 1 <= subjectLength}. Eight
     * positions per word, no branch in the loop: the words of the first and of the second byte are compared at
     * once, and a zero byte anywhere shows in the OR of the zero tests (a borrow marks only bytes above a zero one,
     * so a block without a candidate has no mark at all).
     */
    private boolean blockHasCandidate(int i, int size, int k) {
        MemorySegment seg = segment;
        long off = segmentBase + i;
        long first8 = (prefix[0] & 0xff) * ONES;
        long second8 = (prefix[1] & 0xff) * ONES;
        long secondMask = k >= 2 ? -1L : 0;
        long acc = 0;
        for (int j = 0; j < size; j += 8) {
            long x = (seg.get(SEGMENT_LONG_LE, off + j) ^ first8)
                    | ((seg.get(SEGMENT_LONG_LE, off + j + 1) ^ second8) & secondMask);
            acc |= (x - ONES) & ~x;
        }
        return (acc & HIGHS) != 0;
    }

    /**
     * The word-at-a-time scan of {@link #scanArray} over a segment subject from {@code i}: the first position that
     * may hold the first two prefix bytes, or -1, or {@link #NOT_BEFORE} once it has passed {@code stop} without
     * one (it may look up to 15 bytes past {@code stop}: a candidate found there is returned, it is the first one
     * from {@code i} on).
     */
    private int scanSegmentWords(int i, int k, int stop) {
        MemorySegment seg = segment;
        long base = segmentBase;
        int n = subjectLength;
        int last = n - k;
        long first8 = (prefix[0] & 0xff) * ONES;
        long second8 = k >= 2 ? (prefix[1] & 0xff) * ONES : 0;
        for (; i + 17 <= n; i += 16) {
            if (i >= stop) {
                wordsStoppedAt = i;
                return NOT_BEFORE;
            }
            long x = zeroBytes(seg.get(SEGMENT_LONG_LE, base + i) ^ first8);
            long y = zeroBytes(seg.get(SEGMENT_LONG_LE, base + i + 8) ^ first8);
            if ((x | y) != 0) {
                if (k >= 2) {
                    x &= zeroBytes(seg.get(SEGMENT_LONG_LE, base + i + 1) ^ second8);
                    y &= zeroBytes(seg.get(SEGMENT_LONG_LE, base + i + 9) ^ second8);
                }
                if ((x | y) != 0) {
                    int p = x != 0
                            ? i + (Long.numberOfTrailingZeros(x) >>> 3)
                            : i + 8 + (Long.numberOfTrailingZeros(y) >>> 3);
                    return p <= last ? p : -1;
                }
            }
        }
        byte first = prefix[0];
        for (; i <= last; i++) {
            if (seg.get(ValueLayout.JAVA_BYTE, base + i) == first) {
                return i;
            }
        }
        return -1;
    }

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * 0x80 in each byte of the result that may be zero in {@code x}: every zero byte is marked, and the lowest mark
     * is a zero byte; a byte above a zero one may be marked falsely (the borrow), so marks are candidates only.
     */
    private static long zeroBytes(long x) {
        return (x - ONES) & ~x & HIGHS;
    }

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong SEGMENT_LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** True if the subject holds the first {@code k} prefix bytes at {@code i}. */
    private boolean regionMatches(int i, int k) {
        int j = 0;
        if (i + 8 <= subjectLength && k <= prefixLength) {
            long w = array != null
                    ? (long) LONG_LE.get(array, arrayBase + i)
                    : segment.get(SEGMENT_LONG_LE, segmentBase + i);
            if (((w ^ prefixWord) & prefixMask) != 0) {
                return false;
            }
            j = 8;
        }
        for (; j < k; j++) {
            if (at(i + j) != (prefix[j] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Tries one match starting at subject position {@code s}; returns the end position or -1. Resets captures.
     * Allocates nothing.
     */
    int matchAt(int s) {
        ensureArray(s);
        int k = prefixLength;
        if (k > 0 && (s + k > subjectLength || !regionMatches(s, k))) {
            return -1;
        }
        return matchAtCandidate(s);
    }

    /**
     * {@link #matchAt(int)} at a position where the literal prefix is known to occur ({@link #nextCandidate}).
     * Allocates nothing.
     */
    int matchAtCandidate(int s) {
        ensureArray(s);
        PatternProgram prog = program;
        if (prog != null && array != null) {
            level = prog.captures;
            return run(prog, s + prefixLength, 0);
        }
        level = 0;
        depth = MAX_DEPTH;
        return match(s + prefixLength, matchStart + prefixPatternLength);
    }

    /**
     * Runs {@code prog} from item {@code pc} at subject position {@code s} (an array subject), with Lua's
     * backtracking: greedy repetitions try the longest run first, lazy ones the shortest. Returns the end of the
     * match or -1; captures are written as their items are passed (the last path written is the successful one).
     * Allocates nothing.
     */
    private int run(PatternProgram prog, int s, int pc) {
        if (++steps >= STEP_BATCH) {
            countSteps(0);
        }
        byte[] op = prog.op;
        int[] arg = prog.arg;
        byte[] member = prog.member;
        byte[] a = array;
        int base = arrayBase;
        int n = subjectLength;
        int items = op.length;
        for (; pc < items; pc++) {
            int x = arg[pc];
            switch (op[pc]) {
                case PatternProgram.ONE -> {
                    if (s >= n || member[x + (a[base + s] & 0xff)] == 0) {
                        return -1;
                    }
                    s++;
                }
                case PatternProgram.STAR_POSSESSIVE, PatternProgram.PLUS_POSSESSIVE -> {
                    int i = runLength(member, x, a, base + s, n - s);
                    if (i == 0 && op[pc] == PatternProgram.PLUS_POSSESSIVE) {
                        return -1;
                    }
                    s += i;
                }
                case PatternProgram.STAR, PatternProgram.PLUS -> {
                    int min = op[pc] == PatternProgram.PLUS ? 1 : 0;
                    for (int i = runLength(member, x, a, base + s, n - s); i >= min; i--) {
                        int r = run(prog, s + i, pc + 1);
                        if (r != -1) {
                            return r;
                        }
                    }
                    return -1;
                }
                case PatternProgram.OPTIONAL -> {
                    if (s < n && member[x + (a[base + s] & 0xff)] != 0) {
                        int r = run(prog, s + 1, pc + 1);
                        if (r != -1) {
                            return r;
                        }
                    }
                }
                case PatternProgram.LAZY -> {
                    while (true) {
                        int r = run(prog, s, pc + 1);
                        if (r != -1) {
                            return r;
                        }
                        if (s >= n || member[x + (a[base + s] & 0xff)] == 0) {
                            return -1;
                        }
                        s++;
                    }
                }
                case PatternProgram.OPEN -> captureStart[x] = s;
                case PatternProgram.CLOSE -> captureLength[x] = s - captureStart[x];
                case PatternProgram.POSITION -> {
                    captureStart[x] = s;
                    captureLength[x] = CAP_POSITION;
                }
                default -> {
                    return s == n ? s : -1; // END, always the last item
                }
            }
        }
        return s;
    }

    /** The number of bytes from {@code a[from]} on, at most {@code room}, in the class whose table starts at x. */
    private int runLength(byte[] member, int x, byte[] a, int from, int room) {
        int i = 0;
        while (i < room && member[x + (a[from + i] & 0xff)] != 0) {
            i++;
        }
        countSteps(i);
        return i;
    }

    /** {@link #classEnd}'s result for the class at {@code p}, or -1 where it would raise an error. */
    private int classEndOrMinusOne(int p) {
        try {
            return classEndSlow(p);
        } catch (LuaError e) {
            return -1;
        }
    }

    /** True if byte {@code c} matches the single-character class at {@code [p, ep)}, as {@link #singleMatches}. */
    private boolean singleClassMatches(int c, int p, int ep) {
        return switch (pattern[p]) {
            case '.' -> true;
            case '%' -> classMatches(c, pattern[p + 1] & 0xff);
            case '[' -> setMatchesSlow(c, p, ep - 1);
            default -> (pattern[p] & 0xff) == c;
        };
    }

    private void countSteps(int n) {
        if ((steps += n) >= STEP_BATCH) {
            int s = steps;
            steps = 0;
            budget.charge(s);
        }
    }

    private static LuaError error(String msg) {
        return new LuaError(msg);
    }

    private int classEnd(int p) {
        int slot = p - patternStart;
        int e = classEnds[slot];
        if (e == 0) {
            e = classEndSlow(p);
            classEnds[slot] = e;
        }
        return e;
    }

    private int classEndSlow(int p) {
        byte c = pattern[p++];
        if (c == '%') {
            if (p >= patternEnd) {
                throw error("malformed pattern (ends with '%')");
            }
            return p + 1;
        }
        if (c == '[') {
            if (p < patternEnd && pattern[p] == '^') {
                p++;
            }
            // The first byte of a set is always a member, so "[]]" and "[^]]" are sets containing ']'.
            do {
                if (p >= patternEnd) {
                    throw error("malformed pattern (missing ']')");
                }
                byte cc = pattern[p++];
                if (cc == '%' && p < patternEnd) {
                    p++;
                }
            } while (p >= patternEnd || pattern[p] != ']');
            return p + 1;
        }
        return p;
    }

    private static boolean classMatches(int c, int cl) {
        int f;
        switch (cl | 0x20) {
            case 'a' -> f = ALPHA;
            case 'c' -> f = CNTRL;
            case 'd' -> f = DIGIT;
            case 'g' -> f = GRAPH;
            case 'l' -> f = LOWER;
            case 'p' -> f = PUNCT;
            case 's' -> f = SPACE;
            case 'u' -> f = UPPER;
            case 'w' -> f = ALPHA | DIGIT;
            case 'x' -> f = XDIGIT;
            case 'z' -> {
                // Deprecated since 5.2 but still accepted by 5.4: the zero byte.
                boolean zero = c == 0;
                return (cl & 0x20) == 0 ? !zero : zero;
            }
            default -> {
                return cl == c;
            }
        }
        boolean res = (CLASSES[c] & f) != 0;
        return (cl & 0x20) == 0 ? !res : res;
    }

    /** Set membership; {@code p} is the '[' and {@code ec} the closing ']'. */
    private boolean setMatches(int c, int p, int ec) {
        int slot = p - patternStart;
        int state = setState[slot];
        if (state >= 0) {
            if (state < SET_USES_BEFORE_MAP) {
                setState[slot] = (byte) (state + 1);
                return setMatchesSlow(c, p, ec);
            }
            buildSetMap(slot, p, ec);
        }
        return (setBits[4 * slot + (c >>> 6)] & (1L << c)) != 0;
    }

    private void buildSetMap(int slot, int p, int ec) {
        int base = 4 * slot;
        for (int k = 0; k < 4; k++) {
            setBits[base + k] = 0;
        }
        for (int ch = 0; ch < 256; ch++) {
            if (setMatchesSlow(ch, p, ec)) {
                setBits[base + (ch >>> 6)] |= 1L << ch;
            }
        }
        setState[slot] = -1;
        countSteps(4 * (ec - p));
    }

    private boolean setMatchesSlow(int c, int p, int ec) {
        boolean member = true;
        p++;
        if (pattern[p] == '^') {
            member = false;
            p++;
        }
        while (p < ec) {
            int b = pattern[p] & 0xff;
            if (b == '%') {
                p++;
                if (classMatches(c, pattern[p] & 0xff)) {
                    return member;
                }
                p++;
            } else if (p + 2 < ec && pattern[p + 1] == '-') {
                if (b <= c && c <= (pattern[p + 2] & 0xff)) {
                    return member;
                }
                p += 3;
            } else {
                if (b == c) {
                    return member;
                }
                p++;
            }
        }
        return !member;
    }

    private boolean singleMatches(int s, int p, int ep) {
        if (s >= subjectLength) {
            return false;
        }
        int c = at(s);
        return switch (pattern[p]) {
            case '.' -> true;
            case '%' -> classMatches(c, pattern[p + 1] & 0xff);
            case '[' -> setMatches(c, p, ep - 1);
            default -> (pattern[p] & 0xff) == c;
        };
    }

    private int match(int s, int p) {
        if (depth-- == 0) {
            throw error("pattern too complex");
        }
        if (++steps >= STEP_BATCH) {
            countSteps(0);
        }
        int result;
        loop:
        while (true) {
            if (p == patternEnd) {
                result = s;
                break;
            }
            switch (pattern[p]) {
                case '(' -> {
                    if (p + 1 < patternEnd && pattern[p + 1] == ')') {
                        result = startCapture(s, p + 2, CAP_POSITION);
                    } else {
                        result = startCapture(s, p + 1, CAP_UNFINISHED);
                    }
                    break loop;
                }
                case ')' -> {
                    result = endCapture(s, p + 1);
                    break loop;
                }
                case '$' -> {
                    if (p + 1 == patternEnd) {
                        result = s == subjectLength ? s : -1;
                        break loop;
                    }
                }
                case '%' -> {
                    if (p + 1 < patternEnd) {
                        byte n = pattern[p + 1];
                        if (n == 'b') {
                            s = matchBalance(s, p + 2);
                            if (s != -1) {
                                p += 4;
                                continue;
                            }
                            result = -1;
                            break loop;
                        } else if (n == 'f') {
                            p += 2;
                            if (p >= patternEnd || pattern[p] != '[') {
                                throw error("missing '[' after '%f' in pattern");
                            }
                            int ep = classEnd(p);
                            int prev = s == 0 ? 0 : at(s - 1);
                            int cur = s < subjectLength ? at(s) : 0;
                            if (!setMatches(prev, p, ep - 1) && setMatches(cur, p, ep - 1)) {
                                p = ep;
                                continue;
                            }
                            result = -1;
                            break loop;
                        } else if (n >= '0' && n <= '9') {
                            s = matchCapture(s, n);
                            if (s != -1) {
                                p += 2;
                                continue;
                            }
                            result = -1;
                            break loop;
                        }
                    }
                }
                default -> {}
            }
            // A single-character class, possibly followed by a quantifier.
            int ep = classEnd(p);
            boolean m = singleMatches(s, p, ep);
            if (ep < patternEnd) {
                byte q = pattern[ep];
                if (!m && (q == '*' || q == '?' || q == '-')) {
                    // An empty repetition continues in this frame, as in C Lua: recursing here would count
                    // towards "pattern too complex" where lua5.4 does not (e.g. string.rep('a*', 300) on "b").
                    p = ep + 1;
                    continue;
                }
                switch (q) {
                    case '?' -> {
                        int r;
                        if (m && (r = match(s + 1, ep + 1)) != -1) {
                            result = r;
                            break loop;
                        }
                        p = ep + 1;
                        continue;
                    }
                    case '+' -> {
                        result = m ? maxExpand(s + 1, p, ep) : -1;
                        break loop;
                    }
                    case '*' -> {
                        result = maxExpand(s, p, ep);
                        break loop;
                    }
                    case '-' -> {
                        result = minExpand(s, p, ep);
                        break loop;
                    }
                    default -> {}
                }
            }
            if (!m) {
                result = -1;
                break;
            }
            s++;
            p = ep;
        }
        depth++;
        return result;
    }

    private int maxExpand(int s, int p, int ep) {
        int i = pattern[p] == '[' && setState[p - patternStart] < 0 ? setRun(s, 4 * (p - patternStart)) : 0;
        if (i == 0) {
            while (singleMatches(s + i, p, ep)) {
                i++;
            }
        }
        countSteps(i);
        while (i >= 0) {
            int r = match(s + i, ep + 1);
            if (r != -1) {
                return r;
            }
            i--;
        }
        return -1;
    }

    /** Length of the run of subject bytes from {@code s} that belong to the set whose bit map starts at {@code base}. */
    private int setRun(int s, int base) {
        long[] bits = setBits;
        int n = subjectLength - s;
        int i = 0;
        if (array != null) {
            byte[] a = array;
            int off = arrayBase + s;
            while (i < n) {
                int c = a[off + i] & 0xff;
                if ((bits[base + (c >>> 6)] & (1L << c)) == 0) {
                    break;
                }
                i++;
            }
        } else {
            MemorySegment seg = segment;
            long off = segmentBase + s;
            while (i < n) {
                int c = seg.get(ValueLayout.JAVA_BYTE, off + i) & 0xff;
                if ((bits[base + (c >>> 6)] & (1L << c)) == 0) {
                    break;
                }
                i++;
            }
        }
        return i;
    }

    private int minExpand(int s, int p, int ep) {
        while (true) {
            int r = match(s, ep + 1);
            if (r != -1) {
                return r;
            }
            if (singleMatches(s, p, ep)) {
                s++;
            } else {
                return -1;
            }
        }
    }

    private int matchBalance(int s, int p) {
        if (p + 1 >= patternEnd) {
            throw error("malformed pattern (missing arguments to '%b')");
        }
        if (s >= subjectLength || at(s) != (pattern[p] & 0xff)) {
            return -1;
        }
        int open = pattern[p] & 0xff;
        int close = pattern[p + 1] & 0xff;
        int depthCount = 1;
        int start = s;
        try {
            while (++s < subjectLength) {
                int c = at(s);
                if (c == close) {
                    if (--depthCount == 0) {
                        return s + 1;
                    }
                } else if (c == open) {
                    depthCount++;
                }
            }
            return -1;
        } finally {
            countSteps((s - start) >>> 2);
        }
    }

    private int startCapture(int s, int p, int what) {
        if (level >= MAX_CAPTURES) {
            throw error("too many captures");
        }
        captureStart[level] = s;
        captureLength[level] = what;
        level++;
        int r = match(s, p);
        if (r == -1) {
            level--;
        }
        return r;
    }

    private int endCapture(int s, int p) {
        int l = captureToClose();
        captureLength[l] = s - captureStart[l];
        int r = match(s, p);
        if (r == -1) {
            captureLength[l] = CAP_UNFINISHED;
        }
        return r;
    }

    private int captureToClose() {
        for (int l = level - 1; l >= 0; l--) {
            if (captureLength[l] == CAP_UNFINISHED) {
                return l;
            }
        }
        throw error("invalid pattern capture");
    }

    private int matchCapture(int s, int digit) {
        int l = digit - '1';
        if (l < 0 || l >= level || captureLength[l] == CAP_UNFINISHED) {
            throw error("invalid capture index %" + (l + 1));
        }
        int len = captureLength[l];
        if (len < 0 || subjectLength - s < len) {
            return -1;
        }
        int start = captureStart[l];
        for (int i = 0; i < len; i++) {
            if (at(start + i) != at(s + i)) {
                return -1;
            }
        }
        countSteps(len >>> 3);
        return s + len;
    }

    /** Bytes [start, start + len) of the subject as a new Lua string (a copy for a segment). */
    LuaString substring(int start, int len) {
        if (array != null) {
            if (len > SHORT_STRING) {
                return LuaString.valueOf(array, arrayBase + start, len);
            }
            // The last short string made here, if it has these bytes: a filter that extracts the same field
            // from every packet (a banner's version) then pays a compare, not LuaJ's hash and cache probe.
            int from = arrayBase + start;
            LuaString r = lastShort;
            if (r != null
                    && r.m_length == len
                    && Arrays.equals(r.m_bytes, r.m_offset, r.m_offset + len, array, from, from + len)) {
                return r;
            }
            r = LuaString.valueOf(array, from, len);
            lastShort = r;
            return r;
        }
        return copyOf(segment, segmentBase + start, len, scratch);
    }

    /** Longest string that LuaJ's short-string cache may return without allocating (its RECENT_STRINGS_MAX_LENGTH). */
    private static final int SHORT_STRING = 32;

    private final byte[] scratch = new byte[SHORT_STRING];
    /** The last short string {@link #substring} returned (Lua strings are values: handing it out again is safe). */
    private LuaString lastShort;

    /**
     * Bytes of native memory as a Lua string. A short one goes through a scratch buffer into LuaJ's recent-strings
     * cache (which copies), so a repeated capture such as a banner's version allocates nothing.
     */
    static LuaString copyOf(MemorySegment seg, long offset, int len, byte[] scratch) {
        if (len <= SHORT_STRING) {
            // A byte loop: for 11 bytes MemorySegment.copy took 17 ns and this loop 8.6 ns (a plain timing loop
            // over a shared arena, 2026-12-02; not a JMH figure).
            for (int i = 0; i < len; i++) {
                scratch[i] = seg.get(ValueLayout.JAVA_BYTE, offset + i);
            }
            return LuaString.valueOf(scratch, 0, len);
        }
        byte[] copy = new byte[len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, offset, copy, 0, len);
        return LuaString.valueUsing(copy);
    }

    /** {@link #copyOf(MemorySegment, long, int, byte[])} with the calling thread's scratch buffer. */
    static LuaString copyOf(MemorySegment seg, long offset, int len) {
        PatternMatcher m = acquire();
        try {
            return copyOf(seg, offset, len, m.scratch);
        } finally {
            m.release();
        }
    }

    /** Capture {@code i} of the match [s, e): a string, a position, or the whole match if there are no captures. */
    LuaValue capture(int i, int s, int e) {
        if (i >= level) {
            if (i != 0) {
                throw error("invalid capture index %" + (i + 1));
            }
            return substring(s, e - s);
        }
        int l = captureLength[i];
        if (l == CAP_UNFINISHED) {
            throw error("unfinished capture");
        }
        if (l == CAP_POSITION) {
            return LuaInteger.valueOf(captureStart[i] + 1);
        }
        return substring(captureStart[i], l);
    }

    /** Number of values a match yields: its captures, or the whole match when the pattern has none. */
    int captureCount(boolean wholeIfNone) {
        return (level == 0 && wholeIfNone) ? 1 : level;
    }

    /** The match's values: captures (or the whole match), as {@code string.match} and {@code gmatch} return them. */
    Varargs captures(int s, int e, boolean wholeIfNone) {
        int n = captureCount(wholeIfNone);
        if (n == 1) {
            return capture(0, s, e);
        }
        if (n == 0) {
            return LuaValue.NONE;
        }
        LuaValue[] v = new LuaValue[n];
        for (int i = 0; i < n; i++) {
            v[i] = capture(i, s, e);
        }
        return LuaValue.varargsOf(v);
    }

    /** The needle's first bytes while {@link #indexOf} runs: its literal prefix for the candidate scan. */
    private final byte[] plainPrefix = new byte[32];

    /**
     * Plain search for {@code p} in the subject from position {@code init} (0-based); -1 if absent. The needle's
     * first (up to 32) bytes become the literal prefix of {@link #nextCandidate}, so a plain {@code find} gets the
     * word-at-a-time and block scans of patterns, in place on a segment subject (no copy of the frame); the rest of
     * a longer needle is compared at each candidate. The pattern fields are the needle's afterwards: the next
     * {@link #pattern} sets them all again.
     */
    int indexOf(LuaString p, int init) {
        int k = p.m_length;
        if (k == 0) {
            return init;
        }
        int last = subjectLength - k;
        if (init > last) {
            return -1;
        }
        current = null;
        byte[] pb = p.m_bytes;
        int po = p.m_offset;
        int n = Math.min(k, plainPrefix.length);
        System.arraycopy(pb, po, plainPrefix, 0, n);
        prefix = plainPrefix;
        prefixLength = n;
        scanLength = n;
        long w = 0;
        for (int i = Math.min(n, 8) - 1; i >= 0; i--) {
            w = w << 8 | (plainPrefix[i] & 0xff);
        }
        prefixWord = w;
        prefixMask = n >= 8 ? -1L : (1L << (8 * n)) - 1;
        int i = init;
        while (true) {
            i = nextCandidate(i);
            if (i < 0 || i > last) {
                return -1;
            }
            int j = n;
            while (j < k && at(i + j) == (pb[po + j] & 0xff)) {
                j++;
            }
            if (j == k) {
                return i;
            }
            i++;
        }
    }
}
