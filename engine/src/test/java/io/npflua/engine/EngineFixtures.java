package io.npflua.engine;

import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.WorkerCounter;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Engines for tests outside this package (control plane). */
public final class EngineFixtures {
    private EngineFixtures() {}

    /** An engine with the word-rule factory and one endless in-memory source, not started. */
    public static Engine idleEngine() {
        return Engine.builder()
                .tap("veth-a")
                .workers(2)
                .sources(new MemorySourceFactory(
                        Set.of("veth-a"), 64, io.npflua.engine.source.MemoryFrameSource.ENDLESS, 0))
                .ruleFactory(new TestRuleFactory())
                .errorHandler(new RecordingErrors())
                .build();
    }

    /** Same, started: frames flow until close. */
    public static Engine runningEngine() {
        return idleEngine().start();
    }

    /** Waits until the engine has seen at least {@code frames}; fails after 30 s. */
    /**
     * Waits until every worker has seen {@code more} frames beyond {@code from} (its counts in a snapshot taken
     * before): on a loaded machine one worker may get most of the frames for a while, so a total says little about
     * each worker.
     */
    public static void awaitFramesPerWorker(Engine engine, EngineSnapshot from, long more) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            EngineSnapshot now = engine.stats();
            boolean all = true;
            for (int w = 0; w < now.workers().size(); w++) {
                long before = from == null ? 0 : from.workers().get(w).get(WorkerCounter.SEEN);
                all &= now.workers().get(w).get(WorkerCounter.SEEN) - before >= more;
            }
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("frames did not reach every worker: " + now);
            }
            Thread.sleep(1);
        }
    }

    public static void awaitFrames(Engine engine, long frames) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (engine.stats().frames() < frames) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("frames did not flow: " + engine.stats());
            }
            Thread.sleep(1);
        }
    }
}
