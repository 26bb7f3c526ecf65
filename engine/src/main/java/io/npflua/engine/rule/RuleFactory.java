package io.npflua.engine.rule;

import io.npflua.lua.sandbox.CallOutcome;

/**
 * Turns a {@link ScriptSpec} into a {@link PreparedRule}. The Lua sandbox plugs in here at merge: {@code prepare}
 * compiles the source, runs its top-level chunk in a scratch state under the budget and checks the entry function;
 * {@code newInstance} builds one {@code ScriptState} per worker and wraps it in a {@link Rule} whose
 * {@code evaluate} binds the worker's reusable data object to the frame, calls the entry, releases the object and
 * maps pass/block/error to a {@link CallOutcome}.
 *
 * <p>Called on the control thread (start-up or a runtime load), never on a worker.
 */
@FunctionalInterface
public interface RuleFactory {
    /** Validates and prepares {@code spec}; throws with the error text when it cannot run. */
    PreparedRule prepare(ScriptSpec spec) throws RuleRejectedException;

    /**
     * A factory for throwaway instances that warm up the JIT before capture starts ({@code Engine.Builder.warmup}):
     * their states must have no effect the real instances or the user can see (own globals, own {@code shared}
     * tables, {@code print} to nowhere). Null (the default): rules of this factory are not run during warm-up.
     */
    default RuleFactory warmupFactory() {
        return null;
    }

    /** A factory that rejects every script, for engines built without Lua support. */
    RuleFactory NONE = spec -> {
        throw new RuleRejectedException("script '" + spec.name() + "' cannot be loaded: this engine has no Lua rule"
                + " factory (Engine.builder().ruleFactory(...))");
    };
}
