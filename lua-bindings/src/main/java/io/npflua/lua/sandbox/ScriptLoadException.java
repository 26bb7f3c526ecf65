package io.npflua.lua.sandbox;

/**
 * A script could not be loaded: it does not compile, its top-level chunk failed, or it lacks its entry function.
 *
 * <p>Besides the message (the whole text, naming the script), it carries the parts a tool needs to point at the
 * source: the script's name, the line ({@code 0} when the failure has none, e.g. a missing entry function) and the
 * detail without the position and the script prefix, so that a caller writes {@code file:line: detail} from fields
 * instead of taking the message apart.
 */
public final class ScriptLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String script;
    private final int line;
    private final String detail;

    /** A failure without a source position: the detail is the whole message. */
    public ScriptLoadException(String script, String message, Throwable cause) {
        this(script, 0, message, message, cause);
    }

    /**
     * A failure at {@code line} of the script (0 = none).
     *
     * @param detail what went wrong, without the position and the script prefix
     * @param message the whole text to show
     */
    public ScriptLoadException(String script, int line, String detail, String message, Throwable cause) {
        super(message, cause);
        this.script = script;
        this.line = line;
        this.detail = detail;
    }

    /** The script's name (its chunk name). */
    public String script() {
        return script;
    }

    /** The line the failure points at, or 0 when it has none. */
    public int line() {
        return line;
    }

    /** What went wrong, without the position and the {@code script 'x' ...:} prefix. */
    public String detail() {
        return detail;
    }

    /**
     * Splits a Lua error text that starts with a position in chunk {@code chunk} ({@code chunk:LINE: text}, or
     * {@code chunk:LINE text} as LuaJ's interpreter writes some runtime errors, with an optional {@code @}) into the
     * line and the rest. Called once, where the sandbox receives LuaJ's text; callers read the fields.
     *
     * @return the line and the rest: line 0 and the whole text when it does not start with such a position
     */
    static Position position(String text, String chunk) {
        int at = text.startsWith("@") ? 1 : 0;
        if (!text.startsWith(chunk + ":", at)) {
            return new Position(0, text);
        }
        int i = at + chunk.length() + 1;
        int start = i;
        long line = 0;
        while (i < text.length() && i - start < 9 && Character.isDigit(text.charAt(i))) {
            line = line * 10 + (text.charAt(i++) - '0');
        }
        if (i == start || (i < text.length() && text.charAt(i) != ':' && !Character.isWhitespace(text.charAt(i)))) {
            return new Position(0, text);
        }
        String rest = i < text.length() && text.charAt(i) == ':' ? text.substring(i + 1) : text.substring(i);
        return new Position((int) line, rest.strip());
    }

    /** A line in a chunk (0 = none) and the text after the position. */
    record Position(int line, String rest) {}
}
