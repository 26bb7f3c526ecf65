package io.npflua.lua.sandbox;

import org.luaj.vm2.LuaError;

/**
 * Lua calls nested deeper than the state's limit ("stack overflow", as Lua says). A {@link LuaError}, so a
 * {@code pcall} may catch it as in Lua; uncaught, the call's outcome is {@link CallOutcome#STACK_OVERFLOW}.
 */
final class CallDepthError extends LuaError {
    private static final long serialVersionUID = 1L;

    public CallDepthError(int limit) {
        super("stack overflow (more than " + limit + " nested calls)");
    }
}
