package io.npflua.lua.sandbox;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites LuaJ 3.0.1's compile errors into the reference Lua's wording. LuaJ's parser prints the offending token as
 * its int code and that code cast to a char ({@code unexpected symbol 262 (Ć)} for {@code end}), and quotes token
 * classes ({@code '<eos>' expected}); Lua says {@code unexpected symbol near 'end'} and {@code <eof> expected}.
 */
final class SyntaxMessages {
    // LuaJ 3.0.1 LexState: FIRST_RESERVED = 257, then luaX_tokens in this order (TK_AND .. TK_STRING = 257 .. 289);
    // read from the jar's constant pool with javap, not from LuaJ's later sources.
    private static final int FIRST_RESERVED = 257;
    private static final String[] TOKENS = {
        "and",
        "break",
        "do",
        "else",
        "elseif",
        "end",
        "false",
        "for",
        "function",
        "goto",
        "if",
        "in",
        "local",
        "nil",
        "not",
        "or",
        "repeat",
        "return",
        "then",
        "true",
        "until",
        "while",
        "..",
        "...",
        "==",
        ">=",
        "<=",
        "~=",
        "::",
        "<eof>",
        "<number>",
        "<name>",
        "<string>"
    };
    private static final Pattern UNEXPECTED = Pattern.compile("unexpected symbol (\\d+) \\(.\\)", Pattern.DOTALL);
    private static final Pattern QUOTED_CLASS = Pattern.compile("'<(eos|eof|name|number|string)>' expected");

    private SyntaxMessages() {}

    /** {@code message} with LuaJ's token codes and quoted token classes in Lua's words; other text unchanged. */
    static String luaWording(String message) {
        Matcher m = UNEXPECTED.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement("unexpected symbol near " + token(m.group(1))));
        }
        m.appendTail(out);
        Matcher q = QUOTED_CLASS.matcher(out);
        StringBuilder done = new StringBuilder();
        while (q.find()) {
            String cls = "eos".equals(q.group(1)) ? "eof" : q.group(1);
            q.appendReplacement(done, Matcher.quoteReplacement("<" + cls + "> expected"));
        }
        q.appendTail(done);
        return done.toString();
    }

    /** A token code as Lua quotes it: {@code 'end'}, {@code '='}, {@code <eof>}, {@code '<\1>'} for controls. */
    private static String token(String digits) {
        int code;
        try {
            code = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return digits;
        }
        if (code >= FIRST_RESERVED && code < FIRST_RESERVED + TOKENS.length) {
            String t = TOKENS[code - FIRST_RESERVED];
            // The token classes carry no text here (LuaJ does not pass it), so they stay unquoted like <eof>.
            return t.startsWith("<") ? t : "'" + t + "'";
        }
        if (code >= 0 && code < FIRST_RESERVED) {
            return Character.isISOControl(code) ? "'<\\" + code + ">'" : "'" + (char) code + "'";
        }
        return digits;
    }
}
