package io.npflua.tools.bench;

import io.npflua.lua.data.DataLib;
import io.npflua.lua.data.DataObject;
import io.npflua.lua.data.PacketData;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The data module on the per-packet path: field reads (aligned, unaligned, bit fields, 64-bit), {@code d:layout()},
 * {@code d:segment()}, {@code tostring(d)} for 64/512/1500-byte frames, {@code pkt:ip()/tcp()/payload()}, and the
 * seed's RTP filter body through plain LuaJ globals. Frames live in native memory (an arena), as ring slots do.
 * Field reads call {@code get(key)} exactly as LuaJ's GETTABLE instruction does.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -jar tools/target/npflua-benchmarks.jar DataBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DataBenchmark {
    /** Ethernet + IPv4 + UDP + RTP (payload type 0), generated with scapy. */
    private static final String RTP0 =
            "02000000000202000000000108004500003c000100004011ee88c6120001c6120002138c138c0028"
                    + "7fff8000123400001000deadbeef4141414141414141414141414141414141414141";

    private static final String RTP_FILTER = """
            local data = require 'data'
            rtp = data.layout{version = {0, 2}, padding = {2, 1}, extension = {3, 1}, csrc_count = {4, 4},
                              marker = {8, 1}, type = {9, 7}, sequence_number = {16, 16}}
            function filter(pkt)
              local pld = pkt:payload(); pld:layout(rtp); return pld.type ~= 34
            end
            """;

    private Arena arena;
    private MemorySegment tcp64;
    private MemorySegment tcp512;
    private MemorySegment tcp1500;
    private MemorySegment rtpFrame;
    private PacketData pkt;
    private LuaValue ip;
    private LuaValue custom;
    private LuaValue filter;
    private LuaValue rtpLayout;
    private LuaValue payloadView;

    private final LuaString totalLength = LuaString.valueOf("total_length");
    private final LuaString src = LuaString.valueOf("src");
    private final LuaString ihl = LuaString.valueOf("ihl");
    private final LuaString unaligned16 = LuaString.valueOf("unaligned16");
    private final LuaString aligned64 = LuaString.valueOf("aligned64");
    private final LuaString layout = LuaString.valueOf("layout");
    private final LuaString segment = LuaString.valueOf("segment");
    private final LuaString ipName = LuaString.valueOf("ip");
    private final LuaString tcpName = LuaString.valueOf("tcp");
    private final LuaString payloadName = LuaString.valueOf("payload");
    private final LuaString type = LuaString.valueOf("type");
    private final LuaString byteName = LuaString.valueOf("byte");
    private final LuaValue thirtyFour = LuaValue.valueOf(34);
    private final LuaValue fourteen = LuaValue.valueOf(14);
    private final LuaValue twenty = LuaValue.valueOf(20);

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        tcp64 = tcpFrame(64);
        tcp512 = tcpFrame(512);
        tcp1500 = tcpFrame(1500);
        byte[] rtp = HexFormat.of().parseHex(RTP0);
        rtpFrame = arena.allocate(rtp.length);
        MemorySegment.copy(rtp, 0, rtpFrame, ValueLayout.JAVA_BYTE, 0, rtp.length);

        Globals g = JsePlatform.standardGlobals();
        g.load(new DataLib());
        g.load(RTP_FILTER, "rtp").call();
        filter = g.get("filter");
        rtpLayout = g.get("rtp");
        LuaTable customLayout = new LuaTable();
        customLayout.set("unaligned16", LuaValue.listOf(new LuaValue[] {LuaValue.valueOf(116), LuaValue.valueOf(16)}));
        customLayout.set("aligned64", LuaValue.listOf(new LuaValue[] {LuaValue.valueOf(208), LuaValue.valueOf(64)}));
        g.get("data").get("layout").call(customLayout);

        pkt = new PacketData();
        pkt.bind(tcp1500, 0, (int) tcp1500.byteSize(), false);
        // Field-read and layout views come from never-expiring wrappers, so benchmarks that re-bind pkt cannot
        // expire them; reads cost the same on packet views.
        DataObject frame = DataObject.wrap(tcp1500, 0, (int) tcp1500.byteSize());
        ip = frame.get(ipName).call(frame);
        custom = frame.get(segment).call(frame, LuaValue.valueOf(0));
        custom.get(layout).call(custom, customLayout);
        payloadView = DataObject.wrap(rtpFrame, 42, (int) rtpFrame.byteSize() - 42);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pkt.release();
        arena.close();
    }

    private MemorySegment tcpFrame(int size) {
        MemorySegment s = arena.allocate(size);
        byte[] head = HexFormat.of()
                .parseHex("020000000002020000000001080045000000000140004006000" + "0c6120001c6120002"
                        + "9c40001601020304a0b0c0d0501801f600000000");
        MemorySegment.copy(head, 0, s, ValueLayout.JAVA_BYTE, 0, head.length);
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 16, (short) (size - 14));
        for (int i = head.length; i < size; i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) ('a' + i % 26));
        }
        return s;
    }

    /** ip.total_length: aligned 16-bit big-endian. */
    @Benchmark
    public LuaValue readAligned16() {
        return ip.get(totalLength);
    }

    /** ip.src: aligned 32-bit (> 2^31 here, so LuaJ boxes a double: 16 B/op). */
    @Benchmark
    public LuaValue readAligned32() {
        return ip.get(src);
    }

    /** ip.ihl: a 4-bit field. */
    @Benchmark
    public LuaValue readBitField() {
        return ip.get(ihl);
    }

    /** A 16-bit field at bit offset 116 (spans three bytes). */
    @Benchmark
    public LuaValue readUnaligned16() {
        return custom.get(unaligned16);
    }

    /** A 64-bit aligned field. */
    @Benchmark
    public LuaValue read64() {
        return custom.get(aligned64);
    }

    /** d:layout(rtp) with a compiled layout. */
    @Benchmark
    public LuaValue layoutApply() {
        return payloadView.get(layout).call(payloadView, rtpLayout);
    }

    /** pkt:segment(14, 20): allocates the new view. */
    @Benchmark
    public LuaValue segment() {
        return pkt.get(segment).call(pkt, fourteen, twenty);
    }

    @Benchmark
    public LuaValue tostring64() {
        pkt.bind(tcp64, 0, 64, false);
        return pkt.tostring();
    }

    @Benchmark
    public LuaValue tostring512() {
        pkt.bind(tcp512, 0, 512, false);
        return pkt.tostring();
    }

    @Benchmark
    public LuaValue tostring1500() {
        pkt.bind(tcp1500, 0, 1500, false);
        return pkt.tostring();
    }

    /** bind + pkt:ip() + release. */
    @Benchmark
    public LuaValue pktIp() {
        pkt.bind(tcp1500, 0, 1500, false);
        LuaValue v = pkt.get(ipName).call(pkt);
        pkt.release();
        return v;
    }

    /** bind + pkt:tcp() + release. */
    @Benchmark
    public LuaValue pktTcp() {
        pkt.bind(tcp1500, 0, 1500, false);
        LuaValue v = pkt.get(tcpName).call(pkt);
        pkt.release();
        return v;
    }

    /** bind + pkt:payload() + release. */
    @Benchmark
    public LuaValue pktPayload() {
        pkt.bind(tcp1500, 0, 1500, false);
        LuaValue v = pkt.get(payloadName).call(pkt);
        pkt.release();
        return v;
    }

    /** bind + pkt:byte(20) + release: one byte as a number by string.byte's rules; 0 B/op. */
    @Benchmark
    public LuaValue byteOne() {
        pkt.bind(tcp1500, 0, 1500, false);
        LuaValue v = pkt.get(byteName).call(pkt, twenty);
        pkt.release();
        return v;
    }

    /**
     * bind + pkt:ip() + pkt:payload() + release: the second header helper of a call finds the frame already parsed
     * (compare with {@link #pktIp()} and {@link #pktPayload()}); 0 B/op.
     */
    @Benchmark
    public LuaValue pktIpThenPayload() {
        pkt.bind(tcp1500, 0, 1500, false);
        pkt.get(ipName).call(pkt);
        LuaValue v = pkt.get(payloadName).call(pkt);
        pkt.release();
        return v;
    }

    /** The seed's RTP filter through plain LuaJ globals: bind, filter(pkt), release. Target: 60 ns, 0 B/op. */
    @Benchmark
    public boolean rtpFilter() {
        pkt.bind(rtpFrame, 0, (int) rtpFrame.byteSize(), false);
        boolean pass = filter.call(pkt).toboolean();
        pkt.release();
        return pass;
    }

    /**
     * The data-module part of the RTP filter without the Lua frame: exactly the calls LuaJ's VM makes for
     * {@code pkt:payload()}, {@code pld:layout(rtp)} and {@code pld.type ~= 34}. Separates our cost from LuaJ's
     * per-call frame array ({@code LuaClosure.call} allocates {@code new LuaValue[maxstacksize]}).
     */
    @Benchmark
    public boolean rtpFilterDataOps() {
        pkt.bind(rtpFrame, 0, (int) rtpFrame.byteSize(), false);
        LuaValue pld = pkt.get(payloadName).call(pkt);
        pld.get(layout).call(pld, rtpLayout);
        boolean pass = pld.get(type).neq_b(thirtyFour);
        pkt.release();
        return pass;
    }
}
