package io.npflua.tools.bench;

import io.npflua.engine.frames.FrameBuilder;
import io.npflua.lua.data.PacketData;
import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.ScriptErrorListener;
import io.npflua.lua.sandbox.ScriptLoadException;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
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
 * The seed work's two scripts, verbatim (the examples bundled in the jar), as the engine runs them: a sandboxed
 * state (budget armed, hook counting) called with a packet data object bound to a frame in native memory, then
 * released — exactly the per-frame work of a worker minus the ring walk.
 * <pre>
 * java -jar tools/target/npflua-benchmarks.jar SeedScriptBenchmark -prof gc
 * </pre>
 * {@code payload}: {@code banner} = Ethernet+IPv4+TCP carrying "SSH-2.0-OpenSSH_6.4\r\n" (blocked);
 * {@code banner40} = a 40-byte banner "SSH-2.0-OpenSSH_9.6p1 Debian-3ubuntu13\r\n" (passed);
 * {@code plain1400} = 1400 bytes of non-SSH payload (passed). The SSH filter's own {@code tostring(pkt)} copies the
 * frame into a Lua string (the script asks for it): that copy is its B/op. The RTP filter and the empty filter
 * allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SeedScriptBenchmark {
    @Param({"banner", "banner40", "plain1400"})
    public String payload;

    private Arena arena;
    private MemorySegment tcpFrame;
    private MemorySegment rtpFrame;
    private final PacketData pkt = new PacketData();
    private ScriptState ssh;
    private ScriptState rtp;
    private ScriptState empty;

    @Setup(Level.Trial)
    public void setUp() throws IOException, ScriptLoadException {
        arena = Arena.ofShared();
        byte[] p = switch (payload) {
            case "banner" -> "SSH-2.0-OpenSSH_6.4\r\n".getBytes(StandardCharsets.US_ASCII);
            case "banner40" -> "SSH-2.0-OpenSSH_9.6p1 Debian-3ubuntu13\r\n".getBytes(StandardCharsets.US_ASCII);
            default -> "GET /index.html HTTP/1.1\r\n".repeat(60).substring(0, 1400).getBytes(StandardCharsets.US_ASCII);
        };
        tcpFrame = copy(frame(6, 22, 40000, p));
        byte[] rtpPayload = new byte[172];
        rtpPayload[0] = (byte) 0x80;
        rtpPayload[1] = (byte) 34;
        rtpFrame = copy(frame(17, 5004, 5004, rtpPayload));
        ssh = load("ssh-version.lua");
        rtp = load("rtp-h263.lua");
        empty = ScriptState.load(ScriptOptions.of("empty.lua", "function filter(pkt) return true end")
                .withErrorListener(ScriptErrorListener.STDERR));
        CallOutcome expectSsh = payload.equals("banner") ? CallOutcome.BLOCK : CallOutcome.PASS;
        if (call(ssh, tcpFrame) != expectSsh || call(rtp, rtpFrame) != CallOutcome.BLOCK
                || call(empty, tcpFrame) != CallOutcome.PASS) {
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

    private static ScriptState load(String name) throws IOException, ScriptLoadException {
        try (InputStream in = SeedScriptBenchmark.class.getResourceAsStream("/io/npflua/tools/demo/" + name)) {
            if (in == null) {
                throw new IOException("example " + name + " is not bundled in the jar");
            }
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return ScriptState.load(ScriptOptions.of(name, source).withErrorListener(ScriptErrorListener.STDERR));
        }
    }

    private static byte[] frame(int proto, int sport, int dport, byte[] payload) {
        FrameBuilder f = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4("198.18.0.1", "198.18.0.2");
        f = proto == FrameBuilder.PROTOCOL_TCP ? f.tcp(sport, dport, 1, 0, FrameBuilder.TCP_PSH | FrameBuilder.TCP_ACK)
                : f.udp(sport, dport);
        return f.payload(payload).build();
    }
}
