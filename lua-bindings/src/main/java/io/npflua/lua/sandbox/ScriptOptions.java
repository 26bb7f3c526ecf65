package io.npflua.lua.sandbox;

import java.util.Objects;

/**
 * How to create a {@link ScriptState}: an immutable value with {@code with*} copies.
 * <pre>{@code
 * ScriptOptions opts = ScriptOptions.of("ssh.lua", source)
 *         .withEntry("filter")
 *         .withCallBudget(1_000_000)
 *         .withPrintSink((script, line) -> log.info(script + ": " + line));
 * }</pre>
 *
 * @param name          the script's name: chunk name in error messages ({@code ssh.lua:12: ...}) and print prefix
 * @param source        Lua source text (compiled from its UTF-8 bytes; binary chunks are refused)
 * @param entry         the global function called per frame (default {@code filter})
 * @param callBudget    VM instructions (plus library steps) allowed per call, &gt; 0
 *                      (default {@link SandboxLimits#DEFAULT_CALL_BUDGET})
 * @param loadBudget    instructions allowed to the top-level chunk at load time, &gt; 0
 *                      (default {@link SandboxLimits#DEFAULT_LOAD_BUDGET})
 * @param maxCallDepth  nested Lua calls allowed (default {@link SandboxLimits#DEFAULT_MAX_CALL_DEPTH})
 * @param printSink     where {@code print} writes (default {@link PrintSink#STDERR})
 * @param errorListener told about every failed call (default: {@link ScriptErrorListener#STDERR}, at most one
 *                      report per script and second, see {@link ThrottledErrorListener})
 * @param modules       modules {@code require} can return (default {@link ModuleRegistry#standard()})
 * @param executionModel compiled to JVM bytecode or interpreted (default {@link ExecutionModel#defaultModel()})
 * @param callTimeLimitNanos   wall-clock time one call may take, 0 = none
 *                             (default {@link SandboxLimits#DEFAULT_CALL_TIME_LIMIT_NANOS})
 * @param callAllocationLimitBytes heap one call may allocate, 0 = none
 *                             (default {@link SandboxLimits#DEFAULT_CALL_ALLOCATION_LIMIT_BYTES})
 * @param stateMemoryLimitBytes what the state may keep across calls (reachable from its globals), 0 = none
 *                             (default {@link SandboxLimits#DEFAULT_STATE_MEMORY_LIMIT_BYTES}); see
 *                             {@link ScriptState#call}
 * @param alertSink     where {@code alert(message, fields)} goes (default {@link AlertSink#NONE}: nowhere)
 */
public record ScriptOptions(
        String name,
        String source,
        String entry,
        long callBudget,
        long loadBudget,
        int maxCallDepth,
        PrintSink printSink,
        ScriptErrorListener errorListener,
        ModuleRegistry modules,
        ExecutionModel executionModel,
        long callTimeLimitNanos,
        long callAllocationLimitBytes,
        long stateMemoryLimitBytes,
        AlertSink alertSink) {
    /** The default entry function name. */
    public static final String DEFAULT_ENTRY = "filter";

    private static final ScriptErrorListener DEFAULT_ERROR_LISTENER =
            new ThrottledErrorListener(ScriptErrorListener.STDERR, 1_000_000_000L, System::nanoTime);

    public ScriptOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(printSink, "printSink");
        Objects.requireNonNull(alertSink, "alertSink");
        Objects.requireNonNull(errorListener, "errorListener");
        Objects.requireNonNull(modules, "modules");
        Objects.requireNonNull(executionModel, "executionModel");
        if (callBudget <= 0 || loadBudget <= 0) {
            throw new IllegalArgumentException("instruction budgets must be positive (got call=" + callBudget
                    + ", load=" + loadBudget + "); an unlimited budget is not offered");
        }
        if (callTimeLimitNanos < 0 || callAllocationLimitBytes < 0 || stateMemoryLimitBytes < 0) {
            throw new IllegalArgumentException("time, allocation and memory limits must be >= 0 (0 = none), got "
                    + callTimeLimitNanos + " ns, " + callAllocationLimitBytes + " and " + stateMemoryLimitBytes
                    + " bytes");
        }
        if (maxCallDepth < 1) {
            throw new IllegalArgumentException("maxCallDepth must be at least 1, got " + maxCallDepth);
        }
    }

    /** Options with every default. */
    public static ScriptOptions of(String name, String source) {
        return new ScriptOptions(
                name,
                source,
                DEFAULT_ENTRY,
                SandboxLimits.DEFAULT_CALL_BUDGET,
                SandboxLimits.DEFAULT_LOAD_BUDGET,
                SandboxLimits.DEFAULT_MAX_CALL_DEPTH,
                PrintSink.STDERR,
                DEFAULT_ERROR_LISTENER,
                ModuleRegistry.standard(),
                ExecutionModel.defaultModel(),
                SandboxLimits.DEFAULT_CALL_TIME_LIMIT_NANOS,
                SandboxLimits.DEFAULT_CALL_ALLOCATION_LIMIT_BYTES,
                SandboxLimits.DEFAULT_STATE_MEMORY_LIMIT_BYTES,
                AlertSink.NONE);
    }

    public ScriptOptions withEntry(String entry) {
        return new ScriptOptions(
                name,
                source,
                entry,
                callBudget,
                loadBudget,
                maxCallDepth,
                printSink,
                errorListener,
                modules,
                executionModel,
                callTimeLimitNanos,
                callAllocationLimitBytes,
                stateMemoryLimitBytes,
                alertSink);
    }

    public ScriptOptions withCallBudget(long callBudget) {
        return new ScriptOptions(
                name,
                source,
                entry,
                callBudget,
                loadBudget,
                maxCallDepth,
                printSink,
                errorListener,
                modules,
                executionModel,
                callTimeLimitNanos,
                callAllocationLimitBytes,
                stateMemoryLimitBytes,
                alertSink);
    }

    public ScriptOptions withLoadBudget(long loadBudget) {
        return new ScriptOptions(
                name,
                source,
                entry,
                callBudget,
                loadBudget,
                maxCallDepth,
                printSink,
                errorListener,
                modules,
                executionModel,
                callTimeLimitNanos,
                callAllocationLimitBytes,
                stateMemoryLimitBytes,
                alertSink);
    }

    public ScriptOptions withMaxCallDepth(int maxCallDepth) {
        return new ScriptOptions(
                name,
                source,
                entry,
                callBudget,
                loadBudget,
                maxCallDepth,
                printSink,
                errorListener,
                modules,
                executionModel,
                callTimeLimitNanos,
                callAllocationLimitBytes,
                stateMemoryLimitBytes,
                alertSink);
    }

    public ScriptOptions withPrintSink(PrintSink printSink) {
        return new ScriptOptions(
                name,
                source,
                entry,
                callBudget,
                loadBudget,
                maxCallDepth,
                printSink,
                errorListener,
                modules,
                executionModel,
                callTimeLimitNanos,
                callAllocationLimitBytes,
                stateMemoryLimitBytes,
                alertSink);
    }

    /** These options with {@code alert} going to {@code alertSink}. */
    public ScriptOptions withAlertSink(AlertSink alertSink) {
        return new ScriptOptions(
                name,
                source,
                entry,
                callBudget,
                loadBudget,
                maxCallDepth,
                printSink,
                errorListener,
                modules,
                executionModel,
                callTimeLimitNanos,
                callAllocationLimitBytes,
                stateMemoryLimitBytes,
                alertSink);
    }

    public ScriptOptions withErrorListener(ScriptErrorListener errorListener) {
        return new ScriptOptions(
                name,
                source,
                entry,
                callBudget,
                loadBudget,
                maxCallDepth,
                printSink,
                errorListener,
                modules,
                executionModel,
                callTimeLimitNanos,
                callAllocationLimitBytes,
                stateMemoryLimitBytes,
                alertSink);
    }

    public ScriptOptions withModules(ModuleRegistry modules) {
        return new ScriptOptions(
                name,
                source,
                entry,
                callBudget,
                loadBudget,
                maxCallDepth,
                printSink,
                errorListener,
                modules,
                executionModel,
                callTimeLimitNanos,
                callAllocationLimitBytes,
                stateMemoryLimitBytes,
                alertSink);
    }

    public ScriptOptions withExecutionModel(ExecutionModel executionModel) {
        return new ScriptOptions(
                name,
                source,
                entry,
                callBudget,
                loadBudget,
                maxCallDepth,
                printSink,
                errorListener,
                modules,
                executionModel,
                callTimeLimitNanos,
                callAllocationLimitBytes,
                stateMemoryLimitBytes,
                alertSink);
    }

    public ScriptOptions withCallTimeLimitNanos(long callTimeLimitNanos) {
        return new ScriptOptions(
                name,
                source,
                entry,
                callBudget,
                loadBudget,
                maxCallDepth,
                printSink,
                errorListener,
                modules,
                executionModel,
                callTimeLimitNanos,
                callAllocationLimitBytes,
                stateMemoryLimitBytes,
                alertSink);
    }

    public ScriptOptions withCallAllocationLimitBytes(long callAllocationLimitBytes) {
        return new ScriptOptions(
                name,
                source,
                entry,
                callBudget,
                loadBudget,
                maxCallDepth,
                printSink,
                errorListener,
                modules,
                executionModel,
                callTimeLimitNanos,
                callAllocationLimitBytes,
                stateMemoryLimitBytes,
                alertSink);
    }

    public ScriptOptions withStateMemoryLimitBytes(long stateMemoryLimitBytes) {
        return new ScriptOptions(
                name,
                source,
                entry,
                callBudget,
                loadBudget,
                maxCallDepth,
                printSink,
                errorListener,
                modules,
                executionModel,
                callTimeLimitNanos,
                callAllocationLimitBytes,
                stateMemoryLimitBytes,
                alertSink);
    }
}
