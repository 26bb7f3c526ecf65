package io.npflua.lua.core;

import org.luaj.vm2.LuaError;

/**
 * A sandbox size limit was hit (a string over the sandbox's maximum). A {@link LuaError}, so a script's
 * {@code pcall} may catch it; uncaught, the sandbox counts the call as a size-limit failure.
 */
public final class SizeLimitError extends LuaError {
    private static final long serialVersionUID = 1L;

    public SizeLimitError(String message) {
        super(message);
    }
}
