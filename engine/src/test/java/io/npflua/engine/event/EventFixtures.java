package io.npflua.engine.event;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.source.Frame;
import io.npflua.lua.sandbox.CallOutcome;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.luaj.vm2.LuaString;

/**
 * A started event log of one worker whose worker is the test's thread, without an engine (also for the CLI's tests,
 * through the engine's test jar).
 */
public record EventFixtures(EventLog log, WorkerCounters counters, EventProducer producer, Frame frame) {
    /** Attaches counters to {@code log} (made for one worker) and starts its writer. */
    public static EventFixtures start(EventLog log) throws IOException {
        WorkerCounters counters = new WorkerCounters();
        log.attach(new WorkerCounters[] {counters});
        log.start();
        Frame frame = new Frame().wrap(MemorySegment.ofArray(new byte[60]), 0, 60, 60, false, Frame.NO_HEADER);
        return new EventFixtures(log, counters, log.producer(0), frame);
    }

    /**
     * On the calling thread as the worker: hands {@code n} blocked frames of rule {@code s} with {@code reason} over,
     * then waits (30 s at most) until the writer has taken every event handed over, written or lost.
     */
    public void produce(String reason, int n) throws InterruptedException {
        producer.source("test");
        producer.frame(frame);
        LuaString why = LuaString.valueOf(reason);
        for (int i = 0; i < n; i++) {
            producer.blocked(frame, "s", 1, why, CallOutcome.BLOCK);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (counters.get(WorkerCounter.EVENTS_WRITTEN) + counters.get(WorkerCounter.EVENTS_LOST)
                < counters.get(WorkerCounter.EVENTS)) {
            assertTrue(System.nanoTime() < deadline, "writer stuck");
            Thread.sleep(5);
        }
    }
}
