package io.npflua.engine.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.flow.FlowRecord;
import io.npflua.engine.flow.FlowTracking;
import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.source.MemoryFrameSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Worker#listFlows}: callers on other threads share one request that the worker answers between two frames;
 * each caller gets at most its own limit of flows, whatever the other asked, and giving up on an answer leaves the
 * other caller's answer alone.
 */
class WorkerFlowListingTest {
    private static final int FLOWS = 6;

    /** A worker whose one source repeats {@value #FLOWS} UDP frames of distinct flows forever; no rules. */
    private static Worker worker() {
        MemoryFrameSource.Builder b = MemoryFrameSource.builder("flows").passes(MemoryFrameSource.ENDLESS);
        for (int i = 0; i < FLOWS; i++) {
            b.add(FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                    .ipv4("198.18.0.1", "198.18.0.2")
                    .udp(40_000 + i, 53)
                    .build());
        }
        ChainBoard board = new ChainBoard(new RuleChain[] {RuleChain.empty(0, ErrorHandler.STDERR)});
        Worker w = new Worker(
                        0,
                        new Worker.Route[] {new Worker.Route(b.build(), null)},
                        null,
                        null,
                        board,
                        ErrorHandler.STDERR,
                        new WorkerCounters(),
                        FLOWS,
                        Long.MAX_VALUE / 4)
                .flows(FlowTracking.defaults());
        w.doWork(); // one duty cycle: every flow is in the table
        return w;
    }

    private static List<FlowRecord> answer(CompletableFuture<List<FlowRecord>> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldBoundEachSharedAnswerByItsOwnCallersLimitInEitherOrder() throws Exception {
        Worker w = worker();
        CompletableFuture<List<FlowRecord>> small = w.listFlows(2);
        CompletableFuture<List<FlowRecord>> large = w.listFlows(5);
        w.doWork();
        assertEquals(2, answer(small).size(), "the first caller's limit");
        assertEquals(5, answer(large).size(), "a later caller's larger limit is not cut to the first one's");

        large = w.listFlows(5);
        small = w.listFlows(2);
        CompletableFuture<List<FlowRecord>> all = w.listFlows(100);
        w.doWork();
        assertEquals(5, answer(large).size());
        assertEquals(2, answer(small).size(), "a later caller's smaller limit holds");
        assertEquals(FLOWS, answer(all).size(), "no more than there are");
        assertEquals(answer(all).subList(0, 2), answer(small), "the same table walk, cut where each caller asked");
    }

    @Test
    void shouldAnswerTheOtherCallerWhenOneGivesUp() throws Exception {
        Worker w = worker();
        CompletableFuture<List<FlowRecord>> impatient = w.listFlows(3);
        CompletableFuture<List<FlowRecord>> patient = w.listFlows(3);
        impatient.cancel(false); // Engine.flows does this when its wait times out
        w.doWork();
        assertEquals(3, answer(patient).size());
    }

    @Test
    void shouldGiveTwoConcurrentCallersCorrectBoundedAnswers() throws Exception {
        Worker w = worker();
        AtomicBoolean stop = new AtomicBoolean();
        Thread runner = new Thread(
                () -> {
                    while (!stop.get()) {
                        w.doWork();
                    }
                },
                "listing-worker");
        runner.start();
        int[] limits = {1, FLOWS + 10};
        int rounds = 200;
        CyclicBarrier together = new CyclicBarrier(limits.length);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Set<Long>> ids = new ArrayList<>();
        List<Thread> callers = new ArrayList<>();
        for (int limit : limits) {
            Set<Long> seen = new TreeSet<>();
            ids.add(seen);
            Thread t = new Thread(
                    () -> {
                        try {
                            for (int i = 0; i < rounds; i++) {
                                together.await(10, TimeUnit.SECONDS);
                                List<FlowRecord> got = answer(w.listFlows(limit));
                                assertEquals(Math.min(limit, FLOWS), got.size(), "limit " + limit);
                                got.forEach(f -> seen.add(f.id()));
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                            together.reset();
                        }
                    },
                    "listing-caller-" + limit);
            callers.add(t);
            t.start();
        }
        for (Thread t : callers) {
            t.join();
        }
        stop.set(true);
        runner.join();
        if (failure.get() != null) {
            throw new AssertionError("a caller failed", failure.get());
        }
        assertEquals(FLOWS, ids.get(1).size(), "the large caller saw every flow");
        assertTrue(ids.get(1).containsAll(ids.get(0)), "and the small one only flows of the table: " + ids);
    }
}
