package io.npflua.tools.cli;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.source.SourceFailedException;
import io.npflua.lua.sandbox.CallOutcome;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's reports for one command: rule and worker errors as one line each on the command's standard error,
 * worded as {@link ErrorHandler#STDERR} words them; source failures (a damaged capture file) are kept instead, once
 * per distinct failure however many workers met it, for the command to report after its counters and to turn into
 * its exit code. Thread-safe (every worker reports here).
 */
final class EngineReports implements ErrorHandler {
    private final PrintWriter err;
    private final Map<String, SourceFailedException> sourceFailures = new LinkedHashMap<>();

    EngineReports(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void onRuleError(int worker, String rule, CallOutcome kind, String message, long suppressed) {
        err.println("npflua: worker " + worker + ": rule '" + rule + "' "
                + kind.name().toLowerCase() + ": " + message
                + (suppressed > 0 ? " (" + suppressed + " similar reports suppressed)" : ""));
        err.flush();
    }

    @Override
    public void onWorkerError(int worker, String what, Throwable cause, boolean restarting) {
        err.println(ErrorHandler.workerErrorLine(worker, what, cause, restarting));
        err.flush();
    }

    @Override
    public void onSourceError(int worker, String source, SourceFailedException error) {
        synchronized (sourceFailures) {
            // Each worker reads the whole file (taking its share of the flows), so each meets the same damage.
            sourceFailures.putIfAbsent(error.getMessage(), error);
        }
    }

    /** The distinct source failures so far, in the order they were first reported. */
    List<SourceFailedException> sourceFailures() {
        synchronized (sourceFailures) {
            return new ArrayList<>(sourceFailures.values());
        }
    }

    /**
     * Prints one line per source failure, {@code npflua: damaged capture FILE: FILE: byte offset N: ...; what to do},
     * and returns {@link ExitCodes#INPUT_DAMAGED}, or {@link ExitCodes#OK} when no source failed.
     */
    int reportSourceFailures() {
        List<SourceFailedException> failures = sourceFailures();
        for (SourceFailedException f : failures) {
            err.println(new CliFailure(
                            "damaged capture " + f.input(),
                            f.getMessage(),
                            "the records before "
                                    + (f.offset() >= 0 ? "byte offset " + f.offset() : "it")
                                    + " went through the scripts and are counted above; none after it was read")
                    .line());
        }
        err.flush();
        return failures.isEmpty() ? ExitCodes.OK : ExitCodes.INPUT_DAMAGED;
    }
}
