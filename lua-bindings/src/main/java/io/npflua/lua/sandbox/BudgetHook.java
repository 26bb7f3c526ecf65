package io.npflua.lua.sandbox;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

import java.util.Arrays;

/**
 * The VM hook of one sandboxed state, installed as {@code Globals.debuglib} and never exposed to scripts.
 *
 * <p>LuaJ 3.0.1's interpreter ({@code LuaClosure.execute}) calls, when {@code globals.debuglib} is non-null,
 * {@code onCall(closure, varargs, stack)} on entry of every Lua function, {@code onInstruction(pc, varargs, top)}
 * before every VM instruction, and {@code onReturn()} in a {@code finally} on every exit (normal, tail call or
 * throw); {@code pcall} brackets its callee with {@code onCall(function)} / {@code onReturn()}. The stock
 * DebugLib keeps a call stack of frame objects there and costs 5–13 ns per instruction; this subclass does only:
 * <ul>
 *   <li>charge one step of the thread's {@link InstructionBudget} per instruction;</li>
 *   <li>track the current frame's code and register array (plain array stores, no allocation), so that before an
 *       {@code OP_CONCAT} executes it can add up its operands' lengths and refuse a result above
 *       {@link SandboxLimits#MAX_STRING_BYTES} before any byte is allocated;</li>
 *   <li>limit call nesting ({@link CallDepthError}) well before the Java stack overflows.</li>
 * </ul>
 * When the interpreter catches a LuaError it asks the hook for a traceback; this one returns none (the message
 * already carries script name and line), so error handling stays cheap too.
 */
final class BudgetHook extends DebugLib {
    /** A number operand of {@code ..} becomes at most this many bytes ("%.14g"-style or Java's double form). */
    private static final int MAX_NUMBER_STRING = 32;

    private final int maxCallDepth;
    private Prototype[] protos;
    private LuaValue[][] stacks;
    private int depth;
    private int[] code;
    private LuaValue[] registers;
    private int pc;
    private String exhaustedAt;
    private InstructionBudget budget = InstructionBudget.current();

    BudgetHook(int maxCallDepth) {
        this.maxCallDepth = maxCallDepth;
        this.protos = new Prototype[maxCallDepth + 2];
        this.stacks = new LuaValue[maxCallDepth + 2][];
    }

    /** Starts a call on the thread that owns {@code budget}. Allocates nothing. */
    void begin(InstructionBudget budget) {
        this.budget = budget;
        if (depth != 0) {
            // A previous call was cut off mid-unwind (Java stack overflow, out of memory): start clean.
            Arrays.fill(protos, null);
            Arrays.fill(stacks, null);
            depth = 0;
        }
        code = null;
        registers = null;
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        int d = depth + 1;
        if (d > maxCallDepth) {
            throw new CallDepthError(maxCallDepth);
        }
        push(d, c.p, stack);
    }

    @Override
    public void onCall(LuaFunction f) {
        // pcall/xpcall frames: no code of their own, never refused (onReturn follows in a finally).
        push(depth + 1, null, null);
    }

    private void push(int d, Prototype p, LuaValue[] stack) {
        if (d >= protos.length) {
            protos = Arrays.copyOf(protos, protos.length * 2);
            stacks = Arrays.copyOf(stacks, stacks.length * 2);
        }
        depth = d;
        protos[d] = p;
        stacks[d] = stack;
        code = p == null ? null : p.code;
        registers = stack;
    }

    @Override
    public void onReturn() {
        int d = depth;
        if (d <= 0) {
            return;
        }
        protos[d] = null;
        stacks[d] = null;
        depth = --d;
        Prototype p = protos[d];
        code = p == null ? null : p.code;
        registers = stacks[d];
    }

    /** Runs before every VM instruction. Allocates nothing unless it throws. */
    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        budget.charge(1);
        this.pc = pc;
        int i = code[pc];
        if ((i & 0x3f) == Lua.OP_CONCAT) {
            checkConcat(i);
        }
    }

    private void checkConcat(int instruction) {
        int b = instruction >>> 23;
        int c = (instruction >> 14) & 0x1ff;
        LuaValue[] r = registers;
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
    }

    @Override
    public String traceback(int level) {
        return "";
    }

    /**
     * Remembers where the budget ran out ({@code chunk:line}), before the unwinding frames pop the hook's stack.
     * Runs once per exhausted call; allocates.
     */
    void recordExhaustion() {
        Prototype p = null;
        for (int d = depth; d > 0 && p == null; d--) {
            p = protos[d];
        }
        if (p == null) {
            exhaustedAt = null;
            return;
        }
        String source = p.source == null ? "?" : p.source.tojstring();
        String line = p.lineinfo != null && pc >= 0 && pc < p.lineinfo.length ? String.valueOf(p.lineinfo[pc]) : "?";
        exhaustedAt = source + ":" + line;
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
