package io.npflua.lua.sandbox;

/** A script could not be loaded: it does not compile, its top-level chunk failed, or it lacks its entry function. */
public final class ScriptLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    public ScriptLoadException(String message) {
        super(message);
    }

    public ScriptLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
