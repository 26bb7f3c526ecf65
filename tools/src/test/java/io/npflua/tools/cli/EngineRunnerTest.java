package io.npflua.tools.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
