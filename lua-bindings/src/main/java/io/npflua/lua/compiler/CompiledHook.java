package io.npflua.lua.compiler;

import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;

/**
 * What compiled code tells the state that runs it: entry and exit of every compiled function (call depth and the
 * site of a budget error), the steps of each basic block, and the operands of each {@code ..} (the size cap).
 * The sandbox's hook implements it; {@link #NONE} runs without limits.
 */
public interface CompiledHook {
    /** No limits: for compiled code outside a sandbox (tests of the compiler itself). */
    CompiledHook NONE = new CompiledHook() {
        @Override
        public void enter(Prototype p) {}

        @Override
        public void exit() {}

        @Override
        public void exitCharging(int n, int pc) {}

        @Override
        public void steps(int n, int pc) {}

        @Override
        public void settle(int n) {}

        @Override
        public void concat(LuaValue[] stack, int from, int to, int pc) {}
    };

    /** On entry of a compiled function; may throw to refuse the call (too deep). */
    void enter(Prototype p);

    /** On every exit of a compiled function (return, tail call or throw). */
    void exit();

    /**
     * A return or tail call at {@code pc}: charges {@code n} steps as {@link #steps} does (which may throw, and then
     * the function has not exited yet), then {@link #exit}.
     */
    void exitCharging(int n, int pc);

    /**
     * Charges {@code n} steps, the instructions of the basic blocks entered since the last charge, at {@code pc} (a
     * back-edge, a call of a Lua function, a return); may throw.
     */
    void steps(int n, int pc);

    /**
     * Charges {@code n} steps without checking (an error is leaving the function: the blocks it entered are charged,
     * and the next check anywhere sees the budget as it is). Never throws.
     */
    void settle(int n);

    /**
     * Before {@code R(from) .. ... .. R(to)} at {@code pc}: may refuse a result above the size cap, and charge for
     * its bytes.
     */
    void concat(LuaValue[] stack, int from, int to, int pc);
}
