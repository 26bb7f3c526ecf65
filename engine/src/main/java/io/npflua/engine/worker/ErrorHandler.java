package io.npflua.engine.worker;

import io.npflua.engine.rule.RuleOutcome;

/**
 * Where workers report what went wrong. Counting happens in the counters whether or not anything is reported;
 * reports of rule failures are rate-limited per rule and worker (at most one per {@link RuleChain#REPORT_INTERVAL_NS}),
 * so a handler may log each call. Implementations must not throw and must be thread-safe (all workers call it).
 */
public interface ErrorHandler {
    /** A rule failed on a frame ({@code kind} is one of the error outcomes); {@code suppressed} reports were skipped. */
    void onRuleError(int worker, String rule, RuleOutcome kind, String message, long suppressed);

    /**
     * A sink, forwarder or source threw, or a worker crashed ({@code restarting} says whether it comes back).
     * {@code worker} is -1 for engine-level problems (a chain swap that timed out, the control socket).
     */
    void onWorkerError(int worker, String what, Throwable cause, boolean restarting);

    /** Writes every report to standard error, one line each. */
    ErrorHandler STDERR = new ErrorHandler() {
        @Override
        public void onRuleError(int worker, String rule, RuleOutcome kind, String message, long suppressed) {
            System.err.println("npflua: worker " + worker + ": rule '" + rule + "' " + kind.name().toLowerCase()
                    + ": " + message + (suppressed > 0 ? " (" + suppressed + " similar reports suppressed)" : ""));
        }

        @Override
        public void onWorkerError(int worker, String what, Throwable cause, boolean restarting) {
            System.err.println("npflua: worker " + worker + ": " + what + ": " + cause
                    + (restarting ? " (restarting the worker)" : ""));
        }
    };
}
