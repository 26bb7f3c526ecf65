package io.npflua.lua.shared;

import org.luaj.vm2.LuaError;

/** A shared table refused an operation (full, wrong value type); a Lua error in the calling script. */
final class SharedTableException extends LuaError {
    private static final long serialVersionUID = 1L;

    public SharedTableException(String message) {
        super(message);
    }
}
