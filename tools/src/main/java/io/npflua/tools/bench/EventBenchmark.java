package io.npflua.tools.bench;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.event.EventLogOptions;
import io.npflua.engine.event.EventProducer;
import io.npflua.engine.flow.FlowTable;
import io.npflua.engine.flow.FlowTableOptions;
import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.source.Frame;
import io.npflua.lua.sandbox.AlertFields;
import io.npflua.lua.sandbox.CallOutcome;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The worker's half of the event log hand-off ({@code io.npflua.engine.event}): one blocked frame (a TCP/IPv4 frame
 * in native memory, as a ring slot) handed over with its script name and reason: rate limit, slot claim, 128 header
 * bytes copied, release store; then the slot is given back without formatting ({@code EventLog.discard}, so that no
 * writer thread's allocations are counted; it refreshes the producers' clock every 256 calls, as the writer does
 * every turn). {@code suppressed} is the same call over the rate limit (counted only: the path of every blocked frame
 * of a flood), {@code full} into a full queue (counted only), {@code alert} a script's {@code alert(message, fields)}
 * with three fields as the sandbox hands it over ({@code EventProducer.alert}: references to the message and the
 * field names and values copied into the slot). Every benchmark must show 0 B/op with {@code -prof gc}.
 *
 * <pre>
 * java -jar tools/target/npflua-benchmarks.jar EventBenchmark -f 1 -wi 3 -w 1 -i 5 -r 1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class EventBenchmark {
    private Arena arena;
    private Frame frame;
    private final LuaString reason = LuaString.valueOf("OpenSSH 6.4 is banned");
    private final LuaString message = LuaString.valueOf("ssh server");
    private final AlertFields fields = new AlertFields();
    private EventLog open;
    private EventProducer producer;
    private EventProducer limited;
    private EventProducer full;
    private final FlowTable flows = new FlowTable(FlowTableOptions.defaults().withMaxFlows(16), 0, 1);
    private int flowEntry;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] bytes = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("198.18.0.1", "198.18.0.2")
                .tcp(22, 50122, 1, 1, 0x18)
                .payload(new byte[200])
                .build();
        arena = Arena.ofShared();
        MemorySegment slot = arena.allocate(bytes.length);
        MemorySegment.copy(bytes, 0, slot, ValueLayout.JAVA_BYTE, 0, bytes.length);
        frame = new Frame().wrap(slot, 0, bytes.length, bytes.length, false, Frame.NO_HEADER);
        flowEntry = flows.track(slot, 0, bytes.length, bytes.length, 1);
        open = log(1e12, 1 << 20, 1024);
        producer = open.producer(0);
        // Here, on the benchmark's thread: alerts are taken only from the thread that last polled a source.
        producer.source("eth0");
        producer.frame(frame);
        // The banner script's fields (docs/events.md): a string, a number, a boolean.
        fields.add(LuaValue.valueOf("software"), LuaValue.valueOf("OpenSSH_6.4"));
        fields.add(LuaValue.valueOf("port"), LuaValue.valueOf(50122));
        fields.add(LuaValue.valueOf("old"), LuaValue.TRUE);
        limited = log(1e-3, 1, 1024).producer(0);
        limited.source("eth0");
        limited.frame(frame);
        limited.blocked(frame, "ssh", 1, reason, CallOutcome.BLOCK); // uses the one event the limit allows
        // Its clock never moves (no writer, no discard): a burst of 2^31 one-nanosecond intervals keeps the rate
        // limit out of the way for ~40 s of calls, longer than the benchmark runs.
        full = log(1e12, Integer.MAX_VALUE, 2).producer(0);
        full.source("eth0");
        full.frame(frame);
        full.blocked(frame, "ssh", 1, reason, CallOutcome.BLOCK);
        full.blocked(frame, "ssh", 1, reason, CallOutcome.BLOCK);
    }

    private static EventLog log(double rate, int burst, int slots) {
        EventLog log = new EventLog(
                EventLogOptions.of(null).withRate(rate, burst).withQueueSlots(slots), 1, ErrorHandler.STDERR);
        log.attach(new WorkerCounters[] {new WorkerCounters()});
        return log;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** Hand-off of one blocked frame, then the slot given back. */
    @Benchmark
    public int blocked() {
        producer.blocked(frame, "ssh", 1, reason, CallOutcome.BLOCK);
        return open.discard(0);
    }

    /** The same over the rate limit: counted as suppressed. */
    @Benchmark
    public void suppressed() {
        limited.blocked(frame, "ssh", 1, reason, CallOutcome.BLOCK);
    }

    /** The same into a full queue (rate limit off): counted as dropped, never waited for. */
    @Benchmark
    public void full() {
        full.blocked(frame, "ssh", 1, reason, CallOutcome.BLOCK);
    }

    /** Hand-off of one alert with three fields, then the slot given back. */
    @Benchmark
    public int alert() {
        if (!producer.alert("ssh", message, fields)) {
            throw new IllegalStateException("alert refused: not the thread that polled, or the queue full");
        }
        return open.discard(0);
    }

    /** Hand-off of one flow-end record (key, counts, times from the worker's table), then the slot given back. */
    @Benchmark
    public int flowEnded() {
        producer.flowEnded(flows, flowEntry, FlowTable.END_EXPIRED);
        return open.discard(0);
    }
}
