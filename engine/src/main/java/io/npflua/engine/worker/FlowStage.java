package io.npflua.engine.worker;

import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.event.EventProducer;
import io.npflua.engine.flow.FlowEndListener;
import io.npflua.engine.flow.FlowTable;
import io.npflua.engine.flow.FlowTracking;
import io.npflua.engine.source.Frame;
import java.security.SecureRandom;

/**
 * A worker's flow tracking, run on each frame before the chain: finds the frame's flow in the worker's
 * {@link FlowTable} and decides what the chain need not: a frame of a blocked flow is dropped, a frame of a flow that
 * every rule passed is bypassed (no rule called), and a flow past the inspection limit counts as passed by the rules
 * that had not decided. Otherwise the frame goes to the chain with its flow attached ({@link Frame#flow}).
 *
 * <p>Owned by one worker thread. Allocates nothing per frame.
 */
final class FlowStage implements FlowEndListener {
    /** {@link #onFrame}: run the chain (with the flow attached, or without a flow). */
    static final int RUN = 0;
    /** {@link #onFrame}: a rule blocked the flow before; drop the frame without calling a rule. */
    static final int BLOCK = 1;
    /** {@link #onFrame}: every rule passed the flow before; pass the frame without calling a rule. */
    static final int BYPASS = 2;

    /** Entries checked for expiry per idle duty cycle (a few hundred cost about a microsecond). */
    static final int IDLE_SWEEP = 256;
    /** The shortest time between two idle sweeps: up to 256,000 entries a second. */
    static final long IDLE_SWEEP_INTERVAL_NS = 1_000_000;

    private final FlowTable table;
    private final long inspectBytes;
    private final boolean liveClock;
    private final long[] slotEpochs = new long[RuleChain.MAX_DECISION_SLOTS];
    /** The slots the adopted chain's rules hold. */
    private long heldSlots;

    private RuleChain chain;
    private long lastFrameNs;
    private long lastIdleSweepNs = Long.MIN_VALUE / 2;
    private EventProducer events;

    /**
     * @param liveClock idle flows age with the wall clock (live capture); false: with the times of the frames (a file)
     */
    FlowStage(FlowTracking tracking, int worker, boolean liveClock) {
        // Ids: worker << 40 + n, unique across workers and exact (and printed whole) as Lua numbers.
        this.table = new FlowTable(tracking.table(), (long) worker << 40, new SecureRandom().nextLong());
        this.inspectBytes = tracking.inspectBytes();
        this.liveClock = liveClock;
        table.endListener(this);
    }

    /** The table (for listings, taken on the worker's thread). */
    FlowTable table() {
        return table;
    }

    /**
     * The worker adopted {@code next}: a decision slot that no rule of {@code next} holds any more (its rule was
     * unloaded), or whose epoch changed (a rule loaded or reloaded into it), loses its decisions in every flow first.
     * Visits the whole table only then, once; not on the packet path.
     */
    void adopt(RuleChain next) {
        chain = next;
        long clear = heldSlots & ~next.slotMask();
        for (int i = 0; i < next.size(); i++) {
            int slot = next.slot(i);
            if (slot >= 0 && slotEpochs[slot] != next.epoch(i)) {
                clear |= 1L << slot;
                slotEpochs[slot] = next.epoch(i);
            }
        }
        for (long m = heldSlots & ~next.slotMask(); m != 0; m &= m - 1) {
            slotEpochs[Long.numberOfTrailingZeros(m)] = 0;
        }
        if (clear != 0) {
            table.clearDecisionMask(clear);
        }
        heldSlots = next.slotMask();
    }

    /** Tracks {@code frame} and says what to do with it: {@link #RUN}, {@link #BLOCK} or {@link #BYPASS}. */
    int onFrame(Frame frame, WorkerCounters counters) {
        final long now = frame.timestampNs();
        // The file's clock for expireIdle; live, idle flows age with the wall clock instead.
        if (!liveClock && now > lastFrameNs) {
            lastFrameNs = now;
        }
        final FlowTable t = table;
        final int e = t.track(frame.segment(), frame.offset(), frame.capturedLength(), frame.wireLength(), now);
        if (e < 0) {
            if (e == FlowTable.UNTRACKED) {
                counters.increment(WorkerCounter.FLOWS_UNTRACKED);
            }
            return RUN;
        }
        // Unloaded and reloaded rules' bits were cleared when the chain was adopted: any bit left is a live block.
        if (t.blockedMask(e) != 0) {
            return BLOCK;
        }
        final int direction = t.lastDirection();
        long passed = t.passedMask(e);
        final long inspected = chain.inspectMask();
        if (inspectBytes > 0
                && (passed & inspected) != inspected
                && t.payloadBytes(e, direction) - t.lastKey().payloadLength() >= inspectBytes) {
            // Inspected enough of this direction: the scripts that have not decided are done with the flow.
            passed |= inspected;
            t.passedMask(e, passed);
        }
        if (chain.bypasses(passed)) {
            return BYPASS;
        }
        frame.flow(t, e, direction);
        return RUN;
    }

    /**
     * Ends flows idle past their timeout, {@value #IDLE_SWEEP} entries at a time, at most once per
     * {@link #IDLE_SWEEP_INTERVAL_NS}; for the worker's idle path, with its monotonic clock. A worker that keeps up
     * with busy traffic (a bridge between super-frames) goes idle thousands of times a second, and sweeping on each
     * of those took 3–5 % of its time; a quiet one wakes every few milliseconds and sweeps each time, as before.
     */
    void expireIdle(long monotonicNs) {
        if (monotonicNs - lastIdleSweepNs < IDLE_SWEEP_INTERVAL_NS) {
            return;
        }
        lastIdleSweepNs = monotonicNs;
        table.expire(liveClock ? System.currentTimeMillis() * 1_000_000L : lastFrameNs, IDLE_SWEEP);
    }

    /** Copies the table's counters into the worker's (every stats interval and at close). */
    void publish(WorkerCounters counters) {
        counters.set(WorkerCounter.FLOWS_ACTIVE, table.active());
        counters.set(WorkerCounter.FLOWS_CREATED, table.created());
        counters.set(WorkerCounter.FLOWS_EXPIRED, table.expired());
        counters.set(WorkerCounter.FLOWS_EVICTED, table.evicted() + table.removed());
    }

    /** Flow-end records go to {@code producer} (null: none). */
    void events(EventProducer producer) {
        this.events = producer;
    }

    @Override
    public void onFlowEnd(int entry, int reason) {
        if (events != null) {
            events.flowEnded(table, entry, reason);
        }
        if (chain != null) {
            chain.onFlowEnd(entry);
        }
    }
}
