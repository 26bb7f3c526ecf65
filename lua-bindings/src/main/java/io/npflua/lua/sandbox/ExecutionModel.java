package io.npflua.lua.sandbox;

import java.util.Locale;

/**
 * How a script's functions run: compiled to JVM bytecode (the default), or in LuaJ 3.0.1's interpreter. A function
 * the compiler refuses runs in the interpreter whatever the model; {@link ScriptState#functions()} says which.
 */
public enum ExecutionModel {
    /** Every function the compiler accepts runs as JVM bytecode ({@code io.npflua.lua.compiler}). */
    COMPILED,
    /** Every function runs in LuaJ's interpreter loop. */
    INTERPRETED;

    /** System property that sets the default model ({@code compiled} or {@code interpreted}). */
    public static final String PROPERTY = "npflua.lua.execution";

    /** The model named {@code name} (case-insensitive: {@code compiled}, {@code interpreted}). */
    public static ExecutionModel parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "compiled", "compiler", "jit" -> COMPILED;
            case "interpreted", "interpreter", "interp" -> INTERPRETED;
            default ->
                throw new IllegalArgumentException(
                        "unknown execution model '" + name + "': expected compiled or interpreted");
        };
    }

    /** The default: {@link #COMPILED} unless the system property {@value #PROPERTY} says otherwise. */
    public static ExecutionModel defaultModel() {
        String s = System.getProperty(PROPERTY);
        return s == null || s.isBlank() ? COMPILED : parse(s);
    }

    /** The lower-case name used on the command line and in reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
