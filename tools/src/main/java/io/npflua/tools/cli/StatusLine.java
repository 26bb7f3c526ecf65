package io.npflua.tools.cli;

import io.npflua.engine.counter.EngineSnapshot;
import java.io.Console;
import java.io.PrintWriter;

/**
 * The live line {@code run} shows on a terminal, rewritten in place once a second with {@code \r}:
 * {@code 12345 frames/s  passed 1.2M  blocked 42  errors 0  kernel drops 0}.
 */
final class StatusLine {
    private final PrintWriter out;
    private long lastFrames;
    private long lastNs;
    private boolean shown;

    /** A status line written to {@code out}. */
    StatusLine(PrintWriter out) {
        this.out = out;
    }

    /** Whether standard input/output is an interactive terminal (JDK 22+: {@link Console#isTerminal()}). */
    static boolean onTerminal() {
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** Rewrites the line from {@code s} taken at {@code nowNs}. */
    void update(EngineSnapshot s, long nowNs) {
        out.print("\r" + text(s, nowNs) + "\u001b[K");
        out.flush();
        shown = true;
    }

    /** The line's text; frames/s is the rate since the previous call. */
    String text(EngineSnapshot s, long nowNs) {
        long frames = s.frames();
        long rate = lastNs == 0 || nowNs <= lastNs ? 0 : (frames - lastFrames) * 1_000_000_000L / (nowNs - lastNs);
        lastFrames = frames;
        lastNs = nowNs;
        return rate + " frames/s  passed " + compact(s.passed()) + "  blocked " + compact(s.blocked()) + "  errors "
                + compact(s.errors()) + "  kernel drops " + compact(s.kernelDrops());
    }

    /** Ends the line so that what follows starts on a fresh one. */
    void end() {
        if (shown) {
            out.println();
            out.flush();
        }
    }

    /** {@code 999}, {@code 12.3k}, {@code 4.56M}, {@code 7.89G}. */
    static String compact(long n) {
        if (n < 10_000) {
            return Long.toString(n);
        }
        if (n < 1_000_000) {
            return String.format("%.1fk", n / 1e3);
        }
        if (n < 1_000_000_000) {
            return String.format("%.2fM", n / 1e6);
        }
        return String.format("%.2fG", n / 1e9);
    }
}
