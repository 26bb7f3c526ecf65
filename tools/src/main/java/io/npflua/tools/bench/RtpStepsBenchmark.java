package io.npflua.tools.bench;

import io.npflua.engine.frames.FrameBuilder;
import io.npflua.lua.data.PacketData;
import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.ExecutionModel;
import io.npflua.lua.sandbox.ScriptErrorListener;
import io.npflua.lua.sandbox.ScriptLoadException;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The seed's RTP filter built up one operation at a time, so that the cost of each step is the difference between
 * two rows (what each data-object operation costs inside a compiled or interpreted call, on top of the call itself):
 * {@code call} = an empty filter; {@code udp} = {@code pkt:udp()}; {@code payload} = and {@code pkt:payload()};
 * {@code layout} = and {@code pld:layout(rtp)}; {@code field} = and one field read ({@code pld.version == 2});
 * {@code rtp} = the whole filter (two field reads, then {@code return false}). Every step returns the same verdict
 * (block), so the calls differ only by the operations.
 * <pre>
 * java -jar tools/target/npflua-benchmarks.jar RtpStepsBenchmark -p model=compiled -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RtpStepsBenchmark {
    /** How far into the RTP filter the script goes (see the class comment). */
    @Param({"call", "udp", "payload", "layout", "field", "rtp"})
    public String step;

    /** Compiled (the default) or LuaJ's interpreter. */
    @Param({"compiled", "interpreted"})
    public String model;

    private static final String HEAD = "local data = require'data'\n"
            + "local rtp = data.layout{version={0,2}, extension={3,1}, csrc_count={4,4}, marker={8,1}, type={9,7}}\n"
            + "function filter(pkt)\n";

    private Arena arena;
    private MemorySegment frame;
    private final PacketData pkt = new PacketData();
    private ScriptState state;

    @Setup(Level.Trial)
    public void setUp() throws ScriptLoadException {
        arena = Arena.ofShared();
        byte[] payload = new byte[172];
        payload[0] = (byte) 0x80;
        payload[1] = (byte) 34;
        byte[] bytes = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("198.18.0.1", "198.18.0.2")
                .udp(5004, 5004)
                .payload(payload)
                .build();
        frame = arena.allocate(bytes.length, 64);
        MemorySegment.copy(bytes, 0, frame, ValueLayout.JAVA_BYTE, 0, bytes.length);
        String body = switch (step) {
            case "call" -> "  return false\n";
            case "udp" -> "  if not pkt:udp() then return true end\n  return false\n";
            case "payload" ->
                "  if not pkt:udp() then return true end\n"
                        + "  local pld = pkt:payload()\n  if pld == nil then return true end\n  return false\n";
            case "layout" ->
                "  if not pkt:udp() then return true end\n"
                        + "  local pld = pkt:payload()\n  if pld == nil then return true end\n"
                        + "  pld:layout(rtp)\n  return false\n";
            case "field" ->
                "  if not pkt:udp() then return true end\n"
                        + "  local pld = pkt:payload()\n  if pld == nil then return true end\n"
                        + "  pld:layout(rtp)\n  if pld.version == 2 then return false end\n  return true\n";
            case "rtp" ->
                "  if not pkt:udp() then return true end\n"
                        + "  local pld = pkt:payload()\n  if pld == nil then return true end\n"
                        + "  pld:layout(rtp)\n  if pld.version == 2 and pld.type == 34 then return false end\n"
                        + "  return true\n";
            default -> throw new IllegalArgumentException(step);
        };
        state = ScriptState.load(ScriptOptions.of("rtp-" + step + ".lua", HEAD + body + "end\n")
                .withErrorListener(ScriptErrorListener.STDERR)
                .withExecutionModel(ExecutionModel.parse(model)));
        if (filter() != CallOutcome.BLOCK) {
            throw new IllegalStateException("step " + step + " does not block: " + state.lastError());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** One call of the step's filter on the RTP frame: bind, call, release. */
    @Benchmark
    public CallOutcome filter() {
        pkt.bind(frame, 0, (int) frame.byteSize(), false);
        try {
            return state.call(pkt);
        } finally {
            pkt.release();
        }
    }
}
