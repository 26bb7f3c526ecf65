package io.npflua.tools.cli;

import io.npflua.engine.Engine;
import io.npflua.engine.counter.EngineSnapshot;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Drives a started engine until it is done and reports its final counters exactly once: when its finite sources end
 * (files), after {@code count} frames, after {@code duration}, or on SIGINT/SIGTERM. For the signals a shutdown hook
 * asks the loop to stop and waits until the final report has been printed, so {@code --json} prints its object also
 * on Ctrl-C.
 */
final class EngineRunner {
    /** How long the shutdown hook waits for the final report before the JVM goes down anyway. */
    private static final long REPORT_TIMEOUT_S = 30;
    /** Shortest and longest wait between two looks at the frame count (-c) or the status line. */
    static final long MIN_POLL_MS = 5;

    static final long MAX_POLL_MS = 100;

    private final Engine engine;
    private final long maxFrames;
    private final long durationNs;
    private final StatusLine status;
    private volatile boolean signalled;

    /**
     * @param maxFrames  stop once this many frames were seen (0 = no limit); give the engine the same frame limit
     *                   ({@code Engine.Builder.frameLimit}) so that no worker takes more than that between two looks
     * @param durationNs stop after this long (0 = no limit)
     * @param status     the live line, or null
     */
    EngineRunner(Engine engine, long maxFrames, long durationNs, StatusLine status) {
        this.engine = engine;
        this.maxFrames = maxFrames;
        this.durationNs = durationNs;
        this.status = status;
    }

    /**
     * How long to wait before looking at the frame count again: until about half of the {@code left} frames would
     * have arrived at the rate of the last interval, within [{@value #MIN_POLL_MS}, {@value #MAX_POLL_MS}] ms. A long
     * capture thus wakes this thread 10 times a second instead of 200 (each look used to cost the capturing process
     * about 2 % of a core at 1.5 Mpps), and the stop still lands within a few ms of the limit.
     */
    static long nextPollMs(long left, long framesInInterval, long intervalNs) {
        if (framesInInterval <= 0 || intervalNs <= 0) {
            return MIN_POLL_MS;
        }
        double framesPerMs = framesInInterval * 1e6 / intervalNs;
        long ms = (long) (left / 2.0 / framesPerMs);
        return Math.max(MIN_POLL_MS, Math.min(MAX_POLL_MS, ms));
    }

    /** Whether the run ended because of a signal. */
    boolean signalled() {
        return signalled;
    }

    /**
     * Waits, then closes the engine and hands its final snapshot to {@code report} (on this thread, before a
     * signal's shutdown completes). Returns the final snapshot.
     */
    EngineSnapshot run(boolean handleSignals, Consumer<EngineSnapshot> report) {
        return run(handleSignals, () -> {}, report);
    }

    /**
     * As {@link #run(boolean, Consumer)}, calling {@code running} once the signal hook is in place (so that a
     * "listening" message tells the truth: from then on Ctrl-C prints the final counters).
     */
    EngineSnapshot run(boolean handleSignals, Runnable running, Consumer<EngineSnapshot> report) {
        CountDownLatch reported = new CountDownLatch(1);
        Thread hook = null;
        if (handleSignals) {
            hook = new Thread(
                    () -> {
                        signalled = true;
                        try {
                            reported.await(REPORT_TIMEOUT_S, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "npflua-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        try {
            running.run();
            long start = System.nanoTime();
            long pollMs = maxFrames > 0 ? MIN_POLL_MS : MAX_POLL_MS;
            long nextStatus = start + TimeUnit.SECONDS.toNanos(1);
            long lastSeen = 0;
            long lastNs = start;
            while (!signalled) {
                if (engine.awaitEnd(pollMs, TimeUnit.MILLISECONDS)) {
                    break;
                }
                long now = System.nanoTime();
                if (durationNs > 0 && now - start >= durationNs) {
                    break;
                }
                if (maxFrames > 0) {
                    // Only frames seen count: however long the link stays quiet, -c N ends after N frames (or
                    // --duration, a signal, or every worker ending). The engine hands out exactly maxFrames, also
                    // when a source fails part-way through a poll, so this is reached whenever the frames come.
                    long seen = engine.framesSeen();
                    if (seen >= maxFrames) {
                        break;
                    }
                    pollMs = nextPollMs(maxFrames - seen, seen - lastSeen, now - lastNs);
                    lastSeen = seen;
                    lastNs = now;
                }
                if (status != null && now >= nextStatus) {
                    status.update(engine.stats(), now);
                    nextStatus += TimeUnit.SECONDS.toNanos(1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            EngineSnapshot last;
            try {
                last = engine.closeAndReport();
                if (status != null) {
                    status.end();
                }
                report.accept(last);
            } finally {
                reported.countDown();
                if (hook != null && !signalled) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // The JVM is already going down: the hook has run or will find the latch open.
                    }
                }
            }
        }
        return engine.stats();
    }
}
