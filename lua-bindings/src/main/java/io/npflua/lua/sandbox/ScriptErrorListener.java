package io.npflua.lua.sandbox;

/**
 * Told about every failed call of a script (the outcome is also returned by {@link ScriptState#call}). Called on the
 * thread that ran the call, after the state has been made ready for the next call; must not throw.
 */
@FunctionalInterface
public interface ScriptErrorListener {
    /** Writes {@code script 'name': message} to standard error. */
    ScriptErrorListener STDERR = (scriptName, outcome, message) ->
            System.err.println("script '" + scriptName + "' " + outcome + ": " + message);

    /** Ignores errors (the caller still gets the outcome). */
    ScriptErrorListener IGNORE = (scriptName, outcome, message) -> {};

    /**
     * @param scriptName the script's name
     * @param outcome    the kind of error ({@link CallOutcome#isError()} is true)
     * @param message    what happened, with script name and line where known ({@code ssh.lua:12: ...})
     */
    void onError(String scriptName, CallOutcome outcome, String message);
}
