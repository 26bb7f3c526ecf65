package io.npflua.tools.bench;

import io.npflua.engine.frames.FrameBuilder;
import io.npflua.lua.data.PacketData;
import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.ExecutionModel;
import io.npflua.lua.sandbox.SandboxLimits;
import io.npflua.lua.sandbox.ScriptErrorListener;
import io.npflua.lua.sandbox.ScriptLoadException;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;
import io.npflua.lua.sandbox.StringMetatable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
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
 * The seed work's two scripts, verbatim (the examples bundled in the jar), as the engine runs them: a sandboxed
 * state (budget armed, hook counting) called with a packet data object bound to a frame in native memory, then
 * released — exactly the per-frame work of a worker minus the ring walk.
 * <pre>
 * java -jar tools/target/npflua-benchmarks.jar SeedScriptBenchmark -prof gc
 * </pre>
 * {@code payload}: {@code banner} = Ethernet+IPv4+TCP carrying "SSH-2.0-OpenSSH_6.4\r\n" (blocked);
 * {@code banner40} = a 40-byte banner "SSH-2.0-OpenSSH_9.6p1 Debian-3ubuntu13\r\n" (passed);
 * {@code plain1400} = 1400 bytes of non-SSH payload (passed); {@code random64k} and {@code zero64k} = a GRO/GSO
 * super-frame at its largest (65,495 payload bytes) of random bytes as iperf3 sends, or of zeros (passed: the SSH
 * filter scans every byte for "SSH-"; on request only, {@code -p payload=random64k,zero64k}, to keep the suite
 * short). Compiled, the SSH filter's {@code tostring(pkt):match(p)} runs on the frame in place (0 B/op);
 * interpreted, {@code tostring(pkt)} copies the frame into a Lua string (the script asks for it): that copy is its
 * B/op. The RTP filter and the empty filter allocate nothing.
 *
 * <p>Variants: {@code sshFilterUnboundedBudget} loads the SSH filter with a call budget of {@code Long.MAX_VALUE}
 * (the budget can never run out; the hook still counts, since an unlimited budget is not offered): the difference
 * to {@code sshFilter} is what arming and checking the default budget costs. {@code chainRtpThenSsh} runs two
 * sandboxed scripts on the same frame as a rule chain does (the RTP filter passes the TCP frame, then the SSH filter
 * decides). {@code sshFilterStockLuaJ} is the same filter logic in a bare LuaJ state with LuaJ's stock string
 * library and no sandbox, over a Lua string copied from the frame per call (what {@code tostring(pkt)} does): the
 * reference for "LuaJ as shipped". Stock LuaJ does not know {@code %G}, so it returns nil on the banner (wrong
 * verdict: pass) — it is timed anyway, as the cost a user of stock LuaJ would pay.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SeedScriptBenchmark {
    /** The suite's payloads; {@code -p payload=random64k,zero64k} selects the super-frames (see the class comment). */
    @Param({"banner", "banner40", "plain1400"})
    public String payload;

    /**
     * How the sandboxed scripts run: compiled to JVM bytecode, in LuaJ's interpreter, or compiled without the budget
     * checks ({@code unmetered}: what the budget costs; never a production setting).
     */
    @Param({"compiled", "interpreted", "unmetered"})
    public String model;

    private Arena arena;
    private MemorySegment tcpFrame;
    private MemorySegment rtpFrame;
    private final PacketData pkt = new PacketData();
    private ScriptState ssh;
    private ScriptState rtp;
    private ScriptState empty;
    private ScriptState emptyNoLimits;
    private ScriptState sshUnbounded;
    private ScriptState sshKept;
    private LuaValue sshStock;
    private byte[] tcpBytes;

    @Setup(Level.Trial)
    public void setUp() throws IOException, ScriptLoadException {
        arena = Arena.ofShared();
        byte[] p = switch (payload) {
            case "banner" -> "SSH-2.0-OpenSSH_6.4\r\n".getBytes(StandardCharsets.US_ASCII);
            case "banner40" -> "SSH-2.0-OpenSSH_9.6p1 Debian-3ubuntu13\r\n".getBytes(StandardCharsets.US_ASCII);
            case "random64k" -> MatcherBenchmark.superFramePayload(true);
            case "zero64k" -> MatcherBenchmark.superFramePayload(false);
            default ->
                "GET /index.html HTTP/1.1\r\n".repeat(60).substring(0, 1400).getBytes(StandardCharsets.US_ASCII);
        };
        tcpBytes = frame(6, 22, 40000, p);
        tcpFrame = copy(tcpBytes);
        byte[] rtpPayload = new byte[172];
        rtpPayload[0] = (byte) 0x80;
        rtpPayload[1] = (byte) 34;
        rtpFrame = copy(frame(17, 5004, 5004, rtpPayload));
        System.setProperty("npflua.lua.compiler.unmetered", String.valueOf(model.equals("unmetered")));
        ExecutionModel m = model.equals("unmetered") ? ExecutionModel.COMPILED : ExecutionModel.parse(model);
        ssh = load("ssh-version.lua", SandboxLimits.DEFAULT_CALL_BUDGET, m);
        rtp = load("rtp-h263.lua", SandboxLimits.DEFAULT_CALL_BUDGET, m);
        empty = ScriptState.load(ScriptOptions.of("empty.lua", "function filter(pkt) return true end")
                .withErrorListener(ScriptErrorListener.STDERR)
                .withExecutionModel(m));
        emptyNoLimits = ScriptState.load(ScriptOptions.of("empty.lua", "function filter(pkt) return true end")
                .withErrorListener(ScriptErrorListener.STDERR)
                .withExecutionModel(m)
                .withCallTimeLimitNanos(0)
                .withCallAllocationLimitBytes(0)
                .withStateMemoryLimitBytes(0));
        sshUnbounded = load("ssh-version.lua", Long.MAX_VALUE, m);
        sshKept = ScriptState.load(ScriptOptions.of("ssh-kept.lua", SSH_KEPT)
                .withErrorListener(ScriptErrorListener.STDERR)
                .withExecutionModel(m));
        sshStock = stockLuaJ(STOCK_SSH);
        CallOutcome expectSsh = payload.equals("banner") ? CallOutcome.BLOCK : CallOutcome.PASS;
        if (call(ssh, tcpFrame) != expectSsh
                || call(rtp, rtpFrame) != CallOutcome.BLOCK
                || call(empty, tcpFrame) != CallOutcome.PASS
                || call(sshUnbounded, tcpFrame) != expectSsh
                || call(sshKept, tcpFrame) != expectSsh
                || chainRtpThenSsh() != expectSsh
                || !sshFilterStockLuaJ()) {
            throw new IllegalStateException("wrong verdict in set-up: " + ssh.lastError() + " " + rtp.lastError());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** The seed's SSH filter per frame; allocates only the Lua string its tostring(pkt) asks for. */
    @Benchmark
    public CallOutcome sshFilter() {
        return call(ssh, tcpFrame);
    }

    /** The seed's RTP filter per frame (layout applied to the UDP payload); 0 B/op. */
    @Benchmark
    public CallOutcome rtpFilter() {
        return call(rtp, rtpFrame);
    }

    /** An empty filter: bind, call, release; 0 B/op. */
    @Benchmark
    public CallOutcome emptyFilter() {
        return call(empty, tcpFrame);
    }

    /**
     * The empty filter without the time, allocation and state-memory limits (the instruction budget stays): what
     * those checks cost on a short call, against {@link #emptyFilter()}.
     */
    @Benchmark
    public CallOutcome emptyFilterWithoutLimits() {
        return call(emptyNoLimits, tcpFrame);
    }

    /**
     * The SSH filter as a DPI script is usually written: {@code local s = tostring(pkt)} read several times (a length
     * test, a plain {@code :find}, a {@code :match} from there, a comparison). Compiled, the packet stands in for the
     * string for the whole scope (0 B/op on read-only frames); interpreted, the frame is copied.
     */
    @Benchmark
    public CallOutcome sshFilterKeptString() {
        return call(sshKept, tcpFrame);
    }

    private static final String SSH_KEPT = "function filter(pkt)\n"
            + "  local s = tostring(pkt)\n"
            + "  if #s < 60 or s == 'ping' then return true end\n"
            + "  local at = s:find('SSH-', 55, true)\n"
            + "  if at == nil then return true end\n"
            + "  local v = s:match('^SSH%-[^-%G]+%-([^-%G]+)', at)\n"
            + "  if v == 'OpenSSH_6.4' then return false end\n"
            + "  return true\n"
            + "end";

    /** The SSH filter loaded with a budget that cannot run out; same allocation as {@link #sshFilter()}. */
    @Benchmark
    public CallOutcome sshFilterUnboundedBudget() {
        return call(sshUnbounded, tcpFrame);
    }

    /**
     * A chain of two sandboxed scripts on one frame, as a worker's rule chain runs them: RTP (passes a TCP frame),
     * then SSH. Allocates only the SSH filter's tostring copy.
     */
    @Benchmark
    public CallOutcome chainRtpThenSsh() {
        CallOutcome first = call(rtp, tcpFrame);
        return first == CallOutcome.PASS ? call(ssh, tcpFrame) : first;
    }

    /**
     * The SSH filter's logic in a bare LuaJ state with the stock string library (no sandbox, no budget), over a
     * Lua string copied from the frame's bytes per call; allocates that copy plus LuaJ's own call frames.
     */
    @Benchmark
    public boolean sshFilterStockLuaJ() {
        return sshStock.call(LuaString.valueOf(tcpBytes.clone())).toboolean();
    }

    /** The seed's SSH filter with the stock library reached as locals, so that the pinned metatable is bypassed. */
    private static final String STOCK_SSH = "local match = string.match\n"
            + "function filter(str)\n"
            + "  local software_version = match(str, 'SSH%-[^-%G]+%-([^-%G]+)')\n"
            + "  if software_version == 'OpenSSH_6.4' then return false end\n"
            + "  return true\n"
            + "end";

    private static LuaValue stockLuaJ(String source) {
        Globals g = new Globals();
        g.load(new BaseLib());
        g.load(new PackageLib()); // StringLib registers itself in package.loaded
        g.load(new StringLib());
        StringMetatable.pin(); // the stock StringLib must not replace the sandbox's string metatable
        LuaC.install(g);
        g.load(source, "stock-ssh.lua").call();
        return g.get("filter");
    }

    private CallOutcome call(ScriptState s, MemorySegment frame) {
        pkt.bind(frame, 0, (int) frame.byteSize(), false);
        try {
            return s.call(pkt);
        } finally {
            pkt.release();
        }
    }

    private MemorySegment copy(byte[] frame) {
        MemorySegment seg = arena.allocate(frame.length, 64);
        MemorySegment.copy(frame, 0, seg, ValueLayout.JAVA_BYTE, 0, frame.length);
        return seg;
    }

    private static ScriptState load(String name, long callBudget, ExecutionModel model)
            throws IOException, ScriptLoadException {
        try (InputStream in = SeedScriptBenchmark.class.getResourceAsStream("/io/npflua/tools/demo/" + name)) {
            if (in == null) {
                throw new IOException("example " + name + " is not bundled in the jar");
            }
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return ScriptState.load(ScriptOptions.of(name, source)
                    .withCallBudget(callBudget)
                    .withErrorListener(ScriptErrorListener.STDERR)
                    .withExecutionModel(model));
        }
    }

    private static byte[] frame(int proto, int sport, int dport, byte[] payload) {
        FrameBuilder f =
                FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4("198.18.0.1", "198.18.0.2");
        f = proto == FrameBuilder.PROTOCOL_TCP
                ? f.tcp(sport, dport, 1, 0, FrameBuilder.TCP_PSH | FrameBuilder.TCP_ACK)
                : f.udp(sport, dport);
        return f.payload(payload).build();
    }
}
