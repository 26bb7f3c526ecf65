package io.npflua.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.ScriptCounter;
import io.npflua.engine.counter.ScriptSnapshot;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerSnapshot;
import io.npflua.engine.output.Forwarder;
import io.npflua.engine.output.VerdictSink;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.RuleRejectedException;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.rule.Verdict;
import io.npflua.engine.source.ForwardingSource;
import io.npflua.engine.source.Frame;
import io.npflua.engine.source.FrameConsumer;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.FrameSourceFactory;
import io.npflua.engine.source.MemoryFrameSource;
import io.npflua.engine.source.SourceFailedException;
import io.npflua.engine.source.SourceRequest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EngineTest {
    private static final Set<String> LAB = Set.of("veth-a", "veth-b", "veth-c");
    private final TestRuleFactory rules = new TestRuleFactory();
    private final RecordingErrors errors = new RecordingErrors();

    private Engine.Builder builder(MemorySourceFactory sources) {
        return Engine.builder().sources(sources).ruleFactory(rules).errorHandler(errors);
    }

    private static void assertBalanced(EngineSnapshot s) {
        assertEquals(s.frames(), s.passed() + s.blocked(), "seen = passed + blocked");
        assertEquals(s.kernelPackets(), s.frames() + s.kernelDrops(), "kernel packets = seen + drops");
        for (WorkerSnapshot w : s.workers()) {
            assertEquals(
                    w.seen(),
                    w.get(WorkerCounter.PASSED) + w.get(WorkerCounter.BLOCKED),
                    "worker " + w.index() + ": seen = passed + blocked");
            assertEquals(
                    w.get(WorkerCounter.KERNEL_PACKETS),
                    w.seen() + w.get(WorkerCounter.KERNEL_DROPS),
                    "worker " + w.index() + ": kernel balance");
        }
        for (ScriptSnapshot r : s.scripts()) {
            assertEquals(r.calls(), r.passed() + r.blocked() + r.errors(), r.name() + ": calls add up");
        }
    }

    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void shouldBalanceCountersAfterAllFramesWentThroughTheWorkers(int workers) throws Exception {
        MemorySourceFactory sources = new MemorySourceFactory(LAB, 100, 50, 7);
        Engine engine = builder(sources)
                .tap("veth-a")
                .workers(workers)
                .script(ScriptSpec.of("odd", "block-odd"))
                .build()
                .start();
        assertTrue(engine.awaitEnd(30, TimeUnit.SECONDS), "finite sources end");
        EngineSnapshot s = engine.closeAndReport();

        long frames = 100L * 50 * workers;
        assertEquals(frames, s.frames());
        assertEquals(frames / 2, s.blocked());
        assertEquals(frames / 2, s.passed());
        assertEquals(7L * workers, s.kernelDrops());
        assertEquals(frames + 7L * workers, s.kernelPackets());
        ScriptSnapshot odd = s.script("odd");
        assertEquals(frames, odd.calls());
        assertEquals(frames / 2, odd.blocked());
        assertEquals(workers, s.workers().size());
        s.workers().forEach(w -> assertEquals("ended", w.state()));
        assertTrue(s.final_());
        assertBalanced(s);
    }

    @Test
    void shouldEndTheChainAtTheFirstBlock() throws Exception {
        MemorySourceFactory sources = new MemorySourceFactory(LAB, 10, 1, 0);
        AtomicLong javaCalls = new AtomicLong();
        Engine engine = builder(sources)
                .tap("veth-a")
                .script(ScriptSpec.of("first", "block-odd"))
                .handler(frame -> {
                    javaCalls.incrementAndGet();
                    return Verdict.PASS;
                })
                .build()
                .start();
        engine.awaitEnd(10, TimeUnit.SECONDS);
        EngineSnapshot s = engine.closeAndReport();
        assertEquals(5, s.blocked());
        assertEquals(5, javaCalls.get(), "the second rule sees only frames the first passed");
        assertEquals(5, s.script("java-1").calls());
        assertEquals("java", s.script("java-1").kind());
        assertBalanced(s);
    }

    @Test
    void shouldRejectAScriptThatFailsToCompileAndKeepTheRunningChain() throws Exception {
        MemorySourceFactory sources = new MemorySourceFactory(LAB, 10, MemoryFrameSourceEndless.PASSES, 0);
        try (Engine engine = builder(sources)
                .tap("veth-a")
                .script(ScriptSpec.of("ssh", "block"))
                .build()
                .start()) {
            RuleRejectedException e =
                    assertThrows(RuleRejectedException.class, () -> engine.reload("ssh", "function filter("));
            assertTrue(e.getMessage().contains("ssh.lua:1: syntax error"), e.getMessage());
            assertThrows(RuleRejectedException.class, () -> engine.load(ScriptSpec.of("other", "(((")));
            assertEquals(
                    List.of("ssh"), engine.list().stream().map(RuleInfo::name).toList());
            assertEquals(1, engine.list().get(0).generation());
            waitForFrames(engine, 1000);
            EngineSnapshot s = engine.stats();
            assertEquals(0, s.passed(), "the old 'block' script is still in charge");
        }
    }

    @Test
    void shouldAccountForEveryFrameAcrossAHundredReloadsUnderLoad() throws Exception {
        MemorySourceFactory sources = new MemorySourceFactory(LAB, 256, MemoryFrameSourceEndless.PASSES, 0);
        Engine engine = builder(sources)
                .tap("veth-a")
                .workers(2)
                .script(ScriptSpec.of("flip", "block-odd"))
                .build()
                .start();
        waitForFrames(engine, 10_000);
        for (int i = 0; i < 100; i++) {
            long before = engine.stats().frames();
            engine.reload("flip", i % 2 == 0 ? "block-even" : "block-odd");
            if (i % 10 == 0) {
                engine.load(ScriptSpec.of("extra", "pass"));
                engine.unload("extra");
            }
            waitForFrames(engine, before + 100);
        }
        EngineSnapshot s = engine.closeAndReport();

        assertEquals(sources.handedOut(), s.frames(), "every frame handed out was seen");
        assertEquals(s.frames(), s.script("flip").calls(), "every frame went through the script");
        assertEquals(0, s.script("flip").errors(), "no rule instance was used after it was closed");
        assertEquals(101, s.script("flip").generation());
        assertTrue(s.workers().stream().allMatch(w -> w.get(WorkerCounter.CHAIN_SWAPS) >= 2));
        assertTrue(s.workers().stream().allMatch(w -> w.get(WorkerCounter.RESTARTS) == 0));
        assertEquals(rules.instances.get(), rules.closed.get(), "every instance built was closed");
        assertBalanced(s);
    }

    @Test
    void shouldNeverForwardABlockedFrame() throws Exception {
        MemorySourceFactory sources = new MemorySourceFactory(LAB, 64, 20, 0);
        ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();
        AtomicInteger oddForwarded = new AtomicInteger();
        Engine engine = builder(sources)
                .bridge("veth-a", "veth-b")
                .workers(2)
                .forwarders((egress, worker) -> new Forwarder() {
                    @Override
                    public boolean forward(Frame frame) {
                        assertTrue(frame.writable(), "inline frames are writable");
                        if ((frame.byteAt(0) & 1) != 0) {
                            oddForwarded.incrementAndGet();
                        }
                        sent.add(egress);
                        return true;
                    }
                })
                .script(ScriptSpec.of("odd", "block-odd"))
                .build()
                .start();
        assertTrue(engine.awaitEnd(30, TimeUnit.SECONDS));
        EngineSnapshot s = engine.closeAndReport();

        assertEquals(0, oddForwarded.get(), "no blocked frame reached a forwarder");
        assertEquals(s.passed(), s.forwarded());
        assertEquals(s.forwarded(), sent.size());
        // Each worker bridges both ways: frames of A go out of B and frames of B out of A.
        assertEquals(sent.size() / 2, sent.stream().filter("veth-b"::equals).count());
        assertEquals(2L * 2 * 64 * 20, s.frames());
        assertBalanced(s);
    }

    @Test
    void shouldCountTruncatedFramesAndNeverForwardThem() throws Exception {
        // Every third frame is captured shorter than it was on the wire (a super-frame bigger than the ring slot).
        FrameSourceFactory sources = new FrameSourceFactory() {
            @Override
            public void validate(String name) {}

            @Override
            public FrameSource open(SourceRequest request) {
                MemoryFrameSource.Builder b =
                        MemoryFrameSource.builder(request.name()).writable(request.inline());
                for (int i = 0; i < 30; i++) {
                    byte[] f = MemorySourceFactory.frame(i);
                    b.add(f, i % 3 == 0 ? 9000 : f.length, i * 1_000L);
                }
                return b.build();
            }
        };
        AtomicInteger cut = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        Engine engine = Engine.builder()
                .sources(sources)
                .ruleFactory(rules)
                .errorHandler(errors)
                .bridge("veth-a", "veth-b")
                .workers(1)
                .forwarders((egress, worker) -> new Forwarder() {
                    @Override
                    public boolean forward(Frame frame) {
                        if (frame.capturedLength() < frame.wireLength()) {
                            cut.incrementAndGet();
                        }
                        sent.incrementAndGet();
                        return true;
                    }
                })
                .script(ScriptSpec.of("odd", "block-odd"))
                .build()
                .start();
        assertTrue(engine.awaitEnd(30, TimeUnit.SECONDS));
        EngineSnapshot s = engine.closeAndReport();

        assertEquals(0, cut.get(), "no truncated frame reached a forwarder");
        // Frames 0, 3, ..., 27 of each of the two ports are truncated: 10 per port; the even ones of them pass.
        assertEquals(20, s.total(WorkerCounter.TRUNCATED));
        assertEquals(10, s.total(WorkerCounter.FORWARD_TRUNCATED), "0, 6, 12, 18, 24 per port passed and were cut");
        assertEquals(s.passed(), s.forwarded() + s.total(WorkerCounter.FORWARD_TRUNCATED));
        assertEquals(s.forwarded(), sent.get());
        assertBalanced(s);
    }

    @Test
    void shouldCountAThrowingJavaHandlerWithoutStoppingTheWorker() throws Exception {
        MemorySourceFactory sources = new MemorySourceFactory(LAB, 30, 10, 0);
        Engine engine = builder(sources)
                .tap("veth-a")
                .handler(
                        "boom",
                        () -> frame -> {
                            if (frame.byteAt(0) % 3 == 0) {
                                throw new IllegalStateException("boom on " + frame.byteAt(0));
                            }
                            return Verdict.PASS;
                        },
                        ErrorPolicy.BLOCK)
                .build()
                .start();
        assertTrue(engine.awaitEnd(10, TimeUnit.SECONDS));
        EngineSnapshot s = engine.closeAndReport();
        assertEquals(300, s.frames());
        assertEquals(100, s.script("boom").get(ScriptCounter.HANDLER_ERRORS));
        assertEquals(100, s.blocked(), "the block policy blocked the frames the handler failed on");
        assertEquals(100, s.errors());
        assertEquals(0, s.restarts());
        assertTrue(
                s.script("boom").lastError().contains("boom on"),
                s.script("boom").lastError());
        assertTrue(!errors.ruleErrors.isEmpty() && errors.ruleErrors.size() < 100, "reports are rate-limited");
        assertBalanced(s);
    }

    @Test
    void shouldPassFramesWhoseScriptFailsUnderTheDefaultPolicyAndCountErrorsByKind() throws Exception {
        MemorySourceFactory sources = new MemorySourceFactory(LAB, 10, 10, 0);
        Engine engine = builder(sources)
                .tap("veth-a")
                .script(ScriptSpec.of("lua", "error-odd"))
                .script(new ScriptSpec("slow", "budget", null, ErrorPolicy.PASS, 1000))
                .build()
                .start();
        assertTrue(engine.awaitEnd(10, TimeUnit.SECONDS));
        EngineSnapshot s = engine.closeAndReport();
        assertEquals(100, s.passed());
        assertEquals(50, s.script("lua").get(ScriptCounter.LUA_ERRORS));
        assertEquals(100, s.script("slow").get(ScriptCounter.BUDGET_ERRORS));
        assertEquals(150, s.errors());
        assertBalanced(s);
    }

    @Test
    void shouldRestartAWorkerWhoseThreadDiedAndKeepCounting() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        MemorySourceFactory sources = new MemorySourceFactory(LAB, 10, 100, 0, inner -> new ForwardingSource(inner) {
            @Override
            public int poll(FrameConsumer consumer, int limit) {
                if (polls.incrementAndGet() == 5) {
                    throw new IllegalStateException("bug in a source adapter");
                }
                return super.poll(consumer, limit);
            }
        });
        AtomicInteger calls = new AtomicInteger();
        Engine engine = builder(sources)
                .tap("veth-a")
                .handler("oom", frame -> {
                    if (calls.incrementAndGet() == 77) {
                        throw new OutOfMemoryError("simulated: an Error the chain does not contain");
                    }
                    return Verdict.PASS;
                })
                .build()
                .start();
        assertTrue(engine.awaitEnd(10, TimeUnit.SECONDS));
        EngineSnapshot s = engine.closeAndReport();

        WorkerSnapshot w = s.workers().get(0);
        assertEquals(2, w.get(WorkerCounter.RESTARTS));
        assertEquals(1, w.get(WorkerCounter.SOURCE_ERRORS));
        assertEquals(1, w.get(WorkerCounter.ABORTED), "the frame in hand when the thread died");
        assertEquals(1000, s.frames(), "every frame handed out is accounted for");
        assertEquals(1, s.blocked(), "the aborted frame is counted as blocked: it went nowhere");
        assertEquals("ended", w.state());
        assertEquals(
                2, errors.workerErrors.stream().filter(e -> e.endsWith(":true")).count());
        assertBalanced(s);
    }

    @Test
    void shouldStopPollingASourceWhoseInterfaceIsGoneWithoutRestarting() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        MemorySourceFactory sources = new MemorySourceFactory(
                LAB, 10, MemoryFrameSourceEndless.PASSES, 0, inner -> new ForwardingSource(inner) {
                    @Override
                    public int poll(FrameConsumer consumer, int limit) {
                        if (inner.name().startsWith("veth-c") && polls.incrementAndGet() > 3) {
                            throw new io.npflua.engine.source.SourceGoneException("interface veth-c was deleted");
                        }
                        return super.poll(consumer, limit);
                    }
                });
        Engine engine = builder(sources).tap("veth-a", "veth-c").build().start();
        // Past 10,000 by more than veth-c's 192 frames, so that veth-a alone has handed out more than 10,000.
        waitForFrames(engine, 10_000 + 3 * 64 + 1);
        EngineSnapshot s = engine.closeAndReport();
        assertEquals(0, s.restarts());
        assertTrue(
                errors.workerErrors.stream().anyMatch(e -> e.contains("veth-c#0 is gone")),
                errors.workerErrors.toString());
        assertEquals(3L * 64, sources.opened.get(1).handedOut(), "three polls of a 64-frame batch before it vanished");
        assertTrue(sources.opened.get(0).handedOut() > 10_000, "the other interface kept flowing");
        assertEquals(sources.handedOut(), s.frames());
        assertBalanced(s);
    }

    @Test
    void shouldCountAThrowingSinkAsAnOutputErrorAndKeepGoing() throws Exception {
        MemorySourceFactory sources = new MemorySourceFactory(LAB, 10, 10, 0);
        AtomicInteger written = new AtomicInteger();
        Engine engine = builder(sources)
                .tap("veth-a")
                .onPassed(frame -> {
                    if (written.incrementAndGet() % 10 == 0) {
                        throw new IllegalStateException("disk full");
                    }
                })
                .onBlocked(frame -> {})
                .build()
                .start();
        assertTrue(engine.awaitEnd(10, TimeUnit.SECONDS));
        EngineSnapshot s = engine.closeAndReport();
        assertEquals(100, s.passed());
        assertEquals(10, s.workers().get(0).get(WorkerCounter.OUTPUT_ERRORS));
        assertEquals(0, s.restarts());
        assertBalanced(s);
    }

    @Test
    void shouldStopCleanlyWhileFramesFlowAndBalanceTheFinalCounters() throws Exception {
        MemorySourceFactory sources = new MemorySourceFactory(LAB, 100, MemoryFrameSourceEndless.PASSES, 3);
        Engine engine = builder(sources)
                .tap("veth-a", "veth-c")
                .workers(2)
                .script(ScriptSpec.of("odd", "block-odd"))
                .build()
                .start();
        waitForFrames(engine, 5_000);
        EngineSnapshot s = engine.closeAndReport();
        assertTrue(s.final_());
        assertEquals(sources.handedOut(), s.frames());
        assertEquals(4 * 3, s.kernelDrops(), "two interfaces on two workers, 3 drops each");
        s.workers().forEach(w -> assertEquals("stopped", w.state()));
        assertEquals(s, engine.stats(), "stats after close are the final counters");
        assertBalanced(s);
        assertThrows(IllegalStateException.class, () -> engine.load(ScriptSpec.of("late", "pass")));
    }

    @Test
    void shouldKeepCountersAcrossReloadAndDropThemAtUnload() throws Exception {
        MemorySourceFactory sources = new MemorySourceFactory(LAB, 10, 1, 0);
        Engine engine = builder(sources)
                .tap("veth-a")
                .script(ScriptSpec.of("x", "error-odd"))
                .build();
        engine.reload("x", "pass");
        assertEquals(2, engine.list().get(0).generation());
        engine.start();
        assertTrue(engine.awaitEnd(10, TimeUnit.SECONDS));
        assertEquals(10, engine.stats().script("x").calls());
        engine.unload("x");
        assertNull(engine.stats().script("x"));
        engine.load(ScriptSpec.of("x", "pass"));
        assertEquals(0, engine.stats().script("x").calls(), "a fresh load starts at zero");
        engine.close();
    }

    @Test
    void shouldFailValidationBeforeCapturingWithAClearMessage() {
        MemorySourceFactory sources = new MemorySourceFactory(LAB, 10, 1, 0);
        EngineException missing = assertThrows(
                EngineException.class, () -> builder(sources).tap("eth9").build());
        assertTrue(missing.getMessage().contains("eth9 does not exist"), missing.getMessage());
        EngineException broken = assertThrows(
                EngineException.class,
                () -> builder(sources)
                        .tap("veth-a")
                        .script(ScriptSpec.of("bad", "%%"))
                        .build());
        assertTrue(broken.getMessage().contains("rule 'bad' rejected: bad.lua:1: syntax error"), broken.getMessage());
        EngineException dup = assertThrows(
                EngineException.class,
                () -> builder(sources)
                        .tap("veth-a")
                        .script(ScriptSpec.of("a", "pass"))
                        .script(ScriptSpec.of("a", "pass"))
                        .build());
        assertTrue(dup.getMessage().contains("already loaded"), dup.getMessage());
        assertThrows(EngineException.class, () -> Engine.builder().tap("veth-a").build());
        assertThrows(
                EngineException.class,
                () -> builder(sources).bridge("veth-a", "veth-b").build());
        assertEquals(0, sources.opened.size(), "nothing was opened by a failed validation");
    }

    @Test
    void shouldCloseWhatItOpenedWhenStartFailsHalfWay() {
        MemorySourceFactory memory = new MemorySourceFactory(LAB, 10, 1, 0);
        io.npflua.engine.source.FrameSourceFactory failing = new io.npflua.engine.source.FrameSourceFactory() {
            @Override
            public void validate(String name) {
                memory.validate(name);
            }

            @Override
            public FrameSource open(io.npflua.engine.source.SourceRequest request) {
                if (request.workerIndex() == 1) {
                    throw new IllegalStateException("setsockopt(PACKET_RX_RING) failed: Cannot allocate memory");
                }
                return memory.open(request);
            }
        };
        Engine engine = Engine.builder()
                .tap("veth-a")
                .workers(2)
                .sources(failing)
                .errorHandler(errors)
                .build();
        EngineException e = assertThrows(EngineException.class, engine::start);
        assertTrue(
                e.getMessage().contains("cannot open veth-a for worker 1: setsockopt(PACKET_RX_RING) failed"),
                e.getMessage());
        assertEquals(1, memory.opened.size());
        assertThrows(
                IllegalStateException.class,
                () -> memory.opened.get(0).poll(f -> {}, 1),
                "worker 0's source was closed again");
        engine.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void shouldHandExactlyTheFrameLimitToTheChainsWhateverTheWorkers(int workers) throws Exception {
        // Endless sources: without the limit the workers would go on; with it, exactly 1,001 frames (not a multiple
        // of the batch) reach the chains and the passed-frame output, and later frames stay in the sources.
        MemorySourceFactory sources = new MemorySourceFactory(LAB, 10, Long.MAX_VALUE, 0);
        AtomicLong written = new AtomicLong();
        VerdictSink counting = frame -> written.incrementAndGet();
        Engine engine = builder(sources)
                .tap("veth-a")
                .workers(workers)
                .batch(64)
                .frameLimit(1001)
                .onPassed(counting)
                .build()
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!engine.frameLimitReached() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(engine.frameLimitReached(), "the limit is used up");
        Thread.sleep(50); // the workers keep polling: nothing more may get through
        EngineSnapshot s = engine.closeAndReport();
        assertEquals(1001, s.frames());
        assertEquals(1001, written.get());
        assertBalanced(s);
    }

    @Test
    void shouldHandExactlyTheFrameLimitWhenAPollThrowsPartWayThrough() throws Exception {
        // A poll that hands out half a batch and then throws: the worker counts the 32 frames it saw as used and keeps
        // the rest of its claim, so the limit still ends with exactly 1,000 frames, never over, also after the drain.
        AtomicInteger polls = new AtomicInteger();
        MemorySourceFactory sources =
                new MemorySourceFactory(LAB, 10, Long.MAX_VALUE, 0, inner -> new ForwardingSource(inner) {
                    @Override
                    public int poll(FrameConsumer consumer, int limit) {
                        boolean fail = polls.incrementAndGet() == 5;
                        int n = super.poll(consumer, fail ? limit / 2 : limit);
                        if (fail) {
                            throw new IllegalStateException("adapter bug after " + n + " frames");
                        }
                        return n;
                    }
                });
        Engine engine = builder(sources)
                .tap("veth-a")
                .batch(64)
                .frameLimit(1000)
                .build()
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!engine.frameLimitReached() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(engine.frameLimitReached(), "the limit is used up");
        Thread.sleep(50);
        EngineSnapshot s = engine.closeAndReport();
        assertEquals(1, s.workers().get(0).get(WorkerCounter.SOURCE_ERRORS));
        assertEquals(1000, s.frames());
        assertBalanced(s);
    }

    @Test
    void shouldNotReachTheFrameLimitWhileAWorkerOnlyHoldsAClaimOnFramesThatHaveNotCome() throws Exception {
        // A quiet link: the worker claims the whole limit (5 < its claim size) and polls, but no frame is there. The
        // limit is not used up while it waits; the run's -c watcher reads this, and used to end quiet runs early.
        CountDownLatch polling = new CountDownLatch(1);
        CountDownLatch traffic = new CountDownLatch(1);
        MemorySourceFactory sources = new MemorySourceFactory(
                LAB, 10, MemoryFrameSourceEndless.PASSES, 0, inner -> new ForwardingSource(inner) {
                    @Override
                    public int poll(FrameConsumer consumer, int limit) {
                        if (traffic.getCount() > 0) {
                            polling.countDown();
                            try {
                                traffic.await(30, TimeUnit.SECONDS); // the worker is inside its poll, claim held
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return 0;
                        }
                        return super.poll(consumer, limit);
                    }
                });
        Engine engine =
                builder(sources).tap("veth-a").batch(64).frameLimit(5).build().start();
        assertTrue(polling.await(30, TimeUnit.SECONDS), "the worker polls");
        assertFalse(engine.frameLimitReached(), "no frame came: the limit is not used up");
        assertEquals(0, engine.framesSeen());
        traffic.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!engine.frameLimitReached() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(engine.frameLimitReached(), "reached once the frames came");
        EngineSnapshot s = engine.closeAndReport();
        assertEquals(5, s.frames());
        assertBalanced(s);
    }

    @Test
    void shouldStopPollingASourceWhoseInputFailedWithoutAWorkerDeath() throws Exception {
        // A source that fails to read after 3 good polls: counted once as a source error, reported once through
        // onSourceError with its message, never as "worker thread died", no restart; the frames before it count.
        AtomicInteger polls = new AtomicInteger();
        MemorySourceFactory sources = new MemorySourceFactory(
                LAB, 10, MemoryFrameSourceEndless.PASSES, 0, inner -> new ForwardingSource(inner) {
                    @Override
                    public int poll(FrameConsumer consumer, int limit) {
                        if (polls.incrementAndGet() > 3) {
                            throw new SourceFailedException(
                                    "veth-a", -1, "read(veth-a) failed: Input/output error", null);
                        }
                        return super.poll(consumer, limit);
                    }
                });
        Engine engine = builder(sources).tap("veth-a").batch(64).build().start();
        assertTrue(engine.awaitEnd(30, TimeUnit.SECONDS), "the worker ends: its only source failed");
        EngineSnapshot s = engine.closeAndReport();
        WorkerSnapshot w = s.workers().get(0);
        assertEquals(0, w.get(WorkerCounter.RESTARTS), "an input error is not a crash");
        assertEquals(1, w.get(WorkerCounter.SOURCE_ERRORS));
        assertEquals("ended", w.state());
        assertEquals(3L * 64, s.frames(), "the frames before the failure went through");
        assertEquals(List.of("0:veth-a#0:read(veth-a) failed: Input/output error"), errors.sourceErrors);
        assertTrue(errors.workerErrors.isEmpty(), errors.workerErrors.toString());
        assertBalanced(s);
    }

    @Test
    void shouldCountEveryDeathButReportARepeatedCauseOnce() throws Exception {
        // A bug in a source that strikes at every poll: the worker dies, restarts 10 times and gives up. All 11 deaths
        // are counted; the cause is reported once, then one line says the worker stops, without the cause again.
        MemorySourceFactory sources = new MemorySourceFactory(
                LAB, 10, MemoryFrameSourceEndless.PASSES, 0, inner -> new ForwardingSource(inner) {
                    @Override
                    public int poll(FrameConsumer consumer, int limit) {
                        throw new IllegalStateException("bug in a source adapter");
                    }
                });
        Engine engine = builder(sources).tap("veth-a").maxRestarts(10).build().start();
        assertTrue(engine.awaitEnd(30, TimeUnit.SECONDS), "the worker gives up");
        EngineSnapshot s = engine.closeAndReport();
        WorkerSnapshot w = s.workers().get(0);
        assertEquals(11, w.get(WorkerCounter.RESTARTS), "every death is counted");
        assertEquals(11, w.get(WorkerCounter.SOURCE_ERRORS));
        assertEquals("failed", w.state());
        assertEquals(
                List.of(
                        "0:worker thread died:java.lang.IllegalStateException: bug in a source adapter:true",
                        "0:worker thread died 11 times in a row, each time with the error reported above; the worker stops"
                                + ":null:false"),
                errors.workerErrors);
    }

    private static void waitForFrames(Engine engine, long frames) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (engine.stats().frames() < frames) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("frames did not flow: " + engine.stats());
            }
            Thread.sleep(1);
        }
    }

    /** Pass count for sources that run until the engine stops. */
    static final class MemoryFrameSourceEndless {
        static final long PASSES = io.npflua.engine.source.MemoryFrameSource.ENDLESS;
    }
}
