package io.npflua.lua.sandbox;

import java.util.Arrays;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A script's entry function called with one register array reused across calls. LuaJ's
 * {@code LuaClosure.call(arg)} allocates {@code new LuaValue[maxstacksize]} for every call, which was the whole of the
 * empty filter's 24 B/op. Reuse is safe because LuaJ closes every open upvalue (copies the captured register out of
 * the array) in {@code execute}'s {@code finally}, so nothing can see the array after a call returns; and the engine
 * never re-enters one state's entry from inside itself (a script calling {@code filter} recursively goes through the
 * ordinary closure, not this one).
 */
final class ReusedRegistersClosure extends LuaClosure {
    private final LuaValue[] registers;

    ReusedRegistersClosure(LuaClosure entry, Globals globals) {
        super(entry.p, globals);
        this.upValues = entry.upValues;
        this.registers = new LuaValue[entry.p.maxstacksize];
    }

    /** Same result as {@code entry.call(arg)}; allocates nothing itself. */
    LuaValue callWith(LuaValue arg) {
        return invokeWith(arg).arg1();
    }

    /**
     * All the results of {@code entry(arg)}: one value is itself, more are LuaJ's {@code varargsOf} (which allocates
     * for two or more), a tail call comes back unevaluated. Allocates nothing itself.
     */
    Varargs invokeWith(LuaValue arg) {
        LuaValue[] r = registers;
        Arrays.fill(r, LuaValue.NIL);
        if (p.numparams == 0) {
            return execute(r, arg);
        }
        r[0] = arg;
        return execute(r, LuaValue.NONE);
    }
}
