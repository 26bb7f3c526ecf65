package io.npflua.engine.flow;

/**
 * Told when a flow ends, just before its entry is freed (its fields are still readable): the owner of per-flow
 * side data (a script's {@code flow.vars}, decision state) drops it here. Called on the table's thread from
 * {@link FlowTable#track}, {@link FlowTable#expire} and {@link FlowTable#remove}; must not call back into the table
 * except to read the entry.
 */
@FunctionalInterface
public interface FlowEndListener {
    /**
     * @param entry  the flow's entry, free again once this returns
     * @param reason {@link FlowTable#END_EXPIRED}, {@link FlowTable#END_EVICTED} or {@link FlowTable#END_REMOVED}
     */
    void onFlowEnd(int entry, int reason);
}
