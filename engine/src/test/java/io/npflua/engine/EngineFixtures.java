package io.npflua.engine;

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
