package io.npflua.engine.worker;

import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.output.Forwarder;
import io.npflua.engine.output.VerdictSink;
import io.npflua.engine.source.Frame;
import io.npflua.engine.source.FrameConsumer;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.SourceFailedException;
import io.npflua.engine.source.SourceGoneException;
import io.npflua.engine.source.SourceStats;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * One worker: a thread that owns its sources (one per captured interface; two on an inline bridge), its chain
 * instances, its sinks and forwarders, and its counters, and runs an Agrona-style duty cycle:
 * adopt a new chain if one was published → poll each source (up to {@code batch} frames) → read kernel stats every
 * {@code statsIntervalNs} → idle when there was no work.
 *
 * <p>Faults: a source that throws {@link SourceGoneException} (its interface was deleted) is reported and no longer
 * polled; one that throws {@link SourceFailedException} (its input failed: a corrupt or truncated capture file) is
 * counted as a source error, reported once ({@link ErrorHandler#onSourceError}) and no longer polled; when no source
 * is left the worker ends cleanly. Rule failures are counted by the chain; a sink or forwarder that throws is counted
 * as an output error and reported; anything else (a bug in a source, an {@code Error}) kills the thread, and the
 * worker restarts on a fresh thread with the same sources, chain and counters (the frame in hand, if any, is counted
 * as seen, blocked and aborted so that the totals still balance). Every death is counted ({@code restarts}); it is
 * reported with its cause only when that cause differs from the previous death's, so a bug that strikes again and
 * again is shown once. More than {@code maxRestarts} crashes in a row without a frame in between leave the worker
 * failed, reported.
 *
 * <p>Stop: {@link #requestStop()} ends the loop after the current batch; the worker then quiesces its sources,
 * drains what the kernel already queued, reads the final kernel stats, and closes sinks, forwarders and sources on its
 * own thread.
 */
public final class Worker {
    private boolean limitUsedUp() {
        return quota != null && quota.left() == 0 && reserved == 0;
    }

    /** States, as reported in snapshots. */
    public enum State { NEW, RUNNING, ENDED, STOPPED, FAILED }

    /** A source and where its passed frames go (null forwarder: capture only). */
    public record Route(FrameSource source, Forwarder forwarder) {
    }

    private static final VarHandle ADOPTED;
    private static final long DRAIN_LIMIT = 1 << 20;
    /** How long the final drain waits for frames the kernel counted but has not handed over (a late retire timer). */
    private static final long FINAL_DRAIN_NS = TimeUnit.MILLISECONDS.toNanos(500);

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
    private final VerdictSink passedSink;
    private final VerdictSink blockedSink;
    private final ChainBoard board;
    private final IdleStrategy idle;
    private final ErrorHandler errors;
    private final WorkerCounters counters;
    private final SourceStats stats = new SourceStats();
    private final int batch;
    private final long statsIntervalNs;
    private final long awaitTimeoutNs;
    private final int maxRestarts;

    private RuleChain chain;
    private long chainVersion = -1;
    @SuppressWarnings("unused") // accessed through ADOPTED
    private long adoptedVersion = -1;
    private long nextStatsNs;
    private boolean inHand;
    /** The engine's frame limit, or null; set before {@link #start()}. */
    private FrameQuota quota;
    /**
     * Frames of the quota this worker has claimed and not yet handed out: claimed {@value #RESERVE_BATCHES} batches
     * at a time so that a limit costs one compare-and-set per that many frames, not two atomics per poll; given back
     * whenever a poll finds nothing, so that a worker without traffic never holds frames another could take.
     */
    private int reserved;
    private static final int RESERVE_BATCHES = 16;
    private boolean sinksDirty;
    private int crashesInARow;
    /** Class and message of the last death reported, so that the same cause is not reported again. */
    private String reportedDeath;
    private volatile boolean running;
    private volatile State state = State.NEW;
    private volatile Thread thread;

    /**
     * Shares the engine's frame limit ({@code -c}) with this worker: it then claims frames from {@code q} before each
     * poll and stops taking frames when it is used up. Call before {@link #start()}.
     */
    public Worker quota(FrameQuota q) {
        if (state != State.NEW) {
            throw new IllegalStateException("set the quota before the worker starts");
        }
        this.quota = q;
        return this;
    }

    /** Builds a worker; nothing runs until {@link #start()}. */
    public Worker(int index, Route[] routes, VerdictSink passedSink, VerdictSink blockedSink, ChainBoard board,
                  IdleStrategy idle, ErrorHandler errors, WorkerCounters counters, int batch, long statsIntervalNs,
                  long awaitTimeoutNs, int maxRestarts) {
        if (routes.length == 0) {
            throw new IllegalArgumentException("a worker needs at least one source");
        }
        this.index = index;
        this.routes = routes.clone();
        this.consumers = new RouteConsumer[routes.length];
        this.gone = new boolean[routes.length];
        for (int i = 0; i < routes.length; i++) {
            consumers[i] = new RouteConsumer(routes[i].forwarder());
        }
        this.passedSink = passedSink;
        this.blockedSink = blockedSink;
        this.board = board;
        this.idle = idle;
        this.errors = errors;
        this.counters = counters;
        this.batch = batch;
        this.statsIntervalNs = statsIntervalNs;
        this.awaitTimeoutNs = awaitTimeoutNs;
        this.maxRestarts = maxRestarts;
        this.nextStatsNs = System.nanoTime();
    }

    /** Starts the worker's thread. */
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("worker " + index + " already started");
        }
        running = true;
        state = State.RUNNING;
        launch();
    }

    private void launch() {
        Thread t = new Thread(this::run, "npflua-worker-" + index);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run() {
        try {
            while (running) {
                int work = doWork();
                if (work == 0 && allEnded()) {
                    finish(State.ENDED);
                    return;
                }
                idle(work);
            }
            finish(State.STOPPED);
        } catch (Throwable t) {
            crashed(t);
        }
    }

    /**
     * One duty cycle: adopt a newly published chain, poll every source, read kernel stats when due. Returns the
     * number of frames handled. Allocates nothing. Called by the worker's own thread; call it directly only on a
     * worker that was never started (benchmarks, an external agent runner).
     */
    public int doWork() {
        final ChainBoard.Version v = board.current();
        if (v.number() != chainVersion) {
            // Between two frames: the chain was fully built before it was published.
            chain = v.chains()[index];
            chainVersion = v.number();
            counters.increment(WorkerCounter.CHAIN_SWAPS);
            ADOPTED.setRelease(this, v.number());
        }
        int work = 0;
        for (int i = 0; i < routes.length; i++) {
            if (gone[i]) {
                continue;
            }
            final Route route = routes[i];
            final int n;
            try {
                n = pollWithinLimit(i);
            } catch (SourceGoneException e) {
                gone[i] = true;
                report("source " + route.source().name() + " is gone; the worker stops polling it", e, false);
                continue;
            } catch (SourceFailedException e) {
                // An input error, not a bug: restarting would only meet it again.
                gone[i] = true;
                counters.increment(WorkerCounter.SOURCE_ERRORS);
                try {
                    errors.onSourceError(index, route.source().name(), e);
                } catch (RuntimeException ignored) {
                    // The error handler must not take the worker down.
                }
                continue;
            } catch (RuntimeException e) {
                counters.increment(WorkerCounter.SOURCE_ERRORS);
                throw e;
            }
            work += n;
            if (n > 0 && route.forwarder() != null) {
                flushForwarder(route.forwarder());
            }
        }
        if (work > 0) {
            crashesInARow = 0;
        }
        final long now = System.nanoTime();
        if (now - nextStatsNs >= 0) {
            nextStatsNs = now + statsIntervalNs;
            readStats();
            if (sinksDirty) {
                // Under constant traffic the worker never idles: flush outputs on the stats clock as well.
                flushSinks();
            }
        }
        return work;
    }

    private void idle(int work) {
        if (work > 0) {
            idle.reset();
            return;
        }
        if (sinksDirty) {
            flushSinks();
        }
        if (routes.length == 1 && routes[0].source().canAwait()) {
            routes[0].source().await(awaitTimeoutNs);
        } else {
            idle.idle(0);
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
                report("reading kernel stats of " + r.source().name() + " failed", e, false);
            }
        }
        counters.add(WorkerCounter.KERNEL_PACKETS, stats.packets());
        counters.add(WorkerCounter.KERNEL_DROPS, stats.drops());
        counters.add(WorkerCounter.FREEZES, stats.freezes());
    }

    /** The per-frame path: chain, verdict counters, sinks, forwarder. Allocates nothing. */
    private final class RouteConsumer implements FrameConsumer {
        private final Forwarder forwarder;

        RouteConsumer(Forwarder forwarder) {
            this.forwarder = forwarder;
        }

        @Override
        public void onFrame(Frame frame) {
            inHand = true;
            if (chain.evaluate(frame)) {
                counters.increment(WorkerCounter.PASSED);
                counters.increment(WorkerCounter.SEEN);
                inHand = false;
                if (forwarder != null) {
                    forward(forwarder, frame);
                }
                if (passedSink != null) {
                    sink(passedSink, frame);
                }
            } else {
                counters.increment(WorkerCounter.BLOCKED);
                counters.increment(WorkerCounter.SEEN);
                inHand = false;
                if (blockedSink != null) {
                    sink(blockedSink, frame);
                }
            }
        }
    }

    private void forward(Forwarder forwarder, Frame frame) {
        try {
            if (forwarder.forward(frame)) {
                counters.increment(WorkerCounter.FORWARDED);
            } else {
                counters.increment(WorkerCounter.FORWARD_FAILED);
            }
        } catch (RuntimeException e) {
            counters.increment(WorkerCounter.FORWARD_FAILED);
            outputError("forwarder", e);
        }
    }

    private void sink(VerdictSink sink, Frame frame) {
        try {
            sink.accept(frame);
            sinksDirty = true;
        } catch (RuntimeException e) {
            outputError("verdict sink", e);
        }
    }

    private void flushForwarder(Forwarder forwarder) {
        try {
            forwarder.flush();
        } catch (RuntimeException e) {
            outputError("forwarder flush", e);
        }
    }

    private void flushSinks() {
        sinksDirty = false;
        try {
            if (passedSink != null) {
                passedSink.flush();
            }
            if (blockedSink != null) {
                blockedSink.flush();
            }
        } catch (RuntimeException e) {
            outputError("verdict sink flush", e);
        }
    }

    private void outputError(String what, RuntimeException e) {
        counters.increment(WorkerCounter.OUTPUT_ERRORS);
        report(what + " failed", e, false);
    }

    private void report(String what, Throwable e, boolean restarting) {
        try {
            errors.onWorkerError(index, what, e, restarting);
        } catch (RuntimeException ignored) {
            // The error handler must not take the worker down.
        }
    }

    private void crashed(Throwable t) {
        if (inHand) {
            // The chain never finished this frame: count it blocked (it was not forwarded) so totals balance.
            inHand = false;
            counters.increment(WorkerCounter.ABORTED);
            counters.increment(WorkerCounter.BLOCKED);
            counters.increment(WorkerCounter.SEEN);
        }
        counters.increment(WorkerCounter.RESTARTS);
        boolean restart = running && ++crashesInARow <= maxRestarts;
        String death = t.getClass().getName() + ": " + t.getMessage();
        if (!death.equals(reportedDeath)) {
            reportedDeath = death;
            report("worker thread died", t, restart);
        } else if (!restart && running) {
            report("worker thread died " + crashesInARow + " times in a row, each time with the error reported"
                    + " above; the worker stops", null, false);
        }
        if (restart) {
            // Starting the new thread publishes everything this thread wrote (Thread.start happens-before).
            launch();
        } else {
            try {
                finish(running ? State.FAILED : State.STOPPED);
            } catch (Throwable again) {
                report("worker failed while stopping", again, false);
                state = State.FAILED;
            }
        }
    }

    private void finish(State end) {
        for (int i = 0; i < routes.length; i++) {
            Route r = routes[i];
            if (gone[i]) {
                continue;
            }
            try {
                r.source().quiesce();
            } catch (RuntimeException e) {
                report("quiescing " + r.source().name() + " failed", e, false);
            }
        }
        if (end != State.FAILED) {
            // Frames the kernel queued (and counted in tp_packets) before quiescing are still seen.
            long drained = drain(0);
            readStats();
            // Under heavy load the kernel's V3 retire timer can fire later than quiesce() waited, leaving frames it
            // already counted in an open block: keep draining (bounded) until the kernel's count is accounted for.
            long deadline = System.nanoTime() + FINAL_DRAIN_NS;
            // (Not once a frame limit is used up: the frames it left behind are counted by the kernel, never seen.)
            while (unaccounted() > 0 && !limitUsedUp() && drained < DRAIN_LIMIT && System.nanoTime() - deadline < 0) {
                long n = drain(drained) - drained;
                drained += n;
                if (n == 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                readStats();
            }
        } else {
            readStats();
        }
        closeQuietly(passedSink);
        closeQuietly(blockedSink);
        for (Route r : routes) {
            closeQuietly(r.forwarder());
            closeQuietly(r.source());
        }
        if (quota != null) {
            // A worker that ends (its sources gone or failed) leaves its share of the frame limit to the others.
            quota.giveBack(reserved);
            reserved = 0;
        }
        state = end;
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
            // consumer threw (the crash counts it as seen); the rest of the claim is still this worker's to hand
            // out or give back, so the limit ends with exactly N frames seen, also after a fault.
            final int used = n >= 0 ? n
                    : (int) (counters.get(WorkerCounter.SEEN) - seenBefore) + (inHand ? 1 : 0);
            reserved -= used;
            if (used == 0) {
                // Nothing came: let the other workers have this worker's share before idling.
                q.giveBack(reserved);
                reserved = 0;
            }
        }
    }

    /** Polls every live source until a round yields nothing or {@link #DRAIN_LIMIT}; returns the new total. */
    private long drain(long drained) {
        int n;
        do {
            n = 0;
            for (int i = 0; i < routes.length; i++) {
                if (!gone[i]) {
                    n += pollWithinLimit(i); // the final drain stays within the frame limit too
                }
            }
            drained += n;
        } while (n > 0 && drained < DRAIN_LIMIT);
        return drained;
    }

    /** Frames the kernel counted that were neither seen nor dropped (yet). */
    private long unaccounted() {
        return counters.get(WorkerCounter.KERNEL_PACKETS) - counters.get(WorkerCounter.SEEN)
                - counters.get(WorkerCounter.KERNEL_DROPS);
    }

    private void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            report("closing " + c + " failed", e, false);
        }
    }

    /** Asks the worker to stop after its current batch. */
    public void requestStop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            java.util.concurrent.locks.LockSupport.unpark(t);
        }
    }

    /** Waits until the worker's thread (and any restarted one) has ended; true when it did within the timeout. */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            Thread t = thread;
            if (t == null) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            if (!t.isAlive() && thread == t && isTerminal()) {
                return true;
            }
        }
    }

    /** True once the worker will not process frames any more (ended, stopped or failed). */
    public boolean isTerminal() {
        State s = state;
        return s == State.ENDED || s == State.STOPPED || s == State.FAILED;
    }

    /** The worker's index. */
    public int index() {
        return index;
    }

    /** The current state. */
    public State state() {
        return state;
    }

    /** The chain version this worker runs now (acquire load): the engine waits on it before closing old rules. */
    public long adoptedVersion() {
        return (long) ADOPTED.getAcquire(this);
    }

    /** This worker's counters. */
    public WorkerCounters counters() {
        return counters;
    }
}
