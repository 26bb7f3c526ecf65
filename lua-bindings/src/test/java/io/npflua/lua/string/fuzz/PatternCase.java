package io.npflua.lua.string.fuzz;

/**
 * One pattern-engine case: a library call over a subject and a pattern, rendered as one line of Lua for
 * pattern-driver.lua ({@code F} find, {@code M} match, {@code G} gmatch collected, {@code S} gsub with replacement
 * {@code R[repl]}). Strings are rendered as ASCII literals with decimal escapes, so a case file is plain text.
 *
 * @param op      'F', 'f' (find plain), 'M', 'G' or 'S'
 * @param subject the subject bytes
 * @param pattern the pattern bytes
 * @param init    the init argument, or null for none
 * @param repl    gsub's replacement index into the driver's table R (1-based)
 * @param max     gsub's maximum number of replacements, or null for none
 * @param sliced  subject and pattern are passed as slices of longer strings ({@code W(...)} in the driver), which
 *                LuaJ shares with a non-zero offset into the longer string's bytes
 */
record PatternCase(char op, byte[] subject, byte[] pattern, Integer init, int repl, Integer max, boolean sliced) {
    /** Number of replacement values in pattern-driver.lua's table R. */
    static final int REPLACEMENTS = 24;

    /** The case as one line of Lua for the driver. */
    String toLua() {
        StringBuilder b = new StringBuilder(32 + 4 * (subject.length + pattern.length));
        String s = sliced ? "W(" + literal(subject) + ")" : literal(subject);
        String p = sliced ? "W(" + literal(pattern) + ")" : literal(pattern);
        String i = init == null ? "nil" : init.toString();
        switch (op) {
            case 'F' ->
                b.append("F(")
                        .append(s)
                        .append(',')
                        .append(p)
                        .append(',')
                        .append(i)
                        .append(')');
            case 'f' ->
                b.append("F(")
                        .append(s)
                        .append(',')
                        .append(p)
                        .append(',')
                        .append(i)
                        .append(",true)");
            case 'M' ->
                b.append("M(")
                        .append(s)
                        .append(',')
                        .append(p)
                        .append(',')
                        .append(i)
                        .append(')');
            case 'G' ->
                b.append("G(")
                        .append(s)
                        .append(',')
                        .append(p)
                        .append(',')
                        .append(i)
                        .append(')');
            case 'S' ->
                b.append("S(")
                        .append(s)
                        .append(',')
                        .append(p)
                        .append(',')
                        .append(repl)
                        .append(',')
                        .append(max == null ? "nil" : max.toString())
                        .append(')');
            default -> throw new IllegalStateException("unknown op " + op);
        }
        return b.toString();
    }

    PatternCase withSubject(byte[] s) {
        return new PatternCase(op, s, pattern, init, repl, max, sliced);
    }

    PatternCase withPattern(byte[] p) {
        return new PatternCase(op, subject, p, init, repl, max, sliced);
    }

    /** A Lua string literal of {@code bytes}: printable ASCII as is, anything else as a 3-digit decimal escape. */
    static String literal(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length + 2).append('"');
        for (byte x : bytes) {
            int c = x & 0xff;
            if (c >= 32 && c < 127 && c != '"' && c != '\\') {
                b.append((char) c);
            } else {
                b.append('\\')
                        .append((char) ('0' + c / 100))
                        .append((char) ('0' + c / 10 % 10))
                        .append((char) ('0' + c % 10));
            }
        }
        return b.append('"').toString();
    }
}
