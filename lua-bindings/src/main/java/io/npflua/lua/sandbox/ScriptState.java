package io.npflua.lua.sandbox;

import io.npflua.lua.compiler.CompiledFunction;
import io.npflua.lua.compiler.LuaCompiler;
import io.npflua.lua.core.BudgetExceededError;
import io.npflua.lua.core.InstructionBudget;
import io.npflua.lua.core.SizeLimitError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;

/**
 * One sandboxed Lua state running one script: created per (worker, script), called once per frame by the thread
 * that owns it, never shared between threads at the same time.
 *
 * <pre>{@code
 * ScriptState state = ScriptState.load(ScriptOptions.of("ssh.lua", source));   // throws ScriptLoadException
 * CallOutcome outcome = state.call(pkt);        // PASS, BLOCK or an error kind; never throws
 * state.close();
 * }</pre>
 *
 * <p>Loading compiles the source as a text chunk, runs its top-level chunk under the load budget, and finds the
 * entry function; any failure is a {@link ScriptLoadException} whose message says what to fix. A call runs the
 * entry function under the call budget; every error (Lua error, budget exceeded, call depth, size cap, Java
 * exception, Java stack overflow, out of memory) is caught, reported to the {@link ScriptErrorListener}
 * with script name and line, and leaves the state ready for the next call.
 */
public final class ScriptState implements AutoCloseable {
    private final String name;
    private Globals globals;
    private BudgetHook hook;
    private final long callBudget;
    private final long callTimeLimitNanos;
    private final long callAllocationLimitBytes;
    private final ScriptErrorListener errorListener;
    private LuaValue entry;
    /** The entry with reused registers when it is a Lua function (null once closed or for Java functions). */
    private ReusedRegistersClosure fastEntry;
    /** The entry when it is compiled, and its register array reused across calls (see ReusedRegistersClosure). */
    private CompiledFunction compiledEntry;

    private LuaValue[] registers;
    private List<LuaCompiler.FunctionReport> functions;
    /** Keeps this script's compiled classes (shared with its other states) from unloading while this state lives. */
    @SuppressWarnings("unused")
    private Object classes;
    /** How this state was made: a state over its memory limit is made again from them. */
    private final ScriptOptions options;

    private final long stateMemoryLimitBytes;
    /** Whether the last call ran more than {@link InstructionBudget#SLICE} steps. */
    private boolean lastCallLong;
    /** Calls since the thread's allocation counter was last read. */
    private int callsSinceSample;
    /** The thread's allocation counter at the last sample (0 = not read yet on this thread). */
    private long lastAllocated;
    /** Bytes the owning thread allocated, as sampled, since the state's memory was last measured. */
    private long allocatedSinceWalk;

    private long lastRetained = -1;
    /** Tables the host keeps for this script outside its globals (its {@code flow.vars}); see {@link #keep}. */
    private final List<LuaTable> kept = new ArrayList<>();

    private long resets;
    private Thread owner;
    private InstructionBudget budget;
    private volatile String lastError;
    /** The string the last call returned after its verdict ({@code return false, 'why'}), or null. */
    private LuaString reason;

    private ScriptState(
            String name,
            Globals globals,
            BudgetHook hook,
            ScriptOptions options,
            LuaValue entry,
            List<LuaCompiler.FunctionReport> functions,
            Object classes) {
        this.classes = classes;
        this.options = options;
        this.stateMemoryLimitBytes = options.stateMemoryLimitBytes();
        this.callTimeLimitNanos = options.callTimeLimitNanos();
        this.callAllocationLimitBytes = options.callAllocationLimitBytes();
        this.name = name;
        this.globals = globals;
        this.hook = hook;
        this.callBudget = options.callBudget();
        this.errorListener = options.errorListener();
        this.entry = entry;
        this.fastEntry = entry instanceof LuaClosure c ? new ReusedRegistersClosure(c, globals) : null;
        this.compiledEntry = entry instanceof CompiledFunction f ? f : null;
        this.registers = compiledEntry != null ? new LuaValue[compiledEntry.frameSize()] : null;
        if (registers != null) {
            Arrays.fill(registers, LuaValue.NIL);
        }
        this.functions = functions;
    }

    /**
     * Creates a state and loads the script into it: compile (text only), run the top-level chunk (under
     * {@link ScriptOptions#loadBudget()}), find the entry function.
     *
     * @throws ScriptLoadException with a message naming the script and what to fix
     */
    public static ScriptState load(ScriptOptions options) throws ScriptLoadException {
        String name = options.name();
        BudgetHook hook = new BudgetHook(options.maxCallDepth());
        Globals g;
        try {
            g = SandboxGlobals.create(name, options.printSink(), options.alertSink(), options.modules(), hook);
        } catch (RuntimeException e) {
            throw new ScriptLoadException(name, "script '" + name + "': a module failed to open: " + e, e);
        }
        LuaValue chunk;
        List<LuaCompiler.FunctionReport> functions;
        Object classes;
        try {
            SandboxGlobals.Chunk compiled = SandboxGlobals.compile(
                    g, options.source().getBytes(StandardCharsets.UTF_8), name, g, hook, options.executionModel());
            chunk = compiled.function();
            functions = compiled.functions();
            classes = compiled.classes();
        } catch (LuaError e) {
            // LuaJ's lexer quotes the chunk name Lua-style ([string "name"]); runtime errors use the bare name.
            String message =
                    SyntaxMessages.luaWording(clean(e.getMessage()).replace("[string \"" + name + "\"]", name));
            throw positioned(name, " does not compile: ", message, e);
        }
        InstructionBudget b = InstructionBudget.current();
        b.arm(options.loadBudget());
        b.bind(hook);
        hook.begin(b);
        try {
            chunk.call();
        } catch (BudgetExceededError e) {
            String site = hook.takeExhaustionSite();
            throw new ScriptLoadException(
                    name,
                    "script '" + name + "': the top-level chunk did not finish within "
                            + options.loadBudget() + " instructions"
                            + (site == null ? "" : " (cut off at " + site + ")")
                            + "; the chunk must return: put per-packet work in function " + options.entry() + "(pkt)",
                    e);
        } catch (LuaError e) {
            throw positioned(name, " failed while loading: ", describe(e), e);
        } catch (StackOverflowError | OutOfMemoryError e) {
            throw new ScriptLoadException(name, "script '" + name + "' failed while loading: " + e, e);
        } catch (RuntimeException e) {
            throw new ScriptLoadException(name, "script '" + name + "' failed while loading: " + e, e);
        } finally {
            b.disarm();
            b.bind(null);
        }
        LuaValue entry = g.rawget(options.entry());
        if (!entry.isfunction()) {
            throw new ScriptLoadException(
                    name,
                    "script '" + name + "' defines no function '" + options.entry()
                            + "' (found " + entry.typename() + "): the engine calls " + options.entry()
                            + "(pkt) for each frame; define it as a global function",
                    null);
        }
        return new ScriptState(name, g, hook, options, entry, functions, classes);
    }

    /**
     * Calls the entry function with {@code pkt}. Never throws: errors are reported and returned as an outcome
     * (the caller counts outcomes: the engine per worker and rule). Allocates nothing itself (what the script does may allocate).
     */
    public CallOutcome call(LuaValue pkt) {
        reason = null;
        Thread t = Thread.currentThread();
        InstructionBudget b = budget;
        if (owner != t) {
            owner = t;
            budget = b = InstructionBudget.current();
            lastAllocated = 0;
        }
        if (stateMemoryLimitBytes > 0 && (lastCallLong || ++callsSinceSample >= SandboxLimits.MEMORY_SAMPLE_CALLS)) {
            callsSinceSample = 0;
            if (overMemoryLimit()) {
                return memoryLimitExceeded();
            }
        }
        b.arm(callBudget, callTimeLimitNanos, callAllocationLimitBytes);
        b.bind(hook);
        hook.begin(b);
        try {
            CompiledFunction compiled = compiledEntry;
            ReusedRegistersClosure fast = fastEntry;
            reason = null;
            Varargs results = compiled != null
                    ? compiled.invokeWithRegisters(registers, pkt)
                    : fast != null ? fast.invokeWith(pkt) : entry.invoke(pkt);
            // One result is the value itself (no second); a tail call is evaluated by arg1().
            boolean pass = results.arg1().toboolean();
            if (results.narg() > 1 && results.arg(2) instanceof LuaString why) {
                reason = why;
            }
            if (b.exhausted()) {
                // The error was swallowed by library code and the call still returned: the verdict is void.
                reason = null;
                return exhaustedCall();
            }
            if (pass) {
                return CallOutcome.PASS;
            }
            return CallOutcome.BLOCK;
        } catch (BudgetExceededError e) {
            return exhaustedCall();
        } catch (SizeLimitError e) {
            return fail(CallOutcome.SIZE_LIMIT, describe(e));
        } catch (CallDepthError e) {
            return fail(CallOutcome.STACK_OVERFLOW, describe(e));
        } catch (LuaError e) {
            Throwable cause = e.getCause();
            if (cause != null && !(cause instanceof LuaError)) {
                return fail(CallOutcome.JAVA_EXCEPTION, describe(e));
            }
            return fail(CallOutcome.LUA_ERROR, describe(e));
        } catch (StackOverflowError e) {
            return fail(
                    CallOutcome.STACK_OVERFLOW,
                    name + ": Java stack overflow (recursion through library " + "functions or metamethods)");
        } catch (OutOfMemoryError e) {
            return fail(CallOutcome.OUT_OF_MEMORY, name + ": the JVM ran out of heap during the call");
        } catch (RuntimeException e) {
            return fail(CallOutcome.JAVA_EXCEPTION, name + ": " + e);
        } finally {
            // A call of more than one slice of steps may have allocated much: the next call samples the counter.
            lastCallLong = b.remaining() < b.limit() - InstructionBudget.SLICE;
            // Library code running outside script calls (tests, Java callers) must not hit this call's leftovers.
            b.lift();
        }
    }

    /**
     * Every {@value SandboxLimits#MEMORY_SAMPLE_CALLS} calls, and after every call of more than one slice of steps
     * (a call shorter than that allocates little: strings and tables cost steps): reads the thread's allocation
     * counter, and once a
     * quarter of the memory limit (at least 1 MiB) has been allocated since the last measurement, measures what the
     * state keeps ({@link StateMemory}). Between measurements this costs one counter read per that many calls.
     */
    private boolean overMemoryLimit() {
        long now = InstructionBudget.threadAllocatedBytes();
        long before = lastAllocated;
        lastAllocated = now;
        if (before == 0) {
            return false;
        }
        allocatedSinceWalk += now - before;
        if (allocatedSinceWalk < Math.max(stateMemoryLimitBytes / 4, 1L << 20)) {
            return false;
        }
        allocatedSinceWalk = 0;
        lastRetained = StateMemory.retained(memoryRoot(), stateMemoryLimitBytes);
        lastAllocated = InstructionBudget.threadAllocatedBytes(); // the walk's own allocation is not the script's
        return lastRetained > stateMemoryLimitBytes;
    }

    /**
     * The state keeps more than its limit: this call fails (outcome {@link CallOutcome#OUT_OF_MEMORY}) and the
     * state is made again from its source, as at load time, so that it is usable and small again. What the script
     * kept is dropped; {@code shared} tables are not the state's and stay.
     */
    private CallOutcome memoryLimitExceeded() {
        String what = name + ": state memory limit exceeded (the script keeps about " + (lastRetained >> 20)
                + " MiB across calls, limit " + (stateMemoryLimitBytes >> 20) + " MiB)";
        try {
            ScriptState fresh = load(options);
            globals = fresh.globals;
            hook = fresh.hook;
            entry = fresh.entry;
            fastEntry = fresh.fastEntry;
            compiledEntry = fresh.compiledEntry;
            registers = fresh.registers;
            functions = fresh.functions;
            classes = fresh.classes;
            for (LuaTable t : kept) {
                clear(t);
            }
            resets++;
            what += "; the state was reset (loaded again from its source)";
        } catch (ScriptLoadException e) {
            what += "; reloading it failed, the state goes on as it is: " + e.getMessage();
        }
        lastAllocated = InstructionBudget.threadAllocatedBytes();
        return fail(CallOutcome.OUT_OF_MEMORY, what);
    }

    /**
     * Counts {@code table}, which the host keeps for this script outside its globals (the per-flow {@code flow.vars}
     * tables), in the state's memory limit, and empties it when the state is reset for passing the limit. Call on the
     * state's thread, or before it runs.
     */
    public void keep(LuaTable table) {
        kept.add(table);
    }

    /** The globals, or a table holding the globals and the kept tables when there are any. */
    private LuaValue memoryRoot() {
        if (kept.isEmpty()) {
            return globals;
        }
        LuaTable root = new LuaTable(kept.size() + 1, 0);
        root.rawset(1, globals);
        for (int i = 0; i < kept.size(); i++) {
            root.rawset(i + 2, kept.get(i));
        }
        return root;
    }

    private static void clear(LuaTable t) {
        LuaValue k = LuaValue.NIL;
        List<LuaValue> keys = new ArrayList<>();
        while (true) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            keys.add(k);
        }
        for (LuaValue key : keys) {
            t.rawset(key, LuaValue.NIL);
        }
    }

    /** How many times the state was reset for passing its memory limit. */
    public long memoryResets() {
        return resets;
    }

    /** What the state kept at its last measurement (bytes, estimated), or -1 before the first. */
    public long lastMeasuredRetainedBytes() {
        return lastRetained;
    }

    private CallOutcome exhaustedCall() {
        String site = hook.takeExhaustionSite();
        return fail(CallOutcome.BUDGET_EXCEEDED, (site == null ? name : site) + ": " + budget.exhaustion());
    }

    private CallOutcome fail(CallOutcome outcome, String message) {
        lastError = message;
        try {
            errorListener.onError(name, outcome, message);
        } catch (RuntimeException ignored) {
            // A listener must not throw; if it does, the call's outcome still stands.
        }
        return outcome;
    }

    /**
     * The text of a Lua error with script name and line. Error objects that are not strings or numbers are not
     * converted through {@code __tostring} (that would run script code outside any budget); they are described by
     * type, as the standalone {@code lua} interpreter does.
     */
    /** A load failure whose Lua text may start with a position in the chunk: the line becomes a field. */
    private static ScriptLoadException positioned(String name, String what, String luaText, Throwable cause) {
        ScriptLoadException.Position p = ScriptLoadException.position(luaText, name);
        return new ScriptLoadException(name, p.line(), p.rest(), "script '" + name + "'" + what + luaText, cause);
    }

    static String describe(LuaError e) {
        LuaValue object = e.getMessageObject();
        if (object != null && object.isstring()) {
            return clean(e.getMessage());
        }
        String type = object == null ? "nil" : object.typename();
        return "(error object is a " + type + " value)";
    }

    private static String clean(String message) {
        return message == null ? "(no message)" : message.strip();
    }

    /** The script's name. */
    public String name() {
        return name;
    }

    /**
     * How each function of the script runs (compiled or interpreted, and why), outermost first: what
     * {@code npflua check} reports.
     */
    public List<LuaCompiler.FunctionReport> functions() {
        return functions;
    }

    /** The message of the most recent failed call, or null. */
    public String lastError() {
        return lastError;
    }

    /**
     * The reason the last call gave with its verdict, {@code return false, 'OpenSSH 6.4 is banned'} (also with a
     * pass), or null when it gave none, gave a non-string, or failed. The script's own string object (a constant of
     * the script is the same object on every call): valid until the next call, never copied here.
     */
    public LuaString reason() {
        return reason;
    }

    /**
     * The state's globals, for bindings that need to create values in this state. Never hand them to another
     * state or to a script of another state.
     */
    public Globals globals() {
        return globals;
    }

    /**
     * Releases the state: later calls fail with a Lua error ("script ... is closed") instead of running
     * the script. Call from the thread that owns the state, or after it stopped calling.
     */
    @Override
    public void close() {
        String closedName = name;
        fastEntry = null;
        compiledEntry = null;
        entry = new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue arg) {
                throw new LuaError("script '" + closedName + "' is closed");
            }
        };
        LuaValue k = LuaValue.NIL;
        LuaTable g = globals;
        while (true) {
            Varargs n = g.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            g.rawset(k, LuaValue.NIL);
        }
    }

    @Override
    public String toString() {
        return "ScriptState[" + name + "]";
    }
}
