package io.npflua.lua.compiler;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.Prototype;

/**
 * The few LuaJ internals compiled code must reach to behave as the interpreter does: where a {@link LuaError} was
 * raised ({@code fileline}), its finished message ({@code traceback}), and the interpreter's error hook (which runs
 * an {@code xpcall} handler). LuaJ keeps them package-private or protected; one place reads them, through private
 * lookups (LuaJ is on the class path, in our module).
 */
final class LuaJAccess {
    private static final VarHandle FILELINE;
    private static final VarHandle TRACEBACK;
    private static final VarHandle LEVEL;
    private static final MethodHandle ERROR_HOOK;

    static {
        try {
            MethodHandles.Lookup errors = MethodHandles.privateLookupIn(LuaError.class, MethodHandles.lookup());
            FILELINE = errors.findVarHandle(LuaError.class, "fileline", String.class);
            TRACEBACK = errors.findVarHandle(LuaError.class, "traceback", String.class);
            LEVEL = errors.findVarHandle(LuaError.class, "level", int.class);
            MethodHandles.Lookup closures = MethodHandles.privateLookupIn(LuaClosure.class, MethodHandles.lookup());
            ERROR_HOOK = closures.findVirtual(LuaClosure.class, "errorHook",
                    MethodType.methodType(String.class, String.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private LuaJAccess() {
    }

    /** A closure that carries only {@code globals}: the receiver of the interpreter's error hook. */
    static LuaClosure hookCarrier(Globals globals) {
        return new LuaClosure(new Prototype(), globals);
    }

    /** What the interpreter does when a LuaError leaves a frame at {@code pc} for the first time. */
    static void stamp(LuaError e, LuaClosure carrier, Prototype p, int pc) {
        if (TRACEBACK.get(e) != null) {
            return;
        }
        String source = p.source != null ? p.source.tojstring() : "?";
        String line = p.lineinfo != null && pc >= 0 && pc < p.lineinfo.length ? String.valueOf(p.lineinfo[pc]) : "?";
        FILELINE.set(e, source + ":" + line);
        String traceback;
        try {
            traceback = (String) ERROR_HOOK.invokeExact(carrier, e.getMessage(), levelOf(e));
        } catch (Throwable t) {
            traceback = "error in error handling";
        }
        TRACEBACK.set(e, traceback);
    }

    private static int levelOf(LuaError e) {
        return (int) LEVEL.get(e);
    }
}
