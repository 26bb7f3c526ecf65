package io.npflua.lua.vm.fuzz;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Shared conventions of the differential test: how a generated program is completed for the sandbox and how a
 * runner's raw result becomes the comparable output text.
 *
 * <p>The output of a run is the printed lines, each followed by a newline, then {@code ok} when the chunk returned
 * or {@code error: <message>} when it raised an uncaught error. The message has any leading {@code chunk:line: }
 * position removed (chunk names differ between a temp file and the sandbox), and an error value that is not a
 * string reads {@code (error object is a <type> value)}, as both lua5.2 and the sandbox phrase it.
 */
public final class DifferentialHarness {
    /**
     * Appended to every program: the sandbox refuses a script without a global {@code filter} function. It is
     * never called; for lua5.2 it is harmless.
     */
    public static final String FILTER_SUFFIX = "\nfunction filter(pkt) return true end\n";

    /** A position prefix of an error message: {@code name:12: } (LuaJ writes {@code name:12 }, without the colon). */
    private static final Pattern POSITION = Pattern.compile("^\\S*?:\\d+:? ");

    private DifferentialHarness() {}

    /** {@code program} as it is handed to a runner: with the {@link #FILTER_SUFFIX}. */
    public static String complete(String program) {
        return program + FILTER_SUFFIX;
    }

    /** The output text for {@code lines} printed and then a normal return. */
    public static String okOutput(List<String> lines) {
        return join(lines) + "ok";
    }

    /** The output text for {@code lines} printed and then an uncaught error with raw message {@code message}. */
    public static String errorOutput(List<String> lines, String message) {
        return join(lines) + "error: " + stripPosition(message);
    }

    /** {@code message} without a leading {@code chunk:line: } position. */
    public static String stripPosition(String message) {
        return POSITION.matcher(message.strip()).replaceFirst("");
    }

    private static String join(List<String> lines) {
        StringBuilder b = new StringBuilder();
        for (String line : lines) {
            b.append(line).append('\n');
        }
        return b.toString();
    }

    /** Runs {@code program} (completed with the filter suffix) through {@code runner}. */
    public static String run(LuaRunner runner, String name, String program) {
        return runner.run(name, complete(program));
    }
}
