package io.npflua.engine.agent;

import io.npflua.engine.source.SourceFailedException;
import io.npflua.lua.sandbox.CallOutcome;

/**
 * Where workers report what went wrong. Counting happens in the counters whether or not anything is reported;
 * reports of rule failures are rate-limited per rule and worker (at most one a second, see {@code RuleChain}),
 * so a handler may log each call. Implementations must not throw and must be thread-safe (all workers call it).
 */
public interface ErrorHandler {
    /** A rule failed on a frame ({@code kind} is one of the error outcomes); {@code suppressed} reports were skipped. */
    void onRuleError(int worker, String rule, CallOutcome kind, String message, long suppressed);

    /**
     * A sink, forwarder or source threw, or a worker crashed ({@code restarting} says whether it comes back).
     * {@code worker} is -1 for engine-level problems (a chain swap that timed out, the control socket). A worker
     * reports a crash once per cause: later deaths with the same cause are only counted, and when it gives up after
     * them {@code cause} is null (it was reported already).
     */
    void onWorkerError(int worker, String what, Throwable cause, boolean restarting);

    /**
     * A source's input failed for good (a capture file corrupt or cut short, a read that failed): not a bug and not
     * a crash; the worker has stopped polling that source. Each worker reports each failed source once. Default:
     * {@link #onWorkerError} with {@code restarting} false.
     */
    default void onSourceError(int worker, String source, SourceFailedException error) {
        onWorkerError(worker, "source " + source + " failed", error, false);
    }

    /**
     * The one line that reports {@link #onWorkerError}: {@code npflua: worker 0: worker thread died: CAUSE (restarting
     * the worker)}; an engine-level report ({@code worker} -1: the event log writer, the control socket) names no
     * worker.
     */
    static String workerErrorLine(int worker, String what, Throwable cause, boolean restarting) {
        return "npflua: " + (worker >= 0 ? "worker " + worker + ": " : "") + what + (cause == null ? "" : ": " + cause)
                + (restarting ? (worker >= 0 ? " (restarting the worker)" : " (restarting it)") : "");
    }

    /** Writes every report to standard error, one line each. */
    ErrorHandler STDERR = new ErrorHandler() {
        @Override
        public void onRuleError(int worker, String rule, CallOutcome kind, String message, long suppressed) {
            System.err.println("npflua: worker " + worker + ": rule '" + rule + "' "
                    + kind.name().toLowerCase() + ": " + message
                    + (suppressed > 0 ? " (" + suppressed + " similar reports suppressed)" : ""));
        }

        @Override
        public void onWorkerError(int worker, String what, Throwable cause, boolean restarting) {
            System.err.println(workerErrorLine(worker, what, cause, restarting));
        }

        @Override
        public void onSourceError(int worker, String source, SourceFailedException error) {
            System.err.println("npflua: worker " + worker + ": " + error.getMessage());
        }
    };
}
