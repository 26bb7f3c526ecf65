package io.npflua.lua.compiler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;

/**
 * The few LuaJ internals compiled code must reach to give an error its final value as Lua does: the error's level
 * ({@code error(msg, level)}), its value object, and its finished message ({@code traceback}, which LuaJ also uses
 * as the mark "positioned already"). LuaJ keeps them protected or private; one place reads them, through private
 * lookups (LuaJ is on the class path, in our module).
 */
final class LuaJAccess {
    private static final VarHandle TRACEBACK;
    private static final VarHandle LEVEL;
    private static final VarHandle OBJECT;

    static {
        try {
            MethodHandles.Lookup errors = MethodHandles.privateLookupIn(LuaError.class, MethodHandles.lookup());
            TRACEBACK = errors.findVarHandle(LuaError.class, "traceback", String.class);
            LEVEL = errors.findVarHandle(LuaError.class, "level", int.class);
            OBJECT = errors.findVarHandle(LuaError.class, "object", LuaValue.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private LuaJAccess() {}

    /**
     * What Lua does when error {@code e} leaves a compiled frame of {@code p} at {@code pc}, the frame being
     * {@code level} 1 of {@code error(msg, level)} for the first frame that sees it, 2 for its caller, and so on:
     * <ul>
     *   <li>an error already finished passes unchanged;</li>
     *   <li>at a level above 1 the level drops by one and the error passes on, so that the caller's frame (which is
     *       level 1 for it now) names its own line;</li>
     *   <li>at level 1 a string message gets the position {@code chunk:line: } ({@code level 0} none; a value that
     *       is not a string never gets one);</li>
     *   <li>then the message handler of an enclosing {@code xpcall}, if any, gets the value (any value, nil and
     *       false included) and its first result becomes the error's value.</li>
     * </ul>
     * The value is stored as the error's message object, its text as the finished message, so {@code pcall},
     * {@code xpcall} and the sandbox's reports read it as they read any LuaError.
     */
    static void stamp(LuaError e, Globals globals, Prototype p, int pc) {
        if (TRACEBACK.get(e) != null) {
            return;
        }
        int level = (int) LEVEL.get(e);
        if (level > 1) {
            LEVEL.set(e, level - 1);
            return;
        }
        LuaValue object = (LuaValue) OBJECT.get(e);
        LuaValue value;
        if (object != null) {
            value = object; // error(v) with a value that is not a string: kept as it is
        } else {
            String m = e.getMessage(); // not finished yet: the bare message
            if (m == null) {
                value = LuaValue.NIL;
            } else if (level == 1) {
                value = LuaValue.valueOf(position(p, pc) + ": " + m);
            } else {
                value = LuaValue.valueOf(m);
            }
        }
        LuaThread running = globals == null ? null : globals.running;
        LuaValue handler = running == null ? null : running.errorfunc;
        if (handler != null) {
            running.errorfunc = null; // an error inside the handler does not call it again
            try {
                value = handler.call(value);
            } catch (Throwable inHandler) {
                // As LuaJ's own error hook: whatever the handler raised (a spent budget included: the budget stays
                // spent and the call is reported as cut off) becomes this message, and the frame unwinds normally.
                value = LuaValue.valueOf("error in error handling");
            } finally {
                running.errorfunc = handler;
            }
        }
        OBJECT.set(e, value);
        LEVEL.set(e, 0);
        TRACEBACK.set(e, value.tojstring());
    }

    /**
     * True for an error no frame has finished yet, raised with a plain message at level 1 (as LuaJ's VM operations
     * raise theirs).
     */
    static boolean isFresh(LuaError e) {
        return TRACEBACK.get(e) == null && OBJECT.get(e) == null && (int) LEVEL.get(e) == 1 && e.getCause() == null;
    }

    /** {@code chunk:line} of {@code pc} in {@code p}, {@code ?} for what the debug information lacks. */
    static String position(Prototype p, int pc) {
        String source = p.source != null ? p.source.tojstring() : "?";
        String line = p.lineinfo != null && pc >= 0 && pc < p.lineinfo.length ? String.valueOf(p.lineinfo[pc]) : "?";
        return source + ":" + line;
    }
}
