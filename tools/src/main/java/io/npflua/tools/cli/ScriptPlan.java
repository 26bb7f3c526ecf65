package io.npflua.tools.cli;

import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.ScriptLimits;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.lua.sandbox.ExecutionModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A script the engine is to load at start: where it comes from and how it runs. Null {@code entry}, {@code onError},
 * {@code maxInstructions}, {@code execution} and {@code limits} mean "the defaults" (command-line or configuration defaults, else
 * the engine's).
 */
record ScriptPlan(
        String name,
        Path file,
        String entry,
        ErrorPolicy onError,
        Long maxInstructions,
        ExecutionModel execution,
        ScriptLimits limits) {
    /** A plan that runs as the command line (or the default) says. */
    ScriptPlan(String name, Path file, String entry, ErrorPolicy onError, Long maxInstructions) {
        this(name, file, entry, onError, maxInstructions, null, null);
    }

    /** The spec, with the file read and defaults applied where this plan has none. */
    ScriptSpec toSpec(ErrorPolicy defaultPolicy, Long defaultMax) {
        ErrorPolicy policy = onError != null ? onError : defaultPolicy;
        Long max = maxInstructions != null ? maxInstructions : defaultMax;
        return ScriptFiles.spec(name, file, entry, policy, max == null ? 0 : max)
                .withExecution(execution)
                .withLimits(limits);
    }

    /** Plans for {@code -s} arguments (no per-script settings). */
    static List<ScriptPlan> of(List<ScriptArgument> args) {
        List<ScriptPlan> plans = new ArrayList<>();
        for (ScriptArgument a : args) {
            plans.add(new ScriptPlan(a.name(), a.file(), null, null, null));
        }
        return plans;
    }

    /**
     * Joins script lists in load order: {@code base} first, then {@code later}; a later plan with a name already
     * present replaces it in place (so {@code -s ssh=new.lua} overrides the configuration's {@code ssh}).
     */
    static List<ScriptPlan> merge(List<ScriptPlan> base, List<ScriptPlan> later) {
        List<ScriptPlan> out = new ArrayList<>(base);
        for (ScriptPlan p : later) {
            int at = -1;
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).name().equals(p.name())) {
                    at = i;
                }
            }
            if (at >= 0) {
                out.set(at, p);
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /** Throws a usage error when two plans in {@code plans} share a name. */
    static void checkUnique(List<ScriptPlan> plans, String where) {
        for (int i = 0; i < plans.size(); i++) {
            for (int j = i + 1; j < plans.size(); j++) {
                if (plans.get(i).name().equals(plans.get(j).name())) {
                    throw CliFailure.usage(
                            "two scripts named '" + plans.get(i).name() + "' " + where,
                            plans.get(i).file() + " and " + plans.get(j).file(),
                            "give one of them another name with -s NAME=FILE.lua");
                }
            }
        }
    }
}
