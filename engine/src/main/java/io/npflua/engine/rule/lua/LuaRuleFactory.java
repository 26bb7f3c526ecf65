package io.npflua.engine.rule.lua;

import io.npflua.engine.rule.PreparedRule;
import io.npflua.engine.rule.Rule;
import io.npflua.engine.rule.RuleFactory;
import io.npflua.engine.rule.RuleRejectedException;
import io.npflua.engine.rule.ScriptLimits;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.source.Frame;
import io.npflua.lua.compiler.LuaCompiler;
import io.npflua.lua.data.PacketData;
import io.npflua.lua.sandbox.AlertSink;
import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.ExecutionModel;
import io.npflua.lua.sandbox.ModuleRegistry;
import io.npflua.lua.sandbox.PrintSink;
import io.npflua.lua.sandbox.SandboxLimits;
import io.npflua.lua.sandbox.ScriptErrorListener;
import io.npflua.lua.sandbox.ScriptLoadException;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;
import io.npflua.lua.shared.SharedModule;
import io.npflua.lua.shared.SharedTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import org.luaj.vm2.LuaString;

/**
 * Turns Lua scripts into rules through the sandbox ({@link ScriptState}): {@link #prepare} loads the script once in a
 * scratch state (compile, top-level chunk under the load budget, entry function present) and throws
 * {@link RuleRejectedException} with the sandbox's message otherwise; each {@link PreparedRule#newInstance(int)} loads
 * a fresh isolated state for one worker, with one reusable {@link PacketData}.
 *
 * <p>Errors are reported by the engine (its {@code ErrorHandler}, throttled per rule), so the states get a listener
 * that ignores them; {@code print} goes to the given sink.
 */
public final class LuaRuleFactory implements RuleFactory {
    private final PrintSink printSink;
    private final ModuleRegistry modules;
    private final ExecutionModel execution;
    private final long callTimeLimitNanos;
    private final long callAllocationLimitBytes;
    private final long stateMemoryLimitBytes;
    /** Per (worker, rule name): where that instance's {@code alert} goes. */
    private BiFunction<Integer, String, AlertSink> alerts = (worker, rule) -> AlertSink.NONE;

    /** Scripts print to standard error and see the standard modules ({@code data}, {@code shared}). */
    public LuaRuleFactory() {
        this(PrintSink.STDERR, ModuleRegistry.standard());
    }

    /** Scripts print to {@code printSink} and can require the modules of {@code modules}. */
    public LuaRuleFactory(PrintSink printSink, ModuleRegistry modules) {
        this(printSink, modules, ExecutionModel.defaultModel());
    }

    /**
     * As {@link #LuaRuleFactory(PrintSink, ModuleRegistry)}, with scripts that name no execution model run as
     * {@code execution} says.
     */
    public LuaRuleFactory(PrintSink printSink, ModuleRegistry modules, ExecutionModel execution) {
        this(
                printSink,
                modules,
                execution,
                SandboxLimits.DEFAULT_CALL_TIME_LIMIT_NANOS,
                SandboxLimits.DEFAULT_CALL_ALLOCATION_LIMIT_BYTES,
                SandboxLimits.DEFAULT_STATE_MEMORY_LIMIT_BYTES);
    }

    private LuaRuleFactory(
            PrintSink printSink,
            ModuleRegistry modules,
            ExecutionModel execution,
            long callTimeLimitNanos,
            long callAllocationLimitBytes,
            long stateMemoryLimitBytes) {
        this.printSink = Objects.requireNonNull(printSink);
        this.modules = Objects.requireNonNull(modules);
        this.execution = Objects.requireNonNull(execution);
        this.callTimeLimitNanos = callTimeLimitNanos;
        this.callAllocationLimitBytes = callAllocationLimitBytes;
        this.stateMemoryLimitBytes = stateMemoryLimitBytes;
    }

    /** This factory with scripts run as {@code model} says unless they name a model themselves. */
    public LuaRuleFactory withExecution(ExecutionModel model) {
        return keepAlerts(new LuaRuleFactory(
                printSink, modules, model, callTimeLimitNanos, callAllocationLimitBytes, stateMemoryLimitBytes));
    }

    /**
     * This factory with every call limited to {@code timeNanos} of wall-clock time and {@code allocationBytes} of
     * heap (0 = no limit; defaults {@link SandboxLimits#DEFAULT_CALL_TIME_LIMIT_NANOS} and
     * {@link SandboxLimits#DEFAULT_CALL_ALLOCATION_LIMIT_BYTES}).
     */
    public LuaRuleFactory withCallLimits(long timeNanos, long allocationBytes) {
        if (timeNanos < 0 || allocationBytes < 0) {
            throw new IllegalArgumentException("call limits must be >= 0 (0 = none)");
        }
        return keepAlerts(
                new LuaRuleFactory(printSink, modules, execution, timeNanos, allocationBytes, stateMemoryLimitBytes));
    }

    /**
     * This factory with each script state limited to {@code bytes} of what it keeps across calls (0 = no limit;
     * default {@link SandboxLimits#DEFAULT_STATE_MEMORY_LIMIT_BYTES}): a state over it is reset, and the call that
     * found it counts as a Lua error (see {@code ScriptState.call}).
     */
    public LuaRuleFactory withStateMemoryLimit(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("the state memory limit must be >= 0 (0 = none)");
        }
        return keepAlerts(
                new LuaRuleFactory(printSink, modules, execution, callTimeLimitNanos, callAllocationLimitBytes, bytes));
    }

    private LuaRuleFactory keepAlerts(LuaRuleFactory f) {
        f.alerts = alerts;
        return f;
    }

    /**
     * This factory with each instance's {@code alert} going to {@code perWorkerAndRule.apply(worker, ruleName)}
     * (scratch states at load time keep {@link AlertSink#NONE}; the warm-up's factory is given one of its own).
     */
    public LuaRuleFactory withAlerts(BiFunction<Integer, String, AlertSink> perWorkerAndRule) {
        LuaRuleFactory f = new LuaRuleFactory(
                printSink, modules, execution, callTimeLimitNanos, callAllocationLimitBytes, stateMemoryLimitBytes);
        f.alerts = Objects.requireNonNull(perWorkerAndRule);
        return f;
    }

    /**
     * Throwaway states for the JIT warm-up: {@code print} goes nowhere and {@code shared} is a private registry of
     * the warm-up (the other modules are the same loaders as here), so a warm-up leaves no table, entry or line
     * behind. Its tables run on the JVM-wide registry's clock object (the one a live run's tables call); a replay's
     * tables run on the capture's clock, which stands still until the real run, so the warm-up keeps a moving one.
     */
    @Override
    public RuleFactory warmupFactory() {
        return withShared(new SharedTables(SharedTables.SYSTEM_CLOCK), (scriptName, line) -> {});
    }

    /**
     * This factory with the {@code shared} module's tables private to it and their TTLs on {@code clockNs} (a
     * replay gives the capture's clock, so that a window of 10 s is 10 s of the capture).
     */
    public LuaRuleFactory withSharedClock(LongSupplier clockNs) {
        return withShared(new SharedTables(clockNs), printSink);
    }

    /** The same modules except {@code shared}, which serves {@code tables}; {@code print} goes to {@code sink}. */
    private LuaRuleFactory withShared(SharedTables tables, PrintSink sink) {
        ModuleRegistry isolated = new ModuleRegistry();
        for (String name : modules.names()) {
            isolated.register(name, name.equals(SharedModule.NAME) ? new SharedModule(tables) : modules.find(name));
        }
        return new LuaRuleFactory(
                sink, isolated, execution, callTimeLimitNanos, callAllocationLimitBytes, stateMemoryLimitBytes);
    }

    @Override
    public PreparedRule prepare(ScriptSpec spec) throws RuleRejectedException {
        ScriptOptions options = options(spec);
        ScriptState scratch = load(options);
        List<String> notes = notes(scratch);
        scratch.close();
        return new PreparedRule() {
            @Override
            public Rule newInstance(int worker) throws RuleRejectedException {
                return new LuaRule(load(options.withAlertSink(alerts.apply(worker, spec.name()))));
            }

            @Override
            public List<String> notes() {
                return notes;
            }
        };
    }

    /** How the script's functions run: one line per function that the compiler left to the interpreter. */
    private static List<String> notes(ScriptState state) {
        List<String> notes = new ArrayList<>();
        int compiled = 0;
        for (LuaCompiler.FunctionReport f : state.functions()) {
            if (f.compiled()) {
                compiled++;
            } else {
                notes.add(f.function() + " runs in the interpreter: " + f.reason());
            }
        }
        notes.add(
                0,
                compiled + " of " + state.functions().size() + " function"
                        + (state.functions().size() == 1 ? "" : "s") + " compiled to JVM bytecode");
        return List.copyOf(notes);
    }

    private ScriptOptions options(ScriptSpec spec) {
        String chunk = spec.name().endsWith(".lua") ? spec.name() : spec.name() + ".lua";
        long budget = spec.maxInstructions() > 0 ? spec.maxInstructions() : SandboxLimits.DEFAULT_CALL_BUDGET;
        ScriptLimits own = spec.limits();
        return ScriptOptions.of(chunk, spec.source())
                .withEntry(spec.entry())
                .withCallBudget(budget)
                .withPrintSink(printSink)
                .withErrorListener(ScriptErrorListener.IGNORE)
                .withModules(modules)
                .withExecutionModel(spec.execution() != null ? spec.execution() : execution)
                .withCallTimeLimitNanos(own.callMillis() != null ? own.callMillis() * 1_000_000 : callTimeLimitNanos)
                .withCallAllocationLimitBytes(
                        own.callMegabytes() != null ? own.callMegabytes() << 20 : callAllocationLimitBytes)
                .withStateMemoryLimitBytes(
                        own.stateMegabytes() != null ? own.stateMegabytes() << 20 : stateMemoryLimitBytes);
    }

    private static ScriptState load(ScriptOptions options) throws RuleRejectedException {
        try {
            return ScriptState.load(options);
        } catch (ScriptLoadException e) {
            throw new RuleRejectedException(e.line(), e.detail(), e.getMessage(), e);
        }
    }

    /**
     * The sandbox's outcome as the engine counts it: a Java exception escaping a library function is a failure of
     * the script's call, counted with the Lua errors ({@code JAVA_EXCEPTION} in the engine is a Java handler's).
     */
    static CallOutcome outcome(CallOutcome o) {
        return o == CallOutcome.JAVA_EXCEPTION ? CallOutcome.LUA_ERROR : o;
    }

    /** One worker's state of one script. Used by that worker's thread only; closed on the control thread. */
    static final class LuaRule implements Rule {
        private final ScriptState state;
        private final PacketData pkt = new PacketData();
        private final FrameContext context = new FrameContext();

        LuaRule(ScriptState state) {
            this.state = state;
            pkt.context(context);
            state.keep(context.flowVars());
        }

        /**
         * Binds the packet object to the frame (writable on an inline bridge only), calls the entry function under
         * this thread's instruction budget (armed by {@link ScriptState#call}), and releases the object (and the flow
         * object, if the script asked for it) before the frame goes back to the kernel. Allocates nothing of its own.
         */
        @Override
        public CallOutcome evaluate(Frame frame) {
            context.frame(frame);
            pkt.bind(frame.segment(), frame.offset(), frame.capturedLength(), frame.writable());
            try {
                return outcome(state.call(pkt));
            } finally {
                pkt.release();
                context.release();
            }
        }

        @Override
        public void onFlowEnd(int entry) {
            context.onFlowEnd(entry);
        }

        @Override
        public LuaString reason() {
            return state.reason();
        }

        @Override
        public String lastError() {
            return state.lastError();
        }

        @Override
        public void close() {
            state.close();
        }
    }
}
