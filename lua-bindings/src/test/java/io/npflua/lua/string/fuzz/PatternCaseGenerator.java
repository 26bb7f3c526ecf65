package io.npflua.lua.string.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded generator of pattern-engine cases, biased toward the Lua pattern grammar: single-character classes
 * ({@code .}, {@code %a}..{@code %x} and their complements, escaped specials), sets with ranges, negation, classes
 * and the {@code ]}/{@code -} edge cases, the quantifiers {@code * + - ?}, anchors, captures (nested, position
 * captures), back-references, {@code %b}, {@code %f}, and malformed endings. Each pattern item also yields a sample
 * string it matches, so subjects (noise, samples, binary bytes including 0 and bytes above 127) contain matches
 * often. The same seed gives the same cases.
 */
final class PatternCaseGenerator {
    private static final byte[] CLASS_LETTERS = "acdglpsuwxACDGLPSUWX".getBytes();
    private static final byte[] SPECIALS = "^$*+?.([%-])".getBytes();
    /** Bytes a subject is mostly made of: a small alphabet makes matches likely. */
    private static final byte[] ALPHABET = "aabbc AZ09 ()[]%-.^$\t\n_,".getBytes();

    private static final byte[] SET_LITERALS = "abcz09 .-^]%)(".getBytes();

    private final SplittableRandom r;
    /** Bounds the backtracking a random pattern can cause, so that one lua5.4 batch stays short. */
    private int quantifiers;

    private int captureDepth;
    private int capturesOpen;
    private int capturesClosed;

    PatternCaseGenerator(long seed) {
        r = new SplittableRandom(seed);
    }

    /** A pattern together with a sample subject fragment it (probably) matches. */
    record Pattern(byte[] pattern, byte[] sample) {}

    List<PatternCase> cases(int n) {
        List<PatternCase> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    PatternCase next() {
        Pattern p = pattern();
        byte[] subject = subject(p.sample());
        char op = switch (r.nextInt(20)) {
            case 0, 1, 2, 3 -> 'F';
            case 4 -> 'f';
            case 5, 6, 7, 8, 9 -> 'M';
            case 10, 11, 12, 13 -> 'G';
            default -> 'S';
        };
        Integer init = null;
        if (r.nextInt(3) == 0) {
            int len = subject.length;
            init = switch (r.nextInt(6)) {
                case 0 -> 0;
                case 1 -> -r.nextInt(len + 3) - 1;
                case 2 -> len + 1 + r.nextInt(3);
                default -> 1 + r.nextInt(len + 1);
            };
        }
        int repl = 1 + r.nextInt(PatternCase.REPLACEMENTS);
        Integer max = r.nextInt(4) == 0 ? r.nextInt(5) - 1 : null;
        return new PatternCase(op, subject, p.pattern(), op == 'S' ? null : init, repl, max, r.nextInt(5) == 0);
    }

    Pattern pattern() {
        if (r.nextInt(60) == 0) {
            return deepPattern();
        }
        quantifiers = 0;
        captureDepth = 0;
        capturesOpen = 0;
        capturesClosed = 0;
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        if (r.nextInt(4) == 0) {
            p.write('^');
        }
        sequence(p, s, 1 + r.nextInt(6));
        if (r.nextInt(5) == 0) {
            p.write('$');
        }
        if (r.nextInt(12) == 0) {
            malformedEnding(p);
        }
        return new Pattern(p.toByteArray(), s.toByteArray());
    }

    /**
     * A long run of one unit that nests the matcher about once per unit: near and past C Lua's 200 levels
     * ("pattern too complex"), or past 32 captures. The subject matches greedily, so neither engine backtracks
     * exponentially.
     */
    private Pattern deepPattern() {
        String[] units = {"a?", ".?", "[ab]?", "%a?", "()", "(a)", "a-", "%f[a]a?"};
        String unit = units[r.nextInt(units.length)];
        int n = 150 + r.nextInt(110);
        byte[] sample =
                "ab".repeat(r.nextInt(3)).concat("a".repeat(r.nextInt(n + 1))).getBytes();
        return new Pattern(unit.repeat(n).getBytes(), sample);
    }

    private void sequence(ByteArrayOutputStream p, ByteArrayOutputStream s, int items) {
        for (int i = 0; i < items; i++) {
            item(p, s);
        }
    }

    private void item(ByteArrayOutputStream p, ByteArrayOutputStream s) {
        int k = r.nextInt(100);
        if (k < 55) {
            quantified(p, s);
        } else if (k < 70 && captureDepth < 3) {
            capture(p, s);
        } else if (k < 76) {
            int n = capturesClosed > 0 && r.nextInt(4) != 0 ? 1 + r.nextInt(capturesClosed) : 1 + r.nextInt(9);
            p.write('%');
            p.write('0' + n);
            s.write('a');
        } else if (k < 84) {
            balance(p, s);
        } else if (k < 91) {
            p.write('%');
            p.write('f');
            set(p, new ByteArrayOutputStream());
        } else if (k < 95) {
            // a '$' or '^' that is not at an end is an ordinary byte
            byte c = r.nextBoolean() ? (byte) '$' : (byte) '^';
            p.write(c);
            s.write(c);
        } else {
            p.write('(');
            p.write(')');
            capturesOpen++;
            capturesClosed++;
        }
    }

    private void capture(ByteArrayOutputStream p, ByteArrayOutputStream s) {
        p.write('(');
        capturesOpen++;
        captureDepth++;
        sequence(p, s, 1 + r.nextInt(3));
        captureDepth--;
        if (r.nextInt(30) != 0) {
            p.write(')');
            capturesClosed++;
        }
    }

    private void balance(ByteArrayOutputStream p, ByteArrayOutputStream s) {
        byte[] pairs = "()[]{}<>ab\"\"xx".getBytes();
        int i = 2 * r.nextInt(pairs.length / 2);
        byte open = r.nextInt(10) == 0 ? (byte) r.nextInt(256) : pairs[i];
        byte close = pairs[i + 1];
        p.write('%');
        p.write('b');
        p.write(open);
        p.write(close);
        s.write(open);
        for (int n = r.nextInt(4); n > 0; n--) {
            s.write(r.nextInt(3) == 0 ? open : ALPHABET[r.nextInt(ALPHABET.length)]);
        }
        s.write(close);
        s.write(close);
    }

    private void quantified(ByteArrayOutputStream p, ByteArrayOutputStream s) {
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        single(p, one);
        byte[] sample = one.toByteArray();
        int q = quantifiers < 4 ? r.nextInt(8) : 7;
        switch (q) {
            case 0 -> quantifier(p, s, '*', sample, 0);
            case 1 -> quantifier(p, s, '+', sample, 1);
            case 2 -> quantifier(p, s, '-', sample, 0);
            case 3 -> quantifier(p, s, '?', sample, 0);
            default -> s.writeBytes(sample);
        }
    }

    private void quantifier(ByteArrayOutputStream p, ByteArrayOutputStream s, char q, byte[] sample, int min) {
        quantifiers++;
        p.write(q);
        int n = min + r.nextInt(q == '?' ? 2 : 4);
        for (int i = 0; i < n; i++) {
            s.writeBytes(sample);
        }
    }

    /** A single-character class and a byte it matches (or close to one). */
    private void single(ByteArrayOutputStream p, ByteArrayOutputStream s) {
        int k = r.nextInt(100);
        if (k < 35) {
            byte c = ALPHABET[r.nextInt(ALPHABET.length)];
            if (isSpecial(c)) {
                p.write('%');
            }
            p.write(c);
            s.write(c);
        } else if (k < 45) {
            p.write('.');
            s.write(randomByte());
        } else if (k < 70) {
            byte cl = CLASS_LETTERS[r.nextInt(CLASS_LETTERS.length)];
            p.write('%');
            p.write(cl);
            s.write(memberOf(cl));
        } else if (k < 75) {
            // an escaped non-alphanumeric is that byte; an escaped other letter is that letter in Lua 5.4
            byte c = r.nextBoolean() ? SPECIALS[r.nextInt(SPECIALS.length)] : (byte) r.nextInt(256);
            p.write('%');
            p.write(c);
            s.write(c);
        } else {
            set(p, s);
        }
    }

    private void set(ByteArrayOutputStream p, ByteArrayOutputStream s) {
        p.write('[');
        boolean negated = r.nextInt(4) == 0;
        if (negated) {
            p.write('^');
        }
        if (r.nextInt(8) == 0) {
            p.write(']'); // a ']' first in a set is a member
            if (!negated) {
                s.write(']');
            }
        }
        boolean sampled = false;
        for (int n = r.nextInt(4); n >= 0; n--) {
            int k = r.nextInt(10);
            if (k < 4) {
                byte c = SET_LITERALS[r.nextInt(SET_LITERALS.length)];
                if (c == ']' || c == '%') {
                    p.write('%');
                }
                p.write(c);
                if (!negated && !sampled) {
                    s.write(c);
                    sampled = true;
                }
            } else if (k < 7) {
                int a = r.nextInt(4) == 0 ? r.nextInt(256) : "a0A\000".charAt(r.nextInt(4));
                int b = r.nextInt(5) == 0 ? r.nextInt(256) : a + r.nextInt(10);
                b = Math.min(b, 255);
                if (a == ']' || a == '%') {
                    a = 'a';
                }
                p.write(a);
                p.write('-');
                p.write(b == ']' ? '[' : b);
                if (!negated && !sampled && a <= b) {
                    s.write(a + r.nextInt(b - a + 1));
                    sampled = true;
                }
            } else if (k < 9) {
                byte cl = CLASS_LETTERS[r.nextInt(CLASS_LETTERS.length)];
                p.write('%');
                p.write(cl);
                if (!negated && !sampled) {
                    s.write(memberOf(cl));
                    sampled = true;
                }
            } else {
                p.write('-');
            }
        }
        if (negated && !sampled) {
            s.write(randomByte());
        }
        if (r.nextInt(40) != 0) {
            p.write(']');
        }
    }

    private void malformedEnding(ByteArrayOutputStream p) {
        switch (r.nextInt(8)) {
            case 0 -> p.write('%');
            case 1 -> p.writeBytes("[a".getBytes());
            case 2 -> p.writeBytes("[^".getBytes());
            case 3 -> p.writeBytes("%b".getBytes());
            case 4 -> p.writeBytes("%bx".getBytes());
            case 5 -> p.writeBytes("%f".getBytes());
            case 6 -> p.writeBytes("(".getBytes());
            default -> p.writeBytes(")".getBytes());
        }
    }

    private byte[] subject(byte[] sample) {
        if (r.nextInt(8) == 0) {
            return longSubject(sample);
        }
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        int pieces = r.nextInt(4);
        for (int i = 0; i <= pieces; i++) {
            int k = r.nextInt(10);
            if (k < 4) {
                s.writeBytes(sample);
            } else if (k < 8) {
                for (int n = r.nextInt(6); n > 0; n--) {
                    s.write(ALPHABET[r.nextInt(ALPHABET.length)]);
                }
            } else {
                for (int n = r.nextInt(4); n > 0; n--) {
                    s.write(randomByte());
                }
            }
        }
        byte[] b = s.toByteArray();
        return b.length > 40 && sample.length <= 40 ? java.util.Arrays.copyOf(b, 40) : b;
    }

    /**
     * 60..700 bytes of noise with the sample at random places (often near the end): reaches the word-at-a-time
     * scans for a pattern's first bytes and their tails.
     */
    private byte[] longSubject(byte[] sample) {
        int n = 60 + r.nextInt(640);
        byte[] b = new byte[n];
        byte fill = ALPHABET[r.nextInt(ALPHABET.length)];
        for (int i = 0; i < n; i++) {
            b[i] = r.nextInt(3) == 0 ? ALPHABET[r.nextInt(ALPHABET.length)] : r.nextInt(20) == 0 ? randomByte() : fill;
        }
        for (int k = r.nextInt(3); k >= 0 && sample.length < n; k--) {
            int at = r.nextBoolean()
                    ? n - sample.length - r.nextInt(Math.min(17, n - sample.length + 1))
                    : r.nextInt(n - sample.length + 1);
            System.arraycopy(sample, 0, b, Math.max(0, at), sample.length);
        }
        return b;
    }

    private byte randomByte() {
        return switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> (byte) (128 + r.nextInt(128));
            default -> (byte) r.nextInt(256);
        };
    }

    /** A byte in class {@code cl} (C locale), or a random byte for complements. */
    private byte memberOf(byte cl) {
        String members = switch (cl) {
            case 'a' -> "azAZq";
            case 'c' -> "\000\t\n\037\177";
            case 'd' -> "0259";
            case 'g' -> "!a~0";
            case 'l' -> "azm";
            case 'p' -> "!/:@[`{~";
            case 's' -> " \t\n\013\f\r";
            case 'u' -> "AZM";
            case 'w' -> "a0Z_";
            case 'x' -> "09afAF";
            default -> null;
        };
        return members == null ? randomByte() : (byte) members.charAt(r.nextInt(members.length()));
    }

    private static boolean isSpecial(byte c) {
        for (byte x : SPECIALS) {
            if (x == c) {
                return true;
            }
        }
        return false;
    }
}
