package io.npflua.tools.bench;

import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.output.pcap.PcapVerdictSink;
import io.npflua.engine.pcap.PcapReader;
import io.npflua.engine.pcap.PcapWriter;
import io.npflua.engine.rule.Rule;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.rule.lua.LuaRuleFactory;
import io.npflua.engine.source.Frame;
import io.npflua.engine.source.FrameConsumer;
import io.npflua.engine.source.pcap.PcapFrameSource;
import io.npflua.lua.sandbox.CallOutcome;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-frame cost of the engine's adapters that can run without a live socket: the offline source handing out frames
 * of a mapped pcap (one and two workers' flow split), the pcap verdict sink appending a frame, and the Lua rule
 * adapter (bind the packet object, call the script, release) with an empty filter and with a field read. All must
 * show 0 B/op with {@code -prof gc} (the ring source's per-frame path is {@code RingBenchmark} in RING scope plus one
 * flyweight re-point).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar tools/target/npflua-benchmarks.jar AdapterBenchmark \
 *     -f 1 -wi 3 -w 1 -i 3 -r 1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AdapterBenchmark {
    static final int BATCH = 64;

    static byte[] frame(int i) {
        return FrameBuilder.ethernet("02:00:00:00:0a:01", "02:00:00:00:0a:02")
                .ipv4("198.18.0.1", "198.18.0.2")
                .udp(10_000 + i % 200, 5000)
                .payload(new byte[18 + i % 64])
                .build();
    }

    /** A pcap of 10,000 UDP frames read endlessly by worker {@code worker} of {@code workers}. */
    @State(Scope.Thread)
    public static class Offline {
        @Param({"1", "2"})
        public int workers;

        Path file;
        PcapFrameSource source;
        Blackhole bh;
        FrameConsumer consumer;

        @Setup(Level.Trial)
        public void setUp(Blackhole blackhole) throws Exception {
            file = Files.createTempFile("npflua-adapter", ".pcap");
            try (PcapWriter w = PcapWriter.create(file)) {
                for (int i = 0; i < 10_000; i++) {
                    w.write(1_768_471_200_000_000_000L + i * 1000L, frame(i));
                }
            }
            source = new PcapFrameSource(PcapReader.open(file), "bench.pcap", 0, workers, Long.MAX_VALUE);
            bh = blackhole;
            consumer = f -> bh.consume(f.capturedLength());
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            source.close();
            Files.deleteIfExists(file);
        }
    }

    /** A native frame and a sink writing to /dev/null; a rule instance per script. */
    @State(Scope.Thread)
    public static class OneFrame {
        @Param({"empty", "udp-port"})
        public String script;

        Arena arena;
        Frame frame;
        PcapVerdictSink sink;
        Rule rule;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            arena = Arena.ofShared();
            byte[] bytes = frame(7);
            MemorySegment ring = arena.allocate(4096);
            MemorySegment.copy(bytes, 0, ring, ValueLayout.JAVA_BYTE, 128, bytes.length);
            frame = new Frame()
                    .wrap(
                            ring,
                            128,
                            bytes.length,
                            bytes.length,
                            false,
                            Frame.header(1_768_471_200_000_000_000L, 3, Frame.DIRECTION_INBOUND));
            sink = PcapVerdictSink.over(PcapWriter.create(Path.of("/dev/null")));
            String source = script.equals("empty")
                    ? "function filter(pkt) return true end"
                    : "function filter(pkt) local u = pkt:udp() return u == nil or u.dst_port ~= 7777 end";
            rule = new LuaRuleFactory().prepare(ScriptSpec.of(script, source)).newInstance(0);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            rule.close();
            sink.close();
            arena.close();
        }
    }

    /** One frame handed out by the offline source (skipped records of other workers included). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int pcapSourcePoll(Offline s) {
        return s.source.poll(s.consumer, BATCH);
    }

    /** One frame appended to a pcap output. */
    @Benchmark
    public void pcapSinkAccept(OneFrame s) {
        s.sink.accept(s.frame);
    }

    /** One Lua rule evaluation through the adapter. */
    @Benchmark
    public CallOutcome luaRuleEvaluate(OneFrame s) {
        return s.rule.evaluate(s.frame);
    }
}
