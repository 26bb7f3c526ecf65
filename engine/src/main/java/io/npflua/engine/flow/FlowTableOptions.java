package io.npflua.engine.flow;

import java.util.Objects;

/**
 * How a {@link FlowTable} is sized and behaves.
 *
 * @param maxFlows          flows held at most (1 .. {@value #MAX_FLOWS_LIMIT}); every array is allocated for this
 *                          many at construction, at most {@value FlowTable#MAX_BYTES_PER_FLOW} bytes per flow
 * @param timeouts          idle timeouts per protocol and state
 * @param sweepPerLookup    table entries checked for expiry on each {@link FlowTable#track} call (0: only
 *                          {@link FlowTable#expire} expires); default 2, so a full table is swept every
 *                          {@code maxFlows / 2} frames
 * @param evictEstablished  when the table is full and no flow is closing, closed or new, may an established flow
 *                          (the least recently active of a few, by a clock hand) make room? Default true: idle
 *                          established flows would otherwise keep new connections untracked for up to an hour.
 *                          False behaves like conntrack, which never drops an assured connection early: new flows
 *                          are then counted as untracked
 */
public record FlowTableOptions(int maxFlows, FlowTimeouts timeouts, int sweepPerLookup, boolean evictEstablished) {
    /** Default maximum of flows: 65,536 (about 11 MiB). */
    public static final int DEFAULT_MAX_FLOWS = 65_536;
    /** Largest maximum: the index (two slots per flow, a power of two) must fit an array. */
    public static final int MAX_FLOWS_LIMIT = 1 << 28;

    public FlowTableOptions {
        Objects.requireNonNull(timeouts, "timeouts");
        if (maxFlows < 1 || maxFlows > MAX_FLOWS_LIMIT) {
            throw new IllegalArgumentException("maxFlows must be 1.." + MAX_FLOWS_LIMIT + ", got " + maxFlows);
        }
        if (sweepPerLookup < 0 || sweepPerLookup > 64) {
            throw new IllegalArgumentException("sweepPerLookup must be 0..64, got " + sweepPerLookup);
        }
    }

    /** {@link #DEFAULT_MAX_FLOWS}, {@link FlowTimeouts#defaults()}, 2 entries swept per lookup, evict established. */
    public static FlowTableOptions defaults() {
        return new FlowTableOptions(DEFAULT_MAX_FLOWS, FlowTimeouts.defaults(), 2, true);
    }

    public FlowTableOptions withMaxFlows(int value) {
        return new FlowTableOptions(value, timeouts, sweepPerLookup, evictEstablished);
    }

    public FlowTableOptions withTimeouts(FlowTimeouts value) {
        return new FlowTableOptions(maxFlows, value, sweepPerLookup, evictEstablished);
    }

    public FlowTableOptions withSweepPerLookup(int value) {
        return new FlowTableOptions(maxFlows, timeouts, value, evictEstablished);
    }

    public FlowTableOptions withEvictEstablished(boolean value) {
        return new FlowTableOptions(maxFlows, timeouts, sweepPerLookup, value);
    }
}
