package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.npflua.engine.Engine;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.source.ForwardingSource;
import io.npflua.engine.source.FrameConsumer;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.FrameSourceFactory;
import io.npflua.engine.source.MemoryFrameSource;
import io.npflua.engine.source.SourceRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EngineRunnerTest {
    private static final long MS = 1_000_000L;

    @Test
    void shouldLookOftenWhileNoFramesArrive() {
        assertEquals(EngineRunner.MIN_POLL_MS, EngineRunner.nextPollMs(1_000_000, 0, 5 * MS));
    }

    @Test
    void shouldLookRarelyWhenTheLimitIsFarAway() {
        // 1.5 Mpps (7,500 frames in 5 ms) with 20 million frames to go.
        assertEquals(EngineRunner.MAX_POLL_MS, EngineRunner.nextPollMs(20_000_000, 7_500, 5 * MS));
    }

    @Test
    void shouldWakeWhenHalfOfTheRemainingFramesWouldHaveArrived() {
        // 1,000 frames per ms, 40,000 to go: look again after 20 ms.
        assertEquals(20, EngineRunner.nextPollMs(40_000, 100_000, 100 * MS));
    }

    @Test
    void shouldLookOftenWhenTheLimitIsNear() {
        assertEquals(EngineRunner.MIN_POLL_MS, EngineRunner.nextPollMs(1_000, 100_000, 100 * MS));
    }

    @Test
    void shouldEndARunWithExactlyTheCountWhenAPollThrowsPartWayThrough() throws Exception {
        // A source whose fifth poll hands out half a batch and throws: the worker counts the 32 frames it saw and
        // keeps the rest of its claim, so the run still gets exactly -c frames and ends on them.
        AtomicInteger polls = new AtomicInteger();
        FrameSourceFactory sources = new FrameSourceFactory() {
            @Override
            public void validate(String name) {}

            @Override
            public FrameSource open(SourceRequest r) {
                FrameSource inner = MemoryFrameSource.builder(r.name())
                        .passes(MemoryFrameSource.ENDLESS)
                        .add(Frames.tcp4("198.18.0.1", 1, "198.18.0.2", 2, 0x02, ""))
                        .build();
                return new ForwardingSource(inner) {
                    @Override
                    public int poll(FrameConsumer consumer, int limit) {
                        boolean fail = polls.incrementAndGet() == 5;
                        int n = super.poll(consumer, fail ? limit / 2 : limit);
                        if (fail) {
                            throw new IllegalStateException("adapter bug after " + n + " frames");
                        }
                        return n;
                    }
                };
            }
        };
        Engine engine = Engine.builder()
                .tap("test0")
                .sources(sources)
                .batch(64)
                .frameLimit(1000)
                .build()
                .start();
        EngineSnapshot last = CompletableFuture.supplyAsync(
                        () -> new EngineRunner(engine, 1000, 0, null).run(false, s -> {}))
                .get(20, TimeUnit.SECONDS);
        assertEquals(1000, last.frames(), "exactly -c frames, the failed poll's unused claim handed out later");
    }
}
