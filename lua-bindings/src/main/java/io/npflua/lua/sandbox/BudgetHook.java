package io.npflua.lua.sandbox;

import io.npflua.lua.compiler.CompiledHook;
import io.npflua.lua.core.ExhaustionListener;
import io.npflua.lua.core.InstructionBudget;
import java.util.Arrays;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * The VM hook of one sandboxed state, installed as {@code Globals.debuglib} and never exposed to scripts.
 *
 * <p>LuaJ 3.0.1's interpreter ({@code LuaClosure.execute}) calls, when {@code globals.debuglib} is non-null,
 * {@code onCall(closure, varargs, stack)} on entry of every Lua function, {@code onInstruction(pc, varargs, top)}
 * before every VM instruction, and {@code onReturn()} in a {@code finally} on every exit (normal, tail call or
 * throw); {@code pcall} brackets its callee with {@code onCall(function)} / {@code onReturn()}. The stock DebugLib
 * keeps a stack of frame objects there and costs 5–13 ns per instruction. This subclass:
 * <ul>
 *   <li>charges one step of the thread's {@link InstructionBudget} per instruction;</li>
 *   <li>limits call nesting ({@link CallDepthError}) well before the Java stack overflows;</li>
 *   <li>before an {@code OP_CONCAT} executes, adds up its operands' lengths and refuses a result above
 *       {@link SandboxLimits#MAX_STRING_BYTES} before any byte is allocated. For that it tracks the register
 *       array of frames whose code contains {@code OP_CONCAT} ({@link CheckedPrototype}); other frames cost
 *       only int stores (no reference store, so no GC write barrier on the call path).</li>
 * </ul>
 * Functions compiled at run time by {@code load} are not adopted; their frames are tracked by reference.
 * Compiled functions ({@link CompiledHook}) share the same frame stack and budget: they charge a basic block at a
 * time ({@link #steps}) and announce each {@code ..} ({@link #concat}), so their frames need no register tracking.
 * When the interpreter catches a LuaError it asks the hook for a traceback; this one returns none (the message
 * already carries script name and line), so error handling stays cheap too.
 */
final class BudgetHook extends DebugLib implements CompiledHook, ExhaustionListener {
    /** Frame kind of a pcall/xpcall frame: no code of its own. */
    private static final int PCALL = 0;
    /** Frame kind of a function compiled at run time (not adopted): tracked by reference. */
    private static final int DYNAMIC = Integer.MIN_VALUE;
    /** A number operand of {@code ..} becomes at most this many bytes. */
    private static final int MAX_NUMBER_STRING = 32;

    private final int maxCallDepth;
    private Prototype[] registry = new Prototype[16];
    private int registered = 1; // index 0 is PCALL
    private int[] kinds;
    private Prototype[] dynamic;
    private LuaValue[][] stacks;
    private int depth;
    private int kind;
    private String exhaustedAt;
    private InstructionBudget budget = InstructionBudget.current();

    BudgetHook(int maxCallDepth) {
        this.maxCallDepth = maxCallDepth;
        this.kinds = new int[maxCallDepth + 2];
        this.dynamic = new Prototype[maxCallDepth + 2];
        this.stacks = new LuaValue[maxCallDepth + 2][];
    }

    int nextIndex() {
        return registered;
    }

    void register(CheckedPrototype p) {
        if (registered == registry.length) {
            registry = Arrays.copyOf(registry, registered * 2);
        }
        registry[registered++] = p;
    }

    /** Starts a call on the thread that owns {@code budget}. Allocates nothing. */
    void begin(InstructionBudget budget) {
        if (this.budget != budget) {
            this.budget = budget; // only on a thread change: reference stores cost a GC barrier
        }
        if (depth != 0) {
            // A previous call was cut off mid-unwind (Java stack overflow, out of memory): start clean.
            Arrays.fill(dynamic, null);
            Arrays.fill(stacks, null);
            depth = 0;
        }
        kind = PCALL;
    }

    /** Runs on entry of every Lua function. Allocates nothing. */
    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        int d = depth + 1;
        if (d > maxCallDepth) {
            throw new CallDepthError(maxCallDepth);
        }
        int k;
        if (c.p instanceof CheckedPrototype cp && cp.hook == this) {
            k = cp.kind;
            if (k < 0) {
                stacks[d] = stack;
            }
        } else {
            k = DYNAMIC;
            dynamic[d] = c.p;
            stacks[d] = stack;
        }
        kinds[d] = k;
        kind = k;
        depth = d;
    }

    /** A pcall/xpcall frame; never refused (its onReturn follows in a finally). */
    @Override
    public void onCall(LuaFunction f) {
        int d = depth + 1;
        if (d >= kinds.length) {
            kinds = Arrays.copyOf(kinds, kinds.length * 2);
            dynamic = Arrays.copyOf(dynamic, dynamic.length * 2);
            stacks = Arrays.copyOf(stacks, stacks.length * 2);
        }
        kinds[d] = PCALL;
        kind = PCALL;
        depth = d;
    }

    /** Runs on every exit of a Lua function or pcall frame. Allocates nothing. */
    @Override
    public void onReturn() {
        int d = depth;
        if (d <= 0) {
            return;
        }
        if (kind < 0) {
            stacks[d] = null;
            dynamic[d] = null;
        }
        depth = --d;
        kind = kinds[d];
    }

    /** Entry of a compiled function: the same depth limit and frame record as {@link #onCall}. */
    @Override
    public void enter(Prototype p) {
        int d = depth + 1;
        if (d > maxCallDepth) {
            throw new CallDepthError(maxCallDepth);
        }
        int k;
        if (p instanceof CheckedPrototype cp && cp.hook == this) {
            k = Math.abs(cp.kind); // compiled code reports its own concatenations: no register tracking
        } else {
            k = DYNAMIC;
            dynamic[d] = p;
        }
        kinds[d] = k;
        kind = k;
        depth = d;
    }

    /** Exit of a compiled function, on every path. */
    @Override
    public void exit() {
        int d = depth;
        if (d <= 0) {
            return;
        }
        if (kind == DYNAMIC) {
            dynamic[d] = null;
        }
        depth = --d;
        kind = kinds[d];
    }

    /** A compiled return: the function's pending steps, then its exit. */
    @Override
    public void exitCharging(int n, int pc) {
        budget.spend(n, pc);
        exit();
    }

    /** The pending steps of compiled code, charged at {@code pc}. Allocates nothing unless it throws. */
    @Override
    public void steps(int n, int pc) {
        budget.spend(n, pc);
    }

    /** The steps of the blocks a failing compiled function entered: charged, checked by the next charge. */
    @Override
    public void settle(int n) {
        budget.settle(n);
    }

    /** Before a compiled {@code R(from) .. ... .. R(to)}: the size cap and the charge for its bytes. */
    @Override
    public void concat(LuaValue[] stack, int from, int to, int pc) {
        budget.spend(checkConcat(stack, from, to) / SandboxLimits.BYTES_PER_STEP, pc);
    }

    /** Runs before every VM instruction. Allocates nothing unless it throws. */
    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        budget.spend(1, pc);
        if (kind < 0) {
            checkInstruction(pc);
        }
    }

    private void checkInstruction(int pc) {
        int d = depth;
        Prototype p = kind == DYNAMIC ? dynamic[d] : registry[-kind];
        int i = p.code[pc];
        if ((i & 0x3f) == Lua.OP_CONCAT) {
            budget.spend(checkConcat(stacks[d], i >>> 23, (i >> 14) & 0x1ff) / SandboxLimits.BYTES_PER_STEP, pc);
        }
    }

    /** Returns the most bytes the concatenation can produce; throws if above the cap. */
    private static long checkConcat(LuaValue[] r, int b, int c) {
        long total = 0;
        for (int k = b; k <= c; k++) {
            LuaValue v = r[k];
            if (v instanceof LuaString s) {
                total += s.m_length;
            } else if (v.type() == LuaValue.TNUMBER) {
                total += MAX_NUMBER_STRING;
            }
        }
        if (total > SandboxLimits.MAX_STRING_BYTES) {
            throw SandboxLimits.stringTooLarge(total);
        }
        return total;
    }

    @Override
    public String traceback(int level) {
        return "";
    }

    /**
     * Remembers where the budget ran out ({@code chunk:line}, or {@code chunk (in a library function)} when
     * {@code pc < 0}), before the unwinding frames pop the hook's stack. Runs once per exhausted call; allocates.
     */
    @Override
    public void recordExhaustion(int pc) {
        Prototype p = null;
        for (int d = Math.min(depth, kinds.length - 1); d > 0 && p == null; d--) {
            int k = kinds[d];
            p = k == PCALL ? null : k == DYNAMIC ? dynamic[d] : registry[Math.abs(k)];
        }
        if (p == null) {
            exhaustedAt = null;
            return;
        }
        String source = p.source == null ? "?" : p.source.tojstring();
        exhaustedAt = p.lineinfo != null && pc >= 0 && pc < p.lineinfo.length
                ? source + ":" + p.lineinfo[pc]
                : source + " (in a library function)";
    }

    /** Where the last exhausted call was cut off ({@code chunk:line}), or null; clears it. */
    String takeExhaustionSite() {
        String s = exhaustedAt;
        exhaustedAt = null;
        return s;
    }

    @Override
    public LuaValue call(LuaValue modname, LuaValue env) {
        throw new UnsupportedOperationException("the budget hook is not a loadable library");
    }
}
