package io.npflua.engine.rule;

import java.util.List;

/**
 * A rule that passed validation (compiled, top-level chunk run, entry function found) and can now make one isolated
 * instance per worker. The engine calls {@link #newInstance(int)} on the control thread, once per worker, before it
 * publishes a new chain, so a worker never waits for a Lua state to be built.
 */
public interface PreparedRule {
    /**
     * A fresh, isolated instance for worker {@code workerIndex}. May throw {@link RuleRejectedException} (e.g. the
     * top-level chunk behaves differently the second time); then the change is rejected as a whole.
     */
    Rule newInstance(int workerIndex) throws RuleRejectedException;

    /**
     * Notes for the user about how the rule will run (for a Lua script: how many of its functions are compiled, and
     * why any is left to the interpreter), one line each; none by default.
     */
    default List<String> notes() {
        return List.of();
    }
}
