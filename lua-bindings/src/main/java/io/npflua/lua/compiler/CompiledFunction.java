package io.npflua.lua.compiler;

import java.util.Arrays;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.UpValue;
import org.luaj.vm2.Varargs;

/**
 * A Lua function compiled to JVM bytecode: the common superclass of the hidden class that {@link LuaCompiler}
 * defines for each function prototype. It behaves as LuaJ's {@code LuaClosure} does towards callers (same call
 * entry points, same register array per call, same tail-call protocol through {@code TailcallVarargs}); only the body,
 * {@link #execute}, is generated.
 *
 * <p>Each instance is one closure: its own upvalues, the prototype's code and constants shared by all closures of
 * the class (they are constants of the hidden class itself, not fields).
 */
public abstract class CompiledFunction extends LuaFunction {
    private static final UpValue[] NO_UPVALUES = new UpValue[0];

    /** This closure's upvalues, filled in by the code that creates it ({@code OP_CLOSURE}). */
    protected final UpValue[] upValues;
    /** The state's prototype of this function (what the hook knows it by; positions for errors). */
    protected final Prototype proto;
    /** The state's hook: budget, call depth, concatenation cap. */
    protected final CompiledHook hook;
    /** The state's globals (for closures of interpreted children and for error handlers). */
    protected final Globals globals;
    /** The state's builtin {@code tostring} (nil when in-place matching is off). */
    protected final LuaValue tostring;
    /** Per child prototype: a template {@link CompiledFunction} of this state, or the {@link Prototype} to interpret. */
    protected final Object[] children;

    private final int frameSize;
    private final int numParams;
    private final boolean vararg;
    /** The inline caches of this closure's constant-name sites ({@link IndexCache}), made on first use. */
    private IndexCache[] caches;

    /**
     * A closure of one state. The class is shared by every state that runs the same source; what differs per state
     * comes in here.
     */
    protected CompiledFunction(Prototype p, CompiledHook hook, Globals globals, LuaValue tostring, Object[] children) {
        this.proto = p;
        this.hook = hook;
        this.globals = globals;
        this.tostring = tostring;
        this.children = children;
        int n = p.upvalues == null ? 0 : p.upvalues.length;
        this.upValues = n == 0 ? NO_UPVALUES : new UpValue[n];
        this.frameSize = p.maxstacksize;
        this.numParams = p.numparams;
        this.vararg = p.is_vararg != 0;
    }

    /**
     * Runs the body over {@code stack} (the registers, parameters already in place) with {@code varargs} the extra
     * arguments of a vararg function. May return a {@code TailcallVarargs} for the caller to evaluate.
     */
    protected abstract Varargs execute(LuaValue[] stack, Varargs varargs);

    /** A new closure of the same prototype with empty upvalues. */
    public abstract CompiledFunction fresh();

    /** The prototype this function was compiled from. */
    public final Prototype prototype() {
        return proto;
    }

    /** This closure's upvalue {@code i}, for the code that creates closures and for tests. */
    public final UpValue[] upValues() {
        return upValues;
    }

    /**
     * Runs the function with {@code stack} as its registers, {@code arg} as its first argument, and returns the
     * first result. The array must be {@link #frameSize()} long and filled with non-null values (nil) before its
     * first use; the caller may then reuse it across calls without clearing it: nothing keeps it after a call
     * (every open upvalue is closed on the way out), and Lua bytecode writes every register before it reads it
     * (LuaJ's own {@code LuaClosure.call()} leaves all but the parameters null). Allocates nothing itself.
     */
    public final LuaValue callWithRegisters(LuaValue[] stack, LuaValue arg) {
        for (int i = 1; i < numParams; i++) {
            stack[i] = NIL;
        }
        if (numParams == 0) {
            return execute(stack, vararg ? arg : NONE).arg1();
        }
        stack[0] = arg;
        return execute(stack, NONE).arg1();
    }

    /**
     * As {@link #callWithRegisters} but returns all the results (the function's own {@code Varargs}: a single value
     * is itself, two or more are LuaJ's {@code varargsOf}; a tail call comes back unevaluated). Allocates nothing
     * itself.
     */
    public final Varargs invokeWithRegisters(LuaValue[] stack, LuaValue arg) {
        for (int i = 1; i < numParams; i++) {
            stack[i] = NIL;
        }
        if (numParams == 0) {
            return execute(stack, vararg ? arg : NONE);
        }
        stack[0] = arg;
        return execute(stack, NONE);
    }

    /**
     * The inline cache of constant-name site {@code site} of this closure's {@code sites}; allocates only the first
     * time a site is used.
     */
    final IndexCache cache(int site, int sites) {
        IndexCache[] c = caches;
        if (c == null) {
            caches = c = new IndexCache[sites];
        }
        IndexCache e = c[site];
        if (e == null) {
            c[site] = e = new IndexCache();
        }
        return e;
    }

    /** The register array length one call needs. */
    public final int frameSize() {
        return frameSize;
    }

    private LuaValue[] frame() {
        LuaValue[] stack = new LuaValue[frameSize];
        Arrays.fill(stack, NIL);
        return stack;
    }

    @Override
    public final LuaValue call() {
        return execute(frame(), NONE).arg1();
    }

    @Override
    public final LuaValue call(LuaValue arg) {
        LuaValue[] stack = frame();
        if (numParams == 0) {
            return execute(stack, vararg ? arg : NONE).arg1();
        }
        stack[0] = arg;
        return execute(stack, NONE).arg1();
    }

    @Override
    public final LuaValue call(LuaValue arg1, LuaValue arg2) {
        LuaValue[] stack = frame();
        switch (numParams) {
            case 0:
                return execute(stack, vararg ? varargsOf(arg1, arg2) : NONE).arg1();
            case 1:
                stack[0] = arg1;
                return execute(stack, vararg ? arg2 : NONE).arg1();
            default:
                stack[0] = arg1;
                stack[1] = arg2;
                return execute(stack, NONE).arg1();
        }
    }

    @Override
    public final LuaValue call(LuaValue arg1, LuaValue arg2, LuaValue arg3) {
        LuaValue[] stack = frame();
        switch (numParams) {
            case 0:
                return execute(stack, vararg ? varargsOf(arg1, arg2, arg3) : NONE)
                        .arg1();
            case 1:
                stack[0] = arg1;
                return execute(stack, vararg ? varargsOf(arg2, arg3) : NONE).arg1();
            case 2:
                stack[0] = arg1;
                stack[1] = arg2;
                return execute(stack, vararg ? arg3 : NONE).arg1();
            default:
                stack[0] = arg1;
                stack[1] = arg2;
                stack[2] = arg3;
                return execute(stack, NONE).arg1();
        }
    }

    @Override
    public final Varargs invoke(Varargs args) {
        return onInvoke(args).eval();
    }

    @Override
    public final Varargs onInvoke(Varargs args) {
        LuaValue[] stack = frame();
        int n = numParams;
        for (int i = 0; i < n; i++) {
            stack[i] = args.arg(i + 1);
        }
        return execute(stack, vararg ? args.subargs(n + 1) : NONE);
    }

    @Override
    public String tojstring() {
        return "function: " + proto;
    }
}
