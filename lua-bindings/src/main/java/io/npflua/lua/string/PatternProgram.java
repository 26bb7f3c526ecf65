package io.npflua.lua.string;

import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * A pattern (the part after its literal prefix) parsed once into a list of items, for {@link PatternMatcher} to
 * run without re-reading the pattern's bytes: each single-character class (a literal, {@code .}, {@code %a}, a
 * {@code [set]}) becomes a 256-entry membership table with its quantifier, and captures become open, close and
 * position items whose capture numbers are resolved from the nesting.
 *
 * <p>A greedy repetition after which no shorter run could lead to a match is marked possessive (it never backs
 * off): when what follows it (past captures) is the pattern's end, {@code $}, or a class that must match at least
 * once and shares no byte with the repeated one. Backing off from such a run only moves onto a byte of the
 * repeated class, which the next item rejects, so the result is the same without the nested tries.
 *
 * <p>Only well-formed patterns whose nesting cannot reach "pattern too complex" get a program: no {@code %b},
 * {@code %f} or back-reference, balanced parentheses, at most {@link PatternMatcher#MAX_CAPTURES} captures, no
 * malformed class, and at most {@link #MAX_PATTERN_LENGTH} bytes. For every other pattern {@link #compile} returns
 * null and the matcher interprets the pattern, so errors are raised exactly where and when Lua raises them.
 */
final class PatternProgram {
    /** A single-character class that must match once. */
    static final byte ONE = 0;
    /** A single-character class, {@code *}: the longest run first. */
    static final byte STAR = 1;
    /** A single-character class, {@code +}: the longest run first, at least one. */
    static final byte PLUS = 2;
    /** A single-character class, {@code ?}. */
    static final byte OPTIONAL = 3;
    /** A single-character class, {@code -}: the shortest run first. */
    static final byte LAZY = 4;
    /** {@code (}: capture {@link #arg} starts here. */
    static final byte OPEN = 5;
    /** {@code )}: capture {@link #arg} ends here. */
    static final byte CLOSE = 6;
    /** {@code ()}: capture {@link #arg} is this position. */
    static final byte POSITION = 7;
    /** {@code $} at the pattern's end: the subject's end. */
    static final byte END = 8;
    /** {@link #STAR} that never backs off (see the class comment). */
    static final byte STAR_POSSESSIVE = 9;
    /** {@link #PLUS} that never backs off. */
    static final byte PLUS_POSSESSIVE = 10;

    /**
     * Longest pattern compiled. Each nested matcher call of Lua's algorithm moves forward in the pattern, so the
     * nesting is at most the pattern's length plus one: below {@link PatternMatcher#MAX_DEPTH}, the interpreter
     * could not have raised "pattern too complex" either.
     */
    static final int MAX_PATTERN_LENGTH = PatternMatcher.MAX_DEPTH - 8;

    /** The items' operations ({@link #ONE} .. {@link #END}), one per item. */
    final byte[] op;
    /** Per item: the capture number of a capture item; for a class, the index in {@link #member} of its byte 0. */
    final int[] arg;
    /** The classes' membership tables, 256 entries (1 = member) per class item. */
    final byte[] member;
    /** Captures in the pattern (every one is closed on a successful match). */
    final int captures;

    private PatternProgram(byte[] op, int[] arg, byte[] member, int captures) {
        this.op = op;
        this.arg = arg;
        this.member = member;
        this.captures = captures;
    }

    /** A single-character class's members, as {@link PatternMatcher} would test them one byte at a time. */
    interface ClassTest {
        /** True if byte {@code c} matches the class at {@code [p, ep)} of the pattern. */
        boolean matches(int c, int p, int ep);
    }

    /**
     * The program for bytes {@code [from, end)} of {@code pattern} (whose whole length is {@code patternLength}),
     * or null if the pattern must be interpreted. {@code classEnd} gives the end of the class at a position, or -1
     * if it is malformed; {@code test} decides membership. Allocates the program only.
     */
    static PatternProgram compile(
            byte[] pattern, int from, int end, int patternLength, IntUnaryOperator classEnd, ClassTest test) {
        if (patternLength > MAX_PATTERN_LENGTH) {
            return null;
        }
        int max = end - from;
        byte[] op = new byte[max];
        int[] arg = new int[max];
        byte[] member = new byte[256 * max];
        int[] open = new int[PatternMatcher.MAX_CAPTURES];
        int depth = 0;
        int captures = 0;
        int n = 0;
        int setCount = 0;
        int p = from;
        while (p < end) {
            byte c = pattern[p];
            if (c == '(') {
                if (captures == PatternMatcher.MAX_CAPTURES) {
                    return null;
                }
                if (p + 1 < end && pattern[p + 1] == ')') {
                    op[n] = POSITION;
                    arg[n++] = captures++;
                    p += 2;
                } else {
                    op[n] = OPEN;
                    open[depth++] = captures;
                    arg[n++] = captures++;
                    p++;
                }
                continue;
            }
            if (c == ')') {
                if (depth == 0) {
                    return null;
                }
                op[n] = CLOSE;
                arg[n++] = open[--depth];
                p++;
                continue;
            }
            if (c == '$' && p + 1 == end) {
                op[n++] = END;
                p++;
                continue;
            }
            if (c == '%') {
                if (p + 1 >= end) {
                    return null;
                }
                byte e = pattern[p + 1];
                if (e == 'b' || e == 'f' || (e >= '0' && e <= '9')) {
                    return null;
                }
            }
            int ep = classEnd.applyAsInt(p);
            if (ep < 0) {
                return null;
            }
            int base = 256 * setCount++;
            for (int b = 0; b < 256; b++) {
                if (test.matches(b, p, ep)) {
                    member[base + b] = 1;
                }
            }
            byte q = ONE;
            if (ep < end) {
                switch (pattern[ep]) {
                    case '*' -> q = STAR;
                    case '+' -> q = PLUS;
                    case '?' -> q = OPTIONAL;
                    case '-' -> q = LAZY;
                    default -> {}
                }
            }
            op[n] = q;
            arg[n++] = base;
            p = q == ONE ? ep : ep + 1;
        }
        if (depth != 0) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            if ((op[i] == STAR || op[i] == PLUS) && cannotBackOff(op, arg, member, n, i)) {
                op[i] = op[i] == STAR ? STAR_POSSESSIVE : PLUS_POSSESSIVE;
            }
        }
        return new PatternProgram(
                Arrays.copyOf(op, n), Arrays.copyOf(arg, n), Arrays.copyOf(member, 256 * setCount), captures);
    }

    /** True if no shorter run of the repetition at item {@code i} than the longest could be followed by a match. */
    private static boolean cannotBackOff(byte[] op, int[] arg, byte[] member, int n, int i) {
        int j = i + 1;
        while (j < n && (op[j] == OPEN || op[j] == CLOSE || op[j] == POSITION)) {
            j++;
        }
        if (j == n || op[j] == END) {
            return true;
        }
        if (op[j] != ONE && op[j] != PLUS && op[j] != PLUS_POSSESSIVE) {
            return false;
        }
        for (int b = 0; b < 256; b++) {
            if (member[arg[i] + b] != 0 && member[arg[j] + b] != 0) {
                return false;
            }
        }
        return true;
    }
}
