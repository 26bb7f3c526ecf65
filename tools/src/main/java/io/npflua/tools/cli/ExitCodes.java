package io.npflua.tools.cli;

/**
 * The exit codes of every {@code npflua} command, declared once. Scripts can rely on them:
 * <ul>
 *   <li>{@link #OK} 0: done as asked (for {@code check}: every script is fine);</li>
 *   <li>{@link #FAILURE} 1: the command ran but failed (a script rejected, a file unreadable, the engine refused);</li>
 *   <li>{@link #USAGE} 2: the command line is wrong (unknown option, missing argument, bad value);</li>
 *   <li>{@link #NEEDS_ROOT} 3: the command needs privileges this user lacks (root, or {@code CAP_NET_RAW} /
 *       {@code CAP_NET_ADMIN}), or the control socket refused this user;</li>
 *   <li>{@link #INPUT_DAMAGED} 4: a capture file given to {@code replay} is damaged (a corrupt record, or a last
 *       record cut short: tcpdump's "truncated dump file"); the records before the damage were processed, counted
 *       and written to the outputs, nothing after it.</li>
 * </ul>
 * An engine stopped by SIGINT or SIGTERM exits with the shell's usual 128 + signal number.
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** The command failed. */
    public static final int FAILURE = 1;
    /** The command line is wrong. */
    public static final int USAGE = 2;
    /** Not allowed for this user. */
    public static final int NEEDS_ROOT = 3;
    /** A capture file was damaged; what came before the damage was processed. */
    public static final int INPUT_DAMAGED = 4;

    private ExitCodes() {}
}
