package io.npflua.lua.sandbox;

import org.luaj.vm2.Lua;
import org.luaj.vm2.Prototype;

/**
 * A compiled function of a script's source, copied from LuaJ's {@link Prototype} with what the {@link BudgetHook}
 * needs to know in one field read: which state's hook owns it, its index there, and whether its code contains an
 * {@code OP_CONCAT} (only such frames have their registers tracked, which keeps reference stores — and their GC
 * barriers — off the call path of everything else).
 */
final class CheckedPrototype extends Prototype {
    final BudgetHook hook;
    /** Index in the hook's table; negative if the code contains OP_CONCAT. */
    final int kind;

    private CheckedPrototype(BudgetHook hook, int index, Prototype src) {
        this.hook = hook;
        this.kind = containsConcat(src.code) ? -index : index;
        k = src.k;
        code = src.code;
        lineinfo = src.lineinfo;
        locvars = src.locvars;
        upvalues = src.upvalues;
        source = src.source;
        linedefined = src.linedefined;
        lastlinedefined = src.lastlinedefined;
        numparams = src.numparams;
        is_vararg = src.is_vararg;
        maxstacksize = src.maxstacksize;
    }

    /** Copies {@code root} and all its nested functions, registering each with {@code hook}. */
    static CheckedPrototype adopt(BudgetHook hook, Prototype root) {
        CheckedPrototype copy = new CheckedPrototype(hook, hook.nextIndex(), root);
        hook.register(copy);
        Prototype[] children = root.p;
        if (children != null) {
            Prototype[] adopted = new Prototype[children.length];
            for (int i = 0; i < children.length; i++) {
                adopted[i] = adopt(hook, children[i]);
            }
            copy.p = adopted;
        }
        return copy;
    }

    private static boolean containsConcat(int[] code) {
        for (int i : code) {
            if ((i & 0x3f) == Lua.OP_CONCAT) {
                return true;
            }
        }
        return false;
    }
}
