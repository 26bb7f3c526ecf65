package io.npflua.engine.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.npflua.engine.flow.FlowTableOptions;
import io.npflua.engine.flow.FlowTracking;
import io.npflua.engine.frames.FrameBuilder;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The flow stage's idle path: flows idle past their timeout end when the worker idles, at most once a millisecond. */
class FlowStageTest {
    /** A flow whose last frame is 1 s after the epoch: long expired by the wall clock the live stage ages it with. */
    private static void longIdleFlow(FlowStage stage, int port) {
        byte[] b = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("198.18.0.1", "198.18.0.2")
                .udp(port, 53)
                .payload(new byte[8])
                .build();
        stage.table().track(MemorySegment.ofArray(b), 0, b.length, b.length, 1_000_000_000L);
    }

    @Test
    void shouldSweepIdleFlowsAtMostOnceAMillisecondOfTheWorkersClock() {
        FlowStage stage = new FlowStage(
                FlowTracking.defaults().withTable(FlowTableOptions.defaults().withMaxFlows(64)), 0, true);
        longIdleFlow(stage, 1000);
        assertEquals(1, stage.table().active());
        long t = 5_000_000_000L;
        stage.expireIdle(t);
        assertEquals(0, stage.table().active(), "the first idle cycle sweeps");

        longIdleFlow(stage, 1001);
        stage.expireIdle(t + FlowStage.IDLE_SWEEP_INTERVAL_NS - 1);
        assertEquals(1, stage.table().active(), "not again within the interval");
        stage.expireIdle(t + FlowStage.IDLE_SWEEP_INTERVAL_NS);
        assertEquals(0, stage.table().active(), "once the interval has passed");
    }
}
