package io.npflua.engine.rule;

import io.npflua.lua.sandbox.ExecutionModel;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A script as the user gave it: a name (unique in the chain), its Lua source, the entry function to call per frame
 * (default {@code filter}), the policy when it fails on a frame (default {@link ErrorPolicy#PASS}), the
 * instruction budget per call (0 = the factory's default), and how it runs (compiled to JVM bytecode or
 * interpreted; null = the factory's default), and its own time, allocation and state-memory limits
 * ({@link ScriptLimits}; null fields = the factory's).
 */
public record ScriptSpec(
        String name,
        String source,
        String entry,
        ErrorPolicy onError,
        long maxInstructions,
        ExecutionModel execution,
        ScriptLimits limits)
        implements RuleSpec {
    /** The entry function called when none is named. */
    public static final String DEFAULT_ENTRY = "filter";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern ENTRY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    /** Validates the fields and applies defaults for a null entry or policy. */
    public ScriptSpec {
        checkName(name);
        Objects.requireNonNull(source, "source");
        entry = entry == null || entry.isEmpty() ? DEFAULT_ENTRY : entry;
        if (!ENTRY.matcher(entry).matches()) {
            throw new IllegalArgumentException("entry function '" + entry + "' is not a Lua identifier");
        }
        onError = onError == null ? ErrorPolicy.PASS : onError;
        limits = limits == null ? ScriptLimits.DEFAULTS : limits;
        if (maxInstructions < 0) {
            throw new IllegalArgumentException("max instructions must be >= 0 (0 = default), got " + maxInstructions);
        }
    }

    /** A script that runs as the factory's default says. */
    public ScriptSpec(String name, String source, String entry, ErrorPolicy onError, long maxInstructions) {
        this(name, source, entry, onError, maxInstructions, null, null);
    }

    /** Always {@code lua}. */
    @Override
    public String kind() {
        return "lua";
    }

    /** A script with the default entry, policy and budget. */
    public static ScriptSpec of(String name, String source) {
        return new ScriptSpec(name, source, null, null, 0);
    }

    /** Same script with another source (for reload). */
    public ScriptSpec withSource(String newSource) {
        return new ScriptSpec(name, newSource, entry, onError, maxInstructions, execution, limits);
    }

    /** Same script run as {@code model} says (null: the factory's default). */
    public ScriptSpec withExecution(ExecutionModel model) {
        return new ScriptSpec(name, source, entry, onError, maxInstructions, model, limits);
    }

    /** Same script with its own limits (null: the factory's). */
    public ScriptSpec withLimits(ScriptLimits own) {
        return new ScriptSpec(name, source, entry, onError, maxInstructions, execution, own);
    }

    /** Throws {@link IllegalArgumentException} unless {@code name} is 1..64 of {@code A-Z a-z 0-9 _ . : -}. */
    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("rule name '" + name
                    + "' is invalid: use 1 to 64 characters among letters, digits, '_', '.', ':' and '-'");
        }
    }
}
