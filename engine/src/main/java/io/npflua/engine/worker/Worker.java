package io.npflua.engine.worker;

import io.npflua.engine.agent.Agent;
import io.npflua.engine.agent.AgentTerminationException;
import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.agent.IdleStrategy;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.event.EventProducer;
import io.npflua.engine.flow.FlowRecord;
import io.npflua.engine.flow.FlowTable;
import io.npflua.engine.flow.FlowTracking;
import io.npflua.engine.output.Forwarder;
import io.npflua.engine.output.VerdictSink;
import io.npflua.engine.source.Frame;
import io.npflua.engine.source.FrameConsumer;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.SourceFailedException;
import io.npflua.engine.source.SourceGoneException;
import io.npflua.engine.source.SourceStats;
import io.npflua.lua.sandbox.CallOutcome;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One worker, as an {@link Agent}: it owns its sources (one per captured interface; two on an inline bridge), its
 * chain instances, its outputs and its counters, and its duty cycle ({@link #doWork()}) is: adopt a new chain if one
 * was published → poll each source (up to {@code batch} frames, within the frame limit) → read kernel stats every
 * {@code statsIntervalNs}. The thread, idling, deaths and restarts are the {@link io.npflua.engine.agent.AgentRunner}'s.
 *
 * <p>Faults: a source that throws {@link SourceGoneException} (its interface was deleted) is reported and no longer
 * polled; one that throws {@link SourceFailedException} (its input failed: a corrupt or truncated capture file) is
 * counted as a source error, reported once ({@link ErrorHandler#onSourceError}) and no longer polled; when no source
 * is left the worker ends ({@link AgentTerminationException}). Rule failures are counted by the chain; outputs that
 * throw are counted by {@link VerdictOutputs}; anything else (a bug in a source, an {@code Error}) escapes
 * {@code doWork} as a death, after the frame in hand, if any, was counted as seen, blocked and aborted so that the
 * totals still balance.
 *
 * <p>Close ({@link #onClose}): quiesce the sources, drain what the kernel already queued, read the final kernel stats,
 * close sinks, forwarders and sources, give back an unused share of the frame limit.
 */
public final class Worker implements Agent {
    /** A source and where its passed frames go (null forwarder: capture only). */
    public record Route(FrameSource source, Forwarder forwarder) {}

    private static final VarHandle ADOPTED;
    private static final long DRAIN_LIMIT = 1 << 20;
    /** How long the final drain waits for frames the kernel counted but has not handed over (a late retire timer). */
    private static final long FINAL_DRAIN_NS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Batches of the frame limit claimed at a time (see {@link #reserved}). */
    private static final int RESERVE_BATCHES = 16;

    static {
        try {
            ADOPTED = MethodHandles.lookup().findVarHandle(Worker.class, "adoptedVersion", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int index;
    private final Route[] routes;
    private final RouteConsumer[] consumers;
    private final boolean[] gone;
    private final VerdictOutputs outputs;
    private final ChainBoard board;
    private final ErrorHandler errors;
    private final WorkerCounters counters;
    private final SourceStats stats = new SourceStats();
    private final int batch;
    private final long statsIntervalNs;

    private RuleChain chain;
    /** Flow tracking, or null when off. */
    private FlowStage flowStage;
    /** Where capture time is published (replay), or null. */
    private CaptureClock captureClock;
    /** A listing another thread asked for, answered between two frames. */
    private final AtomicReference<FlowListingRequest> listingRequest = new AtomicReference<>();

    /** A request for this worker's flows: at most {@code limit}, answered through {@code answer}. */
    private record FlowListingRequest(int limit, CompletableFuture<List<FlowRecord>> answer) {}

    private long chainVersion = -1;

    @SuppressWarnings("unused") // accessed through ADOPTED
    private long adoptedVersion = -1;

    private long nextStatsNs;
    /** True while the chain decides a frame: a death then leaves that frame to be counted as aborted. */
    private boolean inHand;
    /** The engine's frame limit, or null; set before the worker runs. */
    private FrameQuota quota;
    /**
     * Frames of the quota this worker has claimed and not yet handed out: claimed {@value #RESERVE_BATCHES} batches
     * at a time so that a limit costs one compare-and-set per that many frames, not two atomics per poll; given back
     * whenever a poll finds nothing, so that a worker without traffic never holds frames another could take.
     */
    private int reserved;
    /** This worker's side of the event log, or null without one. */
    private EventProducer events;

    /** Builds a worker; nothing runs until a runner calls {@link #doWork()}. */
    public Worker(
            int index,
            Route[] routes,
            VerdictSink passedSink,
            VerdictSink blockedSink,
            ChainBoard board,
            ErrorHandler errors,
            WorkerCounters counters,
            int batch,
            long statsIntervalNs) {
        if (routes.length == 0) {
            throw new IllegalArgumentException("a worker needs at least one source");
        }
        this.index = index;
        this.routes = routes.clone();
        this.consumers = new RouteConsumer[routes.length];
        this.gone = new boolean[routes.length];
        for (int i = 0; i < routes.length; i++) {
            consumers[i] =
                    new RouteConsumer(routes[i].forwarder(), routes[i].source().name());
        }
        this.outputs = new VerdictOutputs(passedSink, blockedSink, counters, errors, index);
        this.board = board;
        this.errors = errors;
        this.counters = counters;
        this.batch = batch;
        this.statsIntervalNs = statsIntervalNs;
        this.nextStatsNs = System.nanoTime();
    }

    /** Publishes each frame's capture time on {@code clock} before the chain runs (replay). Call before it runs. */
    public Worker captureClock(CaptureClock clock) {
        this.captureClock = clock;
        return this;
    }

    /**
     * Tracks flows as {@code tracking} says (nothing when it is off): call before the worker runs. Idle flows age with
     * the wall clock when a source is live, else with the frames' own times.
     */
    public Worker flows(FlowTracking tracking) {
        if (tracking != null && tracking.enabled()) {
            boolean live = false;
            for (Route r : routes) {
                live |= r.source().live();
            }
            flowStage = new FlowStage(tracking, index, live);
            flowStage.events(events);
        }
        return this;
    }

    /**
     * Shares the engine's frame limit ({@code -c}) with this worker: it then claims frames from {@code q} before each
     * poll and stops taking frames when it is used up. Call before the worker runs.
     */
    public Worker quota(FrameQuota q) {
        this.quota = q;
        return this;
    }

    /**
     * Hands this worker's blocked frames, alerts and script errors to the event log ({@code null}: none). Call before
     * the worker runs.
     */
    public Worker events(EventProducer producer) {
        this.events = producer;
        if (producer != null) {
            // The generation of an alert's or a failure's rule is the chain's: the rule it is calling.
            producer.generations(() -> chain.generationInCall());
        }
        if (flowStage != null) {
            flowStage.events(producer);
        }
        return this;
    }

    /**
     * How this worker should idle: in its source's own wait when it has exactly one source, else {@code fallback}.
     *
     * @param awaitTimeoutNs the longest wait in the source (bounds how late a stop or a new chain is noticed)
     */
    public IdleStrategy idleStrategy(IdleStrategy fallback, long awaitTimeoutNs) {
        return routes.length == 1 ? new SourceIdleStrategy(routes[0].source(), awaitTimeoutNs, fallback) : fallback;
    }

    @Override
    public String roleName() {
        return "npflua-worker-" + index;
    }

    /**
     * One duty cycle: adopt a newly published chain, poll every source, read kernel stats when due; flush the sinks
     * when idle or when stats are due. Returns the number of frames handled; throws {@link AgentTerminationException}
     * when no source is left. Allocates nothing. Called by the runner's thread, or directly on a worker no runner
     * runs (benchmarks, the JIT warm-up).
     */
    @Override
    public int doWork() {
        final ChainBoard.Version v = board.current();
        if (v.number() != chainVersion) {
            // Between two frames: the chain was fully built before it was published.
            chain = v.chains()[index];
            chainVersion = v.number();
            if (flowStage != null) {
                flowStage.adopt(chain);
            }
            counters.increment(WorkerCounter.CHAIN_SWAPS);
            ADOPTED.setRelease(this, v.number());
        }
        if (listingRequest.get() != null) {
            answerListing(listingRequest.getAndSet(null));
        }
        int work = 0;
        try {
            for (int i = 0; i < routes.length; i++) {
                if (!gone[i]) {
                    work += pollRoute(i);
                }
            }
        } catch (Throwable t) {
            abortFrameInHand();
            throw t;
        }
        final long now = System.nanoTime();
        if (now - nextStatsNs >= 0) {
            nextStatsNs = now + statsIntervalNs;
            readStats();
            // Under constant traffic the worker never idles: flush outputs on the stats clock as well.
            outputs.flushSinksIfDirty();
        }
        if (work == 0) {
            if (allEnded()) {
                throw new AgentTerminationException();
            }
            outputs.flushSinksIfDirty();
            if (flowStage != null) {
                flowStage.expireIdle(now);
            }
        }
        return work;
    }

    /**
     * Quiesces the sources, drains what the kernel queued (unless {@code failed}), reads the last kernel stats and
     * closes outputs and sources.
     */
    @Override
    public void onClose(boolean failed) {
        for (int i = 0; i < routes.length; i++) {
            if (gone[i]) {
                continue;
            }
            try {
                routes[i].source().quiesce();
            } catch (RuntimeException e) {
                report("quiescing " + routes[i].source().name() + " failed", e);
            }
        }
        if (!failed) {
            try {
                finalDrain();
            } catch (Throwable t) {
                abortFrameInHand();
                throw t;
            }
        } else {
            readStats();
        }
        closeQuietly(outputs.passedSink());
        closeQuietly(outputs.blockedSink());
        for (Route r : routes) {
            closeQuietly(r.forwarder());
            closeQuietly(r.source());
        }
        // A listing asked for while the worker was stopping: answer it from the final table.
        answerListing(listingRequest.getAndSet(null));
        if (quota != null) {
            // A worker that ends (its sources gone or failed) leaves its share of the frame limit to the others.
            quota.giveBack(reserved);
            reserved = 0;
        }
    }

    /**
     * Asks for up to {@code limitAsked} (at least 0) of this worker's flows; the worker copies them out of its table
     * on its own thread at its next duty cycle, or when it closes (empty when it tracks no flows). Callers at once
     * share one request, each answered with at most its own limit; cancelling the returned future leaves the others'
     * answers alone.
     */
    public CompletableFuture<List<FlowRecord>> listFlows(int limitAsked) {
        final int limit = Math.max(0, limitAsked);
        // A request still waiting is shared and raised to the largest limit asked (same answer, a new record: the
        // worker takes whichever is in place with getAndSet). Each caller gets its own dependent future, cut to its
        // limit, so that one caller giving up (cancel) does not cancel the shared answer.
        FlowListingRequest shared = listingRequest.updateAndGet(r -> r == null
                ? new FlowListingRequest(limit, new CompletableFuture<>())
                : r.limit() >= limit ? r : new FlowListingRequest(limit, r.answer()));
        return shared.answer().thenApply(flows -> flows.size() <= limit ? flows : List.copyOf(flows.subList(0, limit)));
    }

    private void answerListing(FlowListingRequest request) {
        if (request == null) {
            return;
        }
        List<FlowRecord> flows = new ArrayList<>();
        if (flowStage != null) {
            FlowTable t = flowStage.table();
            for (int e = t.nextFlow(0); e >= 0 && flows.size() < request.limit(); e = t.nextFlow(e + 1)) {
                flows.add(FlowRecord.of(index, t, e));
            }
        }
        request.answer().complete(flows);
    }

    /** The worker's index. */
    public int index() {
        return index;
    }

    /** The chain version this worker runs now (acquire load): the engine waits on it before closing old rules. */
    public long adoptedVersion() {
        return (long) ADOPTED.getAcquire(this);
    }

    /** This worker's counters. */
    public WorkerCounters counters() {
        return counters;
    }

    /** Polls route {@code i} once; a source that is gone or failed is marked and skipped from now on. */
    private int pollRoute(int i) {
        final Route route = routes[i];
        eventSource(i);
        final int n;
        try {
            n = pollWithinLimit(i);
        } catch (SourceGoneException e) {
            gone[i] = true;
            report("source " + route.source().name() + " is gone; the worker stops polling it", e);
            return 0;
        } catch (SourceFailedException e) {
            // An input error, not a bug: restarting would only meet it again.
            gone[i] = true;
            counters.increment(WorkerCounter.SOURCE_ERRORS);
            try {
                errors.onSourceError(index, route.source().name(), e);
            } catch (RuntimeException ignored) {
                // The error handler must not take the worker down.
            }
            return 0;
        } catch (RuntimeException e) {
            counters.increment(WorkerCounter.SOURCE_ERRORS);
            throw e;
        }
        if (route.forwarder() != null) {
            // Also after an empty poll: a kick may have left frames in the TX ring (its send buffer was full).
            outputs.flush(route.forwarder());
        }
        return n;
    }

    /**
     * Polls route {@code i} for up to a batch, within the frame limit when there is one: claims a share of the
     * limit first, counts what the poll used, and gives the share back when the poll found nothing. Returns the frames
     * handed out. Allocation-free.
     */
    private int pollWithinLimit(int i) {
        final FrameQuota q = quota;
        if (q == null) {
            return routes[i].source().poll(consumers[i], batch);
        }
        if (reserved < batch) {
            reserved += q.claim(RESERVE_BATCHES * batch - reserved);
        }
        final int want = Math.min(batch, reserved);
        if (want == 0) {
            return 0; // the limit (-c) is used up: frames stay in the ring until the engine stops
        }
        final long seenBefore = counters.get(WorkerCounter.SEEN);
        int n = -1;
        try {
            n = routes[i].source().poll(consumers[i], want);
            return n;
        } finally {
            // A poll that threw handed out the frames counted as seen since it began, plus the one in hand if the
            // consumer threw (the death counts it as seen); the rest of the claim is still this worker's to hand
            // out or give back, so the limit ends with exactly N frames seen, also after a fault.
            final int used = n >= 0 ? n : (int) (counters.get(WorkerCounter.SEEN) - seenBefore) + (inHand ? 1 : 0);
            reserved -= used;
            if (used == 0) {
                // Nothing came: let the other workers have this worker's share before idling.
                q.giveBack(reserved);
                reserved = 0;
            }
        }
    }

    /** The per-frame path: flow, chain, verdict counters, outputs. Allocates nothing. */
    private final class RouteConsumer implements FrameConsumer {
        private final Forwarder forwarder;
        private final String sourceName;

        RouteConsumer(Forwarder forwarder, String sourceName) {
            this.forwarder = forwarder;
            this.sourceName = sourceName;
        }

        @Override
        public void onFrame(Frame frame) {
            inHand = true;
            if (frame.capturedLength() < frame.wireLength()) {
                counters.increment(WorkerCounter.TRUNCATED);
            }
            if (captureClock != null) {
                captureClock.advance(index, frame.timestampNs());
            }
            final EventProducer ev = events;
            if (ev != null) {
                ev.frame(frame);
            }
            final int flow = flowStage == null ? FlowStage.RUN : flowStage.onFrame(frame, counters);
            final boolean pass;
            if (flow == FlowStage.RUN) {
                pass = chain.evaluate(frame);
            } else if (flow == FlowStage.BYPASS) {
                counters.increment(WorkerCounter.BYPASSED);
                pass = true;
            } else {
                // Blocked by an earlier decision about the flow (logged then, when the rule decided): counted only.
                counters.increment(WorkerCounter.FLOW_BLOCKED);
                pass = false;
            }
            counters.increment(pass ? WorkerCounter.PASSED : WorkerCounter.BLOCKED);
            counters.increment(WorkerCounter.SEEN);
            inHand = false;
            if (pass) {
                outputs.passed(forwarder, frame);
            } else {
                if (ev != null && flow == FlowStage.RUN) {
                    blockedEvent(ev, frame);
                }
                outputs.blocked(frame);
            }
        }
    }

    /** Hands the blocked frame in hand to the event log (kept out of onFrame so that it stays small for the JIT). */
    private void blockedEvent(EventProducer ev, Frame frame) {
        final RuleChain c = chain;
        final int by = c.decidedBy();
        ev.blocked(
                frame,
                by >= 0 ? c.name(by) : "",
                by >= 0 ? c.generation(by) : 0,
                c.decisionReason(),
                by >= 0 ? c.decisionOutcome() : CallOutcome.BLOCK);
    }

    /** The chain never finished the frame in hand: count it blocked (it was not forwarded) so totals balance. */
    private void abortFrameInHand() {
        if (inHand) {
            inHand = false;
            counters.increment(WorkerCounter.ABORTED);
            counters.increment(WorkerCounter.BLOCKED);
            counters.increment(WorkerCounter.SEEN);
        }
    }

    private boolean allEnded() {
        for (int i = 0; i < routes.length; i++) {
            if (!gone[i] && !routes[i].source().endOfStream()) {
                return false;
            }
        }
        return true;
    }

    private void readStats() {
        stats.clear();
        for (Route r : routes) {
            try {
                r.source().readStats(stats);
            } catch (RuntimeException e) {
                // A gone interface's socket may refuse; its last counts are lost, which the report says.
                report("reading kernel stats of " + r.source().name() + " failed", e);
            }
        }
        counters.add(WorkerCounter.KERNEL_PACKETS, stats.packets());
        counters.add(WorkerCounter.KERNEL_DROPS, stats.drops());
        counters.add(WorkerCounter.FREEZES, stats.freezes());
        long direct = 0;
        for (Route r : routes) {
            if (r.forwarder() != null) {
                direct += r.forwarder().sentDirect();
            }
        }
        counters.set(WorkerCounter.FORWARDED_DIRECT, direct);
        if (flowStage != null) {
            flowStage.publish(counters);
        }
    }

    /**
     * Frames the kernel queued (and counted in {@code tp_packets}) before quiescing are still seen. Under heavy load
     * the kernel's V3 retire timer can fire later than {@code quiesce()} waited, leaving frames it already counted in
     * an open block: keep draining (bounded) until the kernel's count is accounted for.
     */
    private void finalDrain() {
        long drained = drain(0);
        readStats();
        final long deadline = System.nanoTime() + FINAL_DRAIN_NS;
        // (Not once a frame limit is used up: the frames it left behind are counted by the kernel, never seen.)
        while (unaccounted() > 0 && !limitUsedUp() && drained < DRAIN_LIMIT && System.nanoTime() - deadline < 0) {
            final long n = drain(drained) - drained;
            drained += n;
            if (n == 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            readStats();
        }
    }

    /** Tells the event log that the frames of the next poll come from route {@code i}, on this thread. */
    private void eventSource(int i) {
        if (events != null) {
            events.source(consumers[i].sourceName);
        }
    }

    /** Polls every live source until a round yields nothing or {@link #DRAIN_LIMIT}; returns the new total. */
    private long drain(long drained) {
        int n;
        do {
            n = 0;
            for (int i = 0; i < routes.length; i++) {
                if (!gone[i]) {
                    eventSource(i);
                    n += pollWithinLimit(i); // the final drain stays within the frame limit too
                }
            }
            drained += n;
        } while (n > 0 && drained < DRAIN_LIMIT);
        return drained;
    }

    /** Frames the kernel counted that were neither seen nor dropped (yet). */
    private long unaccounted() {
        return counters.get(WorkerCounter.KERNEL_PACKETS)
                - counters.get(WorkerCounter.SEEN)
                - counters.get(WorkerCounter.KERNEL_DROPS);
    }

    private boolean limitUsedUp() {
        return quota != null && quota.left() == 0 && reserved == 0;
    }

    private void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            report("closing " + c + " failed", e);
        }
    }

    private void report(String what, Throwable e) {
        try {
            errors.onWorkerError(index, what, e, false);
        } catch (RuntimeException ignored) {
            // The error handler must not take the worker down.
        }
    }
}
