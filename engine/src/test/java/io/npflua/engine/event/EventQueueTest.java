package io.npflua.engine.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.source.Frame;
import io.npflua.lua.sandbox.CallOutcome;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.luaj.vm2.LuaString;

/** The worker's side of the hand-off when the writer falls behind: a full queue drops and counts, never waits. */
class EventQueueTest {
    @Test
    void shouldDropAndCountEventsThatFindTheQueueFull() {
        Frame frame = ackFrame("SSH-2.0-OpenSSH_6.4\r\n");
        // No writer thread: nothing takes the two slots once they are filled. Rate limit out of the way.
        EventLog log = new EventLog(
                EventLogOptions.of(null).withRate(1e12, Integer.MAX_VALUE).withQueueSlots(2), 1, ErrorHandler.STDERR);
        WorkerCounters counters = new WorkerCounters();
        log.attach(new WorkerCounters[] {counters});
        EventProducer p = log.producer(0);
        p.source("test");
        p.frame(frame);
        for (int i = 0; i < 5; i++) {
            p.blocked(frame, "s", 1, LuaString.valueOf("banned"), CallOutcome.BLOCK);
        }
        assertEquals(2, counters.get(WorkerCounter.DROP_EVENTS), "handed: the queue's two slots");
        assertEquals(3, counters.get(WorkerCounter.DROP_EVENTS_DROPPED), "the rest dropped");
        assertEquals(0, counters.get(WorkerCounter.DROP_EVENTS_SUPPRESSED));
        assertEquals(3, counters.get(WorkerCounter.EVENTS_DROPPED), "the total sums the types");
        assertEquals(2, log.discard(0), "the two handed events are queued");
    }

    /**
     * Starting the log formats a throwaway record (so that the formatting code is loaded then, not by the first
     * event): it must write nothing, count nothing and leave the workers' rate limits alone.
     */
    @Test
    void shouldStartWithoutWritingCountingOrSpendingTheRateLimit(@TempDir Path dir) throws Exception {
        Frame frame = ackFrame("");
        Path file = dir.resolve("eve.json");
        // One event per hour, burst 1: a warm-up that spent the real producer's allowance would suppress the next.
        List<String> reports = new CopyOnWriteArrayList<>();
        EventLog log = new EventLog(EventLogOptions.of(file).withRate(1.0 / 3600, 1), 1, recording(reports));
        WorkerCounters counters = new WorkerCounters();
        log.attach(new WorkerCounters[] {counters});
        log.start();
        try {
            assertEquals(0, Files.size(file), "nothing written at start");
            assertEquals(List.of(), reports, "nothing reported at start");
            for (WorkerCounter c : WorkerCounter.values()) {
                assertEquals(0, counters.get(c), c + " counted nothing at start");
            }
            EventProducer p = log.producer(0);
            p.source("test");
            p.frame(frame);
            p.blocked(frame, "s", 1, LuaString.valueOf("banned"), CallOutcome.BLOCK);
            assertEquals(1, counters.get(WorkerCounter.DROP_EVENTS), "the first real event is handed");
            assertEquals(0, counters.get(WorkerCounter.DROP_EVENTS_SUPPRESSED));
        } finally {
            log.close();
        }
        assertEquals(List.of(), reports, "nothing reported");
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size(), "one record: " + lines);
        assertTrue(lines.get(0).contains("\"script\":\"s\""), lines.get(0));
    }

    /**
     * A JIT warm-up's log (never started) formats its queued events as the writer would and throws them away: every
     * slot comes back, nothing is written or counted as written or lost, nothing is reported; once the writer runs,
     * the queues are its own.
     */
    @Test
    void shouldFormatAndDiscardQueuedEventsWithoutWritingOrCounting(@TempDir Path dir) throws Exception {
        Frame frame = ackFrame("");
        List<String> reports = new CopyOnWriteArrayList<>();
        Path file = dir.resolve("eve.json");
        EventLog log = new EventLog(
                EventLogOptions.of(file).withRate(1e12, Integer.MAX_VALUE).withQueueSlots(4), 1, recording(reports));
        WorkerCounters counters = new WorkerCounters();
        log.attach(new WorkerCounters[] {counters});
        EventProducer p = log.producer(0);
        p.source("test");
        p.frame(frame);
        for (int i = 0; i < 3; i++) {
            p.blocked(frame, "s", 1, LuaString.valueOf("banned"), CallOutcome.BLOCK);
        }
        assertEquals(3, log.formatAndDiscard(0), "the three queued events");
        long formatted = log.discardedLineBytes();
        assertTrue(formatted > 3 * 100, "three records formatted: " + formatted + " bytes");
        assertEquals(0, log.formatAndDiscard(0), "their slots are free again");
        for (int i = 0; i < 4; i++) {
            p.blocked(frame, "s", 1, LuaString.valueOf("banned"), CallOutcome.BLOCK);
        }
        assertEquals(0, counters.get(WorkerCounter.DROP_EVENTS_DROPPED), "all four slots were given back");
        assertEquals(4, log.formatAndDiscard(0));
        p.blocked(frame, "s", 1, LuaString.valueOf("banned"), CallOutcome.BLOCK);
        assertEquals(1, log.discard(0), "discard gives the slot back");
        assertTrue(log.discardedLineBytes() > formatted, "formatted the four");
        long afterFormatting = log.discardedLineBytes();
        p.blocked(frame, "s", 1, LuaString.valueOf("banned"), CallOutcome.BLOCK);
        assertEquals(1, log.discard(0));
        assertEquals(afterFormatting, log.discardedLineBytes(), "discard formats nothing");
        assertEquals(0, counters.get(WorkerCounter.EVENTS_WRITTEN), "nothing written");
        assertEquals(0, counters.get(WorkerCounter.EVENTS_LOST), "nothing lost");
        assertEquals(List.of(), reports, "nothing reported");
        assertFalse(Files.exists(file), "no file opened");
        log.start();
        try {
            assertThrows(IllegalStateException.class, () -> log.formatAndDiscard(0), "the writer owns the queues");
        } finally {
            log.close();
        }
    }

    private static ErrorHandler recording(List<String> reports) {
        return new ErrorHandler() {
            @Override
            public void onRuleError(int worker, String rule, CallOutcome kind, String message, long suppressed) {
                reports.add(message);
            }

            @Override
            public void onWorkerError(int worker, String what, Throwable cause, boolean restarting) {
                reports.add(what);
            }
        };
    }

    /** A TCP ACK from 198.18.0.1:40000 to 198.18.0.2:22 carrying {@code payload}, as a frame in hand. */
    private static Frame ackFrame(String payload) {
        byte[] bytes = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("198.18.0.1", "198.18.0.2")
                .tcp(40000, 22, 1, 0, FrameBuilder.TCP_ACK)
                .payload(payload)
                .build();
        return new Frame().wrap(MemorySegment.ofArray(bytes), 0, bytes.length, bytes.length, false, Frame.NO_HEADER);
    }
}
