package io.npflua.tools.bench;

import io.npflua.lua.string.LuaStrings;
import io.npflua.lua.string.SegmentBytes;
import io.npflua.lua.string.SegmentStrings;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Our pattern matcher against LuaJ 3.0.1's stock string library on the same strings and patterns, plus our
 * matcher over native memory (a data object's view). The seed's SSH pattern uses {@code %G}, which stock LuaJ does
 * not know (it treats it as a literal 'G' and gives the wrong verdict on a banner: nil).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar tools/target/npflua-benchmarks.jar MatcherBenchmark \
 *     -f 1 -wi 3 -w 1 -i 3 -r 1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class MatcherBenchmark {
    private static final LuaString SSH = LuaValue.valueOf("SSH%-[^-%G]+%-([^-%G]+)");
    private static final LuaString BALANCED = LuaValue.valueOf("%b()");
    private static final LuaString WORD = LuaValue.valueOf("%w+");
    private static final LuaString REPL = LuaValue.valueOf("<%0>");

    private LuaValue oursMatch;
    private LuaValue oursGsub;
    private LuaValue stockMatch;
    private LuaValue stockGsub;

    private LuaString banner;
    private LuaString payload1400;
    private LuaString nested;
    private LuaString sentence;

    /** Signatures tried in turn by {@link #signaturesOurs}: a DPI script's many constant patterns. */
    @Param({"1", "24"})
    public int signatures;

    private LuaString[] signatureSet;
    private int nextSignature;

    private Arena arena;
    private SegmentBytes bannerView;
    private SegmentBytes payloadView;
    private SegmentBytes random64kView;
    private SegmentBytes zero64kView;

    /** A fixed view over native memory, as a data object is (minus its liveness check). */
    private record View(MemorySegment segment, long offset, int length) implements SegmentBytes {}

    @Setup(Level.Trial)
    public void setup() {
        // Stock first: its Globals would otherwise leave LuaJ's metatable in place of ours (irrelevant here: the
        // functions are called directly, not through method syntax).
        LuaValue stock = JsePlatform.standardGlobals().get("string");
        stockMatch = stock.get("match");
        stockGsub = stock.get("gsub");
        LuaTable ours = LuaStrings.newStringTable();
        oursMatch = ours.get("match");
        oursGsub = ours.get("gsub");

        banner = LuaValue.valueOf("SSH-2.0-OpenSSH_6.4\r\n");
        signatureSet = new LuaString[signatures];
        for (int i = 0; i < signatures; i++) {
            signatureSet[i] = LuaValue.valueOf("^GET /app" + i + "/(%w+)%?id=(%d+)");
        }
        StringBuilder sb = new StringBuilder(1400);
        for (int i = 0; sb.length() < 1400; i++) {
            sb.append((char) ('a' + i % 26));
            if (i % 61 == 60) {
                sb.append("S-");
            }
        }
        sb.setLength(1400);
        payload1400 = LuaValue.valueOf(sb.toString());
        nested = LuaValue.valueOf("call(f(a, g(b, c)), h(d)) + rest");
        sentence = LuaValue.valueOf("the quick brown fox jumps over the lazy dog");

        arena = Arena.ofShared();
        bannerView = view(banner);
        payloadView = view(payload1400);
        random64kView = view(LuaValue.valueOf(superFramePayload(true)));
        zero64kView = view(LuaValue.valueOf(superFramePayload(false)));
    }

    /**
     * The TCP payload of a largest GRO/GSO super-frame (65,535 - 40 bytes): random bytes as iperf3 sends (a fixed
     * seed, any "SSH-" in them broken up), or zeros.
     */
    static byte[] superFramePayload(boolean random) {
        byte[] b = new byte[SUPER_FRAME_PAYLOAD];
        if (random) {
            new java.util.Random(15).nextBytes(b);
            for (int i = 0; i + 4 <= b.length; i++) {
                if (b[i] == 'S' && b[i + 1] == 'S' && b[i + 2] == 'H' && b[i + 3] == '-') {
                    b[i] = 'x';
                }
            }
        }
        return b;
    }

    /** The payload bytes of an IPv4 TCP super-frame at its largest (IPv4 total length 65,535, no options). */
    static final int SUPER_FRAME_PAYLOAD = 65_535 - 20 - 20;

    private SegmentBytes view(LuaString s) {
        MemorySegment seg = arena.allocate(s.m_length + 64);
        MemorySegment.copy(s.m_bytes, s.m_offset, seg, ValueLayout.JAVA_BYTE, 54, s.m_length);
        return new View(seg, 54, s.m_length);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /**
     * One of {@link #signatures} patterns per call, in turn, on the banner (none matches): with more patterns than the
     * matcher's cache kept, every call would parse its pattern again (and allocate); 0 B/op says none is.
     */
    @Benchmark
    public LuaValue signaturesOurs() {
        int i = nextSignature;
        nextSignature = i + 1 == signatureSet.length ? 0 : i + 1;
        return oursMatch.call(banner, signatureSet[i]);
    }

    /** The banner: ours returns "OpenSSH_6.4". Allocates only the capture. */
    @Benchmark
    public LuaValue sshBannerOurs() {
        return oursMatch.call(banner, SSH);
    }

    /** The banner under stock LuaJ: returns nil (wrong verdict, %G unknown). */
    @Benchmark
    public LuaValue sshBannerStock() {
        return stockMatch.call(banner, SSH);
    }

    /** 1400 bytes without "SSH-": the literal-prefix scan rejects it without trying the pattern. */
    @Benchmark
    public LuaValue ssh1400Ours() {
        return oursMatch.call(payload1400, SSH);
    }

    @Benchmark
    public LuaValue ssh1400Stock() {
        return stockMatch.call(payload1400, SSH);
    }

    /** The banner read in place from native memory (a data object's d:match). */
    @Benchmark
    public LuaValue sshBannerSegmentOurs() {
        return SegmentStrings.match(bannerView, SSH);
    }

    /** 1400 bytes of native memory; allocates nothing (no match). */
    @Benchmark
    public LuaValue ssh1400SegmentOurs() {
        return SegmentStrings.match(payloadView, SSH);
    }

    /**
     * A super-frame's payload of random bytes (iperf3's) in native memory: the literal-prefix scan over 65,495 bytes
     * that never hold "SSH-"; allocates nothing.
     */
    @Benchmark
    public LuaValue ssh64kRandomSegmentOurs() {
        return SegmentStrings.match(random64kView, SSH);
    }

    /** The same over 65,495 zero bytes; allocates nothing. */
    @Benchmark
    public LuaValue ssh64kZeroSegmentOurs() {
        return SegmentStrings.match(zero64kView, SSH);
    }

    @Benchmark
    public LuaValue balancedOurs() {
        return oursMatch.call(nested, BALANCED);
    }

    @Benchmark
    public LuaValue balancedStock() {
        return stockMatch.call(nested, BALANCED);
    }

    @Benchmark
    public LuaValue gsubOurs() {
        return oursGsub.invoke(LuaValue.varargsOf(sentence, WORD, REPL)).arg1();
    }

    @Benchmark
    public LuaValue gsubStock() {
        return stockGsub.invoke(LuaValue.varargsOf(sentence, WORD, REPL)).arg1();
    }
}
