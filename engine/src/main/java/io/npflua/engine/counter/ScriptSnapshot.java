package io.npflua.engine.counter;

/**
 * One rule's counters summed over all workers, with its description. {@code calls = passed + blocked + errors()}.
 *
 * @param name          the rule's name
 * @param kind          {@code lua} or {@code java}
 * @param entry         the entry function ({@code null} for Java handlers)
 * @param onError       {@code pass} or {@code block}
 * @param generation    1 at load, +1 per reload
 * @param timeNs        estimated time in the rule (sampled and scaled), 0 when timing is off
 * @param lastError     text of a recent failure, or null
 */
public record ScriptSnapshot(String name, String kind, String entry, String onError, long generation, long calls,
                             long passed, long blocked, long luaErrors, long budgetErrors, long handlerErrors,
                             long timeNs, String lastError) {
    /** All failures together. */
    public long errors() {
        return luaErrors + budgetErrors + handlerErrors;
    }
}
