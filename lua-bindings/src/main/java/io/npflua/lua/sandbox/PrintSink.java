package io.npflua.lua.sandbox;

/** Where a script's {@code print} goes: one call per {@code print}, the line without its newline. */
@FunctionalInterface
public interface PrintSink {
    /** Writes {@code scriptName: line} to standard error. */
    PrintSink STDERR = (scriptName, line) -> System.err.println(scriptName + ": " + line);

    /** Called on the thread that runs the script; should not block for long. */
    void print(String scriptName, String line);
}
