package io.npflua.tools.cli;

/**
 * A failure to report to the user as one line on standard error:
 * {@code npflua: <what failed>: <why>; <what to do>}, then exit with {@link #exitCode()}.
 */
public final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String what;
    private final String why;
    private final String todo;
    private final int exitCode;

    /** A failure ({@link ExitCodes#FAILURE}); {@code todo} may be null when there is nothing sensible to advise. */
    public CliFailure(String what, String why, String todo) {
        this(what, why, todo, ExitCodes.FAILURE, null);
    }

    /** A failure with its exit code and cause. */
    public CliFailure(String what, String why, String todo, int exitCode, Throwable cause) {
        super(what + ": " + why + (todo == null ? "" : "; " + todo), cause);
        this.what = what;
        this.why = why;
        this.todo = todo;
        this.exitCode = exitCode;
    }

    /** A usage error ({@link ExitCodes#USAGE}). */
    public static CliFailure usage(String what, String why, String todo) {
        return new CliFailure(what, why, todo, ExitCodes.USAGE, null);
    }

    /** What failed. */
    public String what() {
        return what;
    }

    /** Why it failed. */
    public String why() {
        return why;
    }

    /** What the user can do, or null. */
    public String todo() {
        return todo;
    }

    /** The process exit code. */
    public int exitCode() {
        return exitCode;
    }

    /** The line printed on standard error. */
    public String line() {
        return "npflua: " + getMessage();
    }
}
