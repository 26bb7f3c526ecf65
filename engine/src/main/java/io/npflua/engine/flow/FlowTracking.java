package io.npflua.engine.flow;

import java.util.Objects;

/**
 * Whether and how the workers track flows.
 *
 * @param enabled      track flows (the default); off, scripts see no flows ({@code pkt:flow()} is nil) and nothing
 *                     is bypassed
 * @param table        each worker's table: size, timeouts, eviction
 * @param inspectBytes after this many transport payload bytes in one direction of a flow, the rules that have not
 *                     decided about it are treated as having passed it ({@code --inspect-bytes}); 0 = no limit
 */
public record FlowTracking(boolean enabled, FlowTableOptions table, long inspectBytes) {
    public FlowTracking {
        Objects.requireNonNull(table, "table");
        if (inspectBytes < 0) {
            throw new IllegalArgumentException("inspect bytes must be >= 0 (0 = no limit), got " + inspectBytes);
        }
    }

    /** Tracking on, {@link FlowTableOptions#defaults()}, no inspection limit. */
    public static FlowTracking defaults() {
        return new FlowTracking(true, FlowTableOptions.defaults(), 0);
    }

    /** No tracking. */
    public static FlowTracking off() {
        return new FlowTracking(false, FlowTableOptions.defaults(), 0);
    }

    public FlowTracking withEnabled(boolean value) {
        return new FlowTracking(value, table, inspectBytes);
    }

    public FlowTracking withTable(FlowTableOptions value) {
        return new FlowTracking(enabled, value, inspectBytes);
    }

    public FlowTracking withInspectBytes(long value) {
        return new FlowTracking(enabled, table, value);
    }
}
