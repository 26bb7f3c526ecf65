package io.npflua.lua.sandbox;

import org.luaj.vm2.LuaError;

/**
 * A sandbox size limit was hit (see {@link SandboxLimits#MAX_STRING_BYTES}). A {@link LuaError}, so a script's
 * {@code pcall} may catch it; uncaught, the call's outcome is {@link CallOutcome#SIZE_LIMIT}.
 */
public final class SizeLimitError extends LuaError {
    private static final long serialVersionUID = 1L;

    public SizeLimitError(String message) {
        super(message);
    }
}
