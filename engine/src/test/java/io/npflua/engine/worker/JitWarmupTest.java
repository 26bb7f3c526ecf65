package io.npflua.engine.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.counter.ScriptCounters;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.event.EventLogOptions;
import io.npflua.engine.flow.FlowTable;
import io.npflua.engine.flow.FlowTableOptions;
import io.npflua.engine.flow.FlowTracking;
import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.pcap.PcapWriter;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.Rule;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.pcap.PcapSourceFactory;
import io.npflua.lua.sandbox.CallOutcome;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm-up runs the worker loop as the real workers will: with flow tracking only if they track flows. */
class JitWarmupTest {
    /** A chain source whose one rule counts the frames it saw, and those that came with a flow. */
    private static final class CountingChains implements JitWarmup.ChainSource {
        final AtomicLong frames = new AtomicLong();
        final AtomicLong withFlow = new AtomicLong();

        @Override
        public RuleChain newChain(EventLog roundLog) {
            return chainOf("count", frame -> {
                frames.incrementAndGet();
                if (frame.flowEntry() >= 0) {
                    withFlow.incrementAndGet();
                }
                return CallOutcome.PASS;
            });
        }

        @Override
        public void close(RuleChain chain) {}
    }

    /** A warm-up chain of the one rule {@code rule} (errors pass, nothing reported). */
    private static RuleChain chainOf(String name, Rule rule) {
        return new RuleChain(
                0,
                new String[] {name},
                new Rule[] {rule},
                new ScriptCounters[] {new ScriptCounters()},
                new ErrorPolicy[] {ErrorPolicy.PASS},
                0,
                JitWarmup.SILENT);
    }

    private static final long MAX_NS = TimeUnit.SECONDS.toNanos(20);

    @Test
    void shouldWarmUpOverTheFramesOfTheCaptureFileWhenTheSourceFactoryCanGiveThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("three.pcap");
        List<byte[]> frames = List.of(
                FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                        .ipv4("198.18.0.1", "198.18.0.2")
                        .udp(1111, 2222)
                        .payload("warm-up-from-file-1".getBytes(StandardCharsets.US_ASCII))
                        .build(),
                FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                        .ipv4("198.18.0.1", "198.18.0.2")
                        .tcp(3333, 22, 1, 0, FrameBuilder.TCP_ACK)
                        .payload("warm-up-from-file-22".getBytes(StandardCharsets.US_ASCII))
                        .build(),
                FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                        .ipv4("198.18.0.3", "198.18.0.4")
                        .udp(5555, 53)
                        .payload("warm-up-from-file-333".getBytes(StandardCharsets.US_ASCII))
                        .build());
        try (PcapWriter out = PcapWriter.create(file)) {
            for (int i = 0; i < frames.size(); i++) {
                out.write(1_700_000_000_000_000_000L + i, frames.get(i));
            }
        }
        Set<Integer> lengths = ConcurrentHashMap.newKeySet();
        AtomicLong foreign = new AtomicLong();
        JitWarmup.ChainSource chains = new JitWarmup.ChainSource() {
            @Override
            public RuleChain newChain(EventLog roundLog) {
                return chainOf("file", frame -> {
                    byte[] b = frame.segment()
                            .asSlice(frame.offset(), frame.capturedLength())
                            .toArray(ValueLayout.JAVA_BYTE);
                    if (frames.stream().noneMatch(f -> Arrays.equals(f, b))) {
                        foreign.incrementAndGet();
                    }
                    lengths.add(b.length);
                    return CallOutcome.PASS;
                });
            }

            @Override
            public void close(RuleChain chain) {}
        };
        FrameSource own = new PcapSourceFactory(1).openForWarmup(file.toString());
        JitWarmup.Result r = JitWarmup.run(
                chains, 3_000, MAX_NS, JitWarmup.Like.flows(FlowTracking.defaults()), JitWarmup.looping(own));
        assertTrue(r.frames() >= 3_000, "the three frames over and over: " + r.frames());
        assertEquals(0, foreign.get(), "every frame the warm-up ran is one of the file's");
        assertEquals(3, lengths.size(), "all three of them: " + lengths);

        // An empty capture ends the warm-up's rounds instead of spinning until the deadline.
        Path empty = dir.resolve("empty.pcap");
        PcapWriter.create(empty).close();
        long start = System.nanoTime();
        JitWarmup.Result none = JitWarmup.run(
                chains,
                3_000,
                MAX_NS,
                JitWarmup.Like.flows(FlowTracking.off()),
                JitWarmup.looping(new PcapSourceFactory(1).openForWarmup(empty.toString())));
        assertEquals(0, none.frames());
        assertTrue(System.nanoTime() - start < MAX_NS / 2, "ended early");
    }

    @Test
    void shouldTrackFlowsInTheWarmupWhenTheWorkersDo() {
        CountingChains chains = new CountingChains();
        JitWarmup.Result r = JitWarmup.run(chains, 4_000, MAX_NS, JitWarmup.Like.flows(FlowTracking.defaults()));
        assertTrue(r.frames() >= 4_000, "frames run: " + r.frames());
        assertTrue(chains.frames.get() >= 4_000);
        // The synthetic frames are mostly IP (a few are ARP and the like, without a flow).
        assertTrue(
                chains.withFlow.get() > chains.frames.get() / 2,
                chains.withFlow.get() + " of " + chains.frames.get() + " frames with a flow");
    }

    @Test
    void shouldNotTrackFlowsInTheWarmupWhenTheWorkersDoNot() {
        CountingChains chains = new CountingChains();
        JitWarmup.Result r = JitWarmup.run(chains, 4_000, MAX_NS, JitWarmup.Like.flows(FlowTracking.off()));
        assertTrue(r.frames() >= 4_000, "frames run: " + r.frames());
        assertTrue(chains.frames.get() >= 4_000);
        assertEquals(0, chains.withFlow.get(), "--no-flows: the warm-up's frames carry no flow either");
    }

    /**
     * With the real workers' event log and capture clock, the warm-up's workers have their own (each round a small
     * log that is never started and whose events the round's thread formats and throws away): blocked frames are
     * handed to it, and nothing of it reaches the real log's file. Without an event log, no event is handed anywhere.
     */
    @Test
    void shouldHandBlockedFramesToAThrowawayLogWhenTheWorkersHaveOne(@TempDir Path dir) {
        AtomicLong blocked = new AtomicLong();
        JitWarmup.ChainSource chains = new JitWarmup.ChainSource() {
            @Override
            public RuleChain newChain(EventLog roundLog) {
                return chainOf("block", frame -> {
                    blocked.incrementAndGet();
                    return CallOutcome.BLOCK;
                });
            }

            @Override
            public void close(RuleChain chain) {}
        };
        Path file = dir.resolve("eve.json");
        JitWarmup.Result r = JitWarmup.run(
                chains,
                4_000,
                MAX_NS,
                new JitWarmup.Like(FlowTracking.defaults(), EventLogOptions.of(file), true, false));
        assertTrue(r.frames() >= 4_000, "frames run: " + r.frames());
        assertEquals(r.frames(), blocked.get(), "every frame blocked");
        assertTrue(r.events() > 0, "events handed to the throwaway logs and formatted: " + r.events());
        assertFalse(Files.exists(file), "the warm-up never opens the real log");
        JitWarmup.Result without = JitWarmup.run(chains, 4_000, MAX_NS, JitWarmup.Like.flows(FlowTracking.defaults()));
        assertTrue(without.frames() >= 4_000);
        assertEquals(0, without.events(), "no event log, no events");
    }

    /**
     * The synthetic traffic is two-way, as real traffic is: run twice through a flow table, it takes flows through
     * every state, in both directions, ends flows (a SYN on a closed one), orders keys by either half of an IPv6
     * address and has frames without a flow. A warm-up over one-way frames left those paths uncompiled, and the
     * first real conversation sent the worker loop back to the interpreter.
     */
    @Test
    void shouldTakeFlowsThroughEveryStateInBothDirections() {
        FlowTable table = new FlowTable(FlowTableOptions.defaults());
        AtomicLong ended = new AtomicLong();
        table.endListener((entry, reason) -> ended.incrementAndGet());
        Set<Integer> states = new HashSet<>();
        Set<Integer> directions = new HashSet<>();
        Set<String> highHalvesOrdered = new HashSet<>();
        int noFlow = 0;
        long now = 1_000_000_000L;
        for (int round = 0; round < 2; round++) {
            for (byte[] f : JitWarmup.frames()) {
                int e = table.track(MemorySegment.ofArray(f), 0, f.length, f.length, now += 1_000);
                if (e < 0) {
                    noFlow++;
                    continue;
                }
                states.add(table.state(e));
                directions.add(table.lastDirection());
                long src = table.lastKey().srcHi();
                long dst = table.lastKey().dstHi();
                if (src != dst) {
                    highHalvesOrdered.add(Long.compareUnsigned(src, dst) < 0 ? "src lower" : "src higher");
                }
            }
        }
        assertEquals(Set.of(1, 2, 3, 4), states, "every state: new, established, closing, closed (FlowState 1-4)");
        assertEquals(Set.of(FlowTable.ORIG, FlowTable.REPLY), directions, "both directions");
        assertTrue(ended.get() > 0, "a closed flow met a SYN and ended");
        assertEquals(Set.of("src lower", "src higher"), highHalvesOrdered, "IPv6 keys ordered by the high halves");
        assertTrue(noFlow > 0, "frames without a flow (ARP)");
    }
}
