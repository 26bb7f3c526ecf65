package io.npflua.lua.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/** The per-worker packet object: lifetime across calls, read-only tap mode, header helpers, checksums. */
class PacketDataTest {
    // Frames generated with scapy (python3-scapy), checksums as scapy computed them.
    static final String RTP34 = "02000000000202000000000108004500003c000100004011ee88c6120001c6120002138c138c00287fdd"
            + "8022123400001000deadbeef4141414141414141414141414141414141414141";
    static final String RTP0 = "02000000000202000000000108004500003c000100004011ee88c6120001c6120002138c138c00287fff"
            + "8000123400001000deadbeef4141414141414141414141414141414141414141";
    static final String VLAN_TCP = "0200000000020200000000018100a06408004500003d000140004006ae92c6120001c61200029c40"
            + "001601020304a0b0c0d0501801f65d1300005353482d322e302d4f70656e5353485f362e340d0a";
    static final String QINQ_TCP = "02000000000202000000000188a800c881000064080045000028000100004006eea7c6120001c612"
            + "00020001000200000000000000005002200003b80000";
    static final String V6_HBH_UDP = "02000000000202000000000186dd600000000015004020010db8000000000000000000000001200"
            + "10db8000000000000000000000002110001040000000000350035000d602368656c6c6f";
    static final String V6_ICMP = "02000000000202000000000186dd60000000000c3a4020010db800000000000000000000000120010d"
            + "b8000000000000000000000002800045630007000970696e67";
    static final String V4_ICMP =
            "020000000002020000000001080045000020000100004001eeb4c6120001c61200020800191f000700" + "0970696e67";
    static final String V6_TCP = "02000000000202000000000186dd60000000001f064020010db800000000000000000000000120010db"
            + "800000000000000000000000201bbc3500000000000000000501020009cee00007878787878787878787878";
    /** 44-byte frame padded to Ethernet's 60-byte minimum with zeros. */
    static final String SHORT_UDP_PADDED = "02000000000202000000000108004500001e000100004011eea6c6120001c612000200010"
            + "002000a124d6162" + "00".repeat(16);

    /** The seed's RTP filter (rtp-h263): blocks H.263 (payload type 34). The body is the issue's, verbatim. */
    static final String RTP_FILTER = """
            local data = require 'data'
            rtp = data.layout{version = {0, 2}, padding = {2, 1}, extension = {3, 1}, csrc_count = {4, 4},
                              marker = {8, 1}, type = {9, 7}, sequence_number = {16, 16}}
            function filter(pkt)
              local pld = pkt:payload(); pld:layout(rtp); return pld.type ~= 34
            end
            """;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void closeArena() {
        arena.close();
    }

    private MemorySegment nativeFrame(String hex) {
        byte[] b = LuaStates.hex(hex);
        MemorySegment s = arena.allocate(b.length + 16);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 16, b.length);
        return s;
    }

    private static LuaValue call(LuaValue f, PacketData pkt, MemorySegment seg, boolean writable) {
        pkt.bind(seg, 16, (int) seg.byteSize() - 16, writable);
        try {
            return f.call(pkt);
        } finally {
            pkt.release();
        }
    }

    @Test
    void shouldBlockH263AndPassOtherPayloadTypesWithTheSeedRtpFilter() {
        Globals g = LuaStates.withData();
        LuaStates.run(g, RTP_FILTER);
        LuaValue filter = g.get("filter");
        PacketData pkt = new PacketData();
        assertFalse(call(filter, pkt, nativeFrame(RTP34), false).toboolean(), "payload type 34 is blocked");
        assertTrue(call(filter, pkt, nativeFrame(RTP0), false).toboolean(), "payload type 0 passes");
        assertFalse(call(filter, pkt, nativeFrame(RTP34), false).toboolean(), "the reused object sees each frame");
        byte[] heap = new byte[16 + RTP0.length() / 2];
        System.arraycopy(LuaStates.hex(RTP0), 0, heap, 16, heap.length - 16);
        assertTrue(call(filter, pkt, MemorySegment.ofArray(heap), false).toboolean(), "heap frames too");
    }

    @Test
    void shouldExpireEveryViewOfAFrameWhenTheCallEnds() {
        Globals g = LuaStates.withData();
        LuaStates.run(g, """
                function filter(pkt)
                  kept, ip, seg, pld = pkt, pkt:ip(), pkt:segment(14, 20), pkt:payload()
                  keptcopy = pkt:copy()
                  pkt:layout{first = {0, 8}}
                  assert(pkt.first == 2)
                  each = pkt:gmatch('.')
                  assert(each() == '\\2')
                  return true
                end
                function probe()
                  return #kept, #ip, ip.ttl, #seg, keptcopy:ip().ttl, #keptcopy
                end
                """);
        PacketData pkt = new PacketData();
        MemorySegment frame = nativeFrame(VLAN_TCP);
        call(g.get("filter"), pkt, frame, false);
        var r = g.get("probe").invoke();
        assertEquals(0, r.arg(1).toint(), "#pkt after the call");
        assertEquals(0, r.arg(2).toint(), "#ip after the call");
        assertTrue(r.arg(3).isnil(), "field reads give nil");
        assertEquals(0, r.arg(4).toint(), "#segment after the call");
        assertEquals(64, r.arg(5).toint(), "the copy stays valid");
        assertEquals(frame.byteSize() - 16, r.arg(6).toint());
        for (String expr : new String[] {
            "tostring(kept)", "tostring(ip)", "kept:ip()", "ip:segment(0)",
            "seg:sub(1)", "pld:find('SSH')", "kept:layout{}", "kept:copy()"
        }) {
            LuaError e = assertThrows(LuaError.class, () -> LuaStates.run(g, "return " + expr), expr);
            assertTrue(e.getMessage().contains(DataObject.EXPIRED), expr + ": " + e.getMessage());
        }
        assertTrue(
                LuaStates.run(g, "return kept.first").isnil(), "a layout applied during the call reads nil after it");
        LuaError stepped = assertThrows(LuaError.class, () -> LuaStates.run(g, "return each()"), "a kept gmatch");
        assertTrue(stepped.getMessage().contains(DataObject.EXPIRED), stepped.getMessage());
        LuaStates.run(g, "ip.ttl = 1"); // ignored: the frame is gone
        assertEquals(64, frame.get(ValueLayout.JAVA_BYTE, 16 + 18 + 8));
        // Every method of a frame and of a view, whatever its arguments would be, raises the expired error: the
        // generation is the only thing that stands between an expired object and the memory (release keeps the
        // segment referenced, so that no reference is stored per frame).
        for (var methods : new LuaTable[] {DataMethods.FRAME, DataMethods.VIEW}) {
            String self = methods == DataMethods.FRAME ? "kept" : "pld";
            LuaValue k = LuaValue.NIL;
            int n = 0;
            while (!(k = methods.next(k).arg1()).isnil()) {
                String expr = self + ":" + k.tojstring() + "(0, 1)";
                LuaError e = assertThrows(LuaError.class, () -> LuaStates.run(g, "return " + expr), expr);
                assertTrue(e.getMessage().contains(DataObject.EXPIRED), expr + ": " + e.getMessage());
                n++;
            }
            assertTrue(n >= (methods == DataMethods.FRAME ? 20 : 8), self + " has its methods: " + n);
        }
    }

    @Test
    void shouldLetAKeptReferenceSeeOnlyTheCurrentFrame() {
        Globals g = LuaStates.withData();
        LuaStates.run(g, """
                function first(pkt) kept = pkt; oldip = pkt:ip(); return true end
                function second(pkt)
                  assert(oldip.ttl == nil, 'a header view of the last frame is expired')
                  return kept:udp().dst_port
                end
                """);
        PacketData pkt = new PacketData();
        call(g.get("first"), pkt, nativeFrame(VLAN_TCP), false);
        LuaValue port = call(g.get("second"), pkt, nativeFrame(RTP0), false);
        assertEquals(5004, port.toint());
    }

    @Test
    void shouldRefuseWritesInTapModeAndWriteWhenInline() {
        Globals g = LuaStates.withData();
        LuaStates.run(g, "function f(pkt) pkt:ip().ttl = 7; return true end");
        PacketData pkt = new PacketData();
        MemorySegment frame = nativeFrame(RTP0);
        LuaError e = assertThrows(LuaError.class, () -> call(g.get("f"), pkt, frame, false));
        assertTrue(e.getMessage().contains(DataObject.READ_ONLY), e.getMessage());
        assertEquals(64, frame.get(ValueLayout.JAVA_BYTE, 16 + 14 + 8));
        call(g.get("f"), pkt, frame, true);
        assertEquals(7, frame.get(ValueLayout.JAVA_BYTE, 16 + 14 + 8));
        LuaStates.run(g, "function c(pkt) return pkt:checksum() end");
        LuaError ce = assertThrows(LuaError.class, () -> call(g.get("c"), pkt, frame, false));
        assertTrue(ce.getMessage().contains(DataObject.READ_ONLY), ce.getMessage());
    }

    @Test
    void shouldParseEachFrameAfreshAndSeeInlineHeaderEdits() {
        // Tap mode parses a frame once per call; the next frame must be parsed again, and in inline mode a write to
        // a header must change what the header helpers find.
        Globals g = LuaStates.withData();
        LuaStates.run(g, """
                function kind(pkt)
                  if pkt:tcp() then return 'tcp' elseif pkt:udp() then return 'udp' end
                  return pkt:icmp() and 'icmp' or 'none'
                end
                function flip(pkt)
                  local before = kind(pkt)
                  pkt:ip().protocol = 17      -- TCP -> UDP in place
                  return before .. '>' .. kind(pkt)
                end
                """);
        PacketData pkt = new PacketData();
        MemorySegment tcp = nativeFrame(VLAN_TCP);
        MemorySegment udp = nativeFrame(RTP34);
        MemorySegment icmp = nativeFrame(V4_ICMP);
        for (int round = 0; round < 3; round++) {
            assertEquals("tcp", call(g.get("kind"), pkt, tcp, false).tojstring());
            assertEquals("udp", call(g.get("kind"), pkt, udp, false).tojstring());
            assertEquals("icmp", call(g.get("kind"), pkt, icmp, false).tojstring());
        }
        assertEquals("tcp>udp", call(g.get("flip"), pkt, tcp, true).tojstring());
    }

    @Test
    void shouldRaiseBeforeTheFirstBind() {
        PacketData pkt = new PacketData();
        assertEquals(0, pkt.length());
        assertThrows(LuaError.class, pkt::segment);
        Globals g = LuaStates.withData();
        g.set("pkt", pkt);
        assertThrows(LuaError.class, () -> LuaStates.run(g, "return pkt:ip()"));
    }

    @Test
    void shouldLocateHeadersThroughVlanTags() {
        Globals g = LuaStates.withData();
        LuaStates.run(g, """
                function f(pkt)
                  local e, v, ip, tcp, pld = pkt:eth(), pkt:vlan(), pkt:ip(), pkt:tcp(), pkt:payload()
                  assert(e.dst == 0x020000000002 and e.src == 0x020000000001 and e.type == 0x8100, 'eth')
                  assert(v.tpid == 0x8100 and v.vid == 100 and v.pcp == 5 and v.dei == 0, 'vlan')
                  assert(ip.version == 4 and ip.ihl == 5 and ip.total_length == 61 and ip.ttl == 64, 'ip')
                  assert(ip.protocol == 6 and ip.df == 1 and ip.mf == 0 and ip.src == 0xc6120001, 'ip2')
                  assert(ip.dst == 0xc6120002 and ip.dst_bytes == '\\198\\18\\0\\2', 'ip3')
                  assert(#ip == 61, '#ip is the datagram')
                  assert(tcp.src_port == 40000 and tcp.dst_port == 22 and tcp.seq == 0x01020304, 'tcp')
                  assert(tcp.acknowledgment_number == 0xa0b0c0d0 and tcp.data_offset == 5, 'tcp2')
                  assert(tcp.psh == 1 and tcp.ack == 1 and tcp.syn == 0 and tcp.window == 502, 'tcp3')
                  assert(tcp.checksum == 0x5d13, 'tcp checksum is a field on the header view')
                  assert(tostring(pld) == 'SSH-2.0-OpenSSH_6.4\\r\\n', 'payload')
                  assert(pkt:udp() == nil and pkt:icmp() == nil, 'not udp/icmp')
                  assert(pld:match('^SSH%-[%d.]+%-') == 'SSH-2.0-', 'match on the payload')
                  assert(pkt:ip() == ip, 'header views are reused')
                  return true
                end
                function q(pkt)
                  assert(pkt:vlan().tpid == 0x88a8 and pkt:vlan().vid == 200, 'outer tag')
                  assert(pkt:ip().protocol == 6 and pkt:tcp().syn == 1 and #pkt:payload() == 0, 'qinq')
                  return true
                end
                """);
        PacketData pkt = new PacketData();
        assertTrue(call(g.get("f"), pkt, nativeFrame(VLAN_TCP), false).toboolean());
        assertTrue(call(g.get("q"), pkt, nativeFrame(QINQ_TCP), false).toboolean());
    }

    @Test
    void shouldLocateIpv6ThroughExtensionHeadersAndIcmp() {
        Globals g = LuaStates.withData();
        LuaStates.run(g, """
                function hbh(pkt)
                  local ip, udp = pkt:ip(), pkt:udp()
                  assert(ip.version == 6 and ip.next_header == 0 and ip.payload_length == 21, 'ipv6')
                  assert(ip.hop_limit == 64 and #ip.src == 16 and ip.dst:byte(16) == 2, 'ipv6 addresses')
                  assert(udp.src_port == 53 and udp.length == 13, 'udp after hop-by-hop')
                  assert(tostring(pkt:payload()) == 'hello')
                  return true
                end
                function icmp6(pkt)
                  local i = pkt:icmp()
                  assert(i.type == 128 and i.code == 0 and i.identifier == 7 and i.sequence_number == 9)
                  assert(tostring(pkt:payload()) == 'ping' and pkt:tcp() == nil)
                  return true
                end
                function icmp4(pkt)
                  local i = pkt:icmp()
                  assert(i.type == 8 and i.identifier == 7 and tostring(pkt:payload()) == 'ping')
                  return true
                end
                function tcp6(pkt)
                  assert(pkt:tcp().src_port == 443 and #pkt:payload() == 11)
                  return true
                end
                """);
        PacketData pkt = new PacketData();
        assertTrue(call(g.get("hbh"), pkt, nativeFrame(V6_HBH_UDP), false).toboolean());
        assertTrue(call(g.get("icmp6"), pkt, nativeFrame(V6_ICMP), false).toboolean());
        assertTrue(call(g.get("icmp4"), pkt, nativeFrame(V4_ICMP), false).toboolean());
        assertTrue(call(g.get("tcp6"), pkt, nativeFrame(V6_TCP), false).toboolean());
    }

    @Test
    void shouldHonourIpLengthsAndReturnNilForLyingOnes() {
        Globals g = LuaStates.withData();
        LuaStates.run(g, "function f(pkt) return pkt:payload() and tostring(pkt:payload()) end");
        PacketData pkt = new PacketData();
        assertEquals(
                "ab",
                call(g.get("f"), pkt, nativeFrame(SHORT_UDP_PADDED), false).tojstring(),
                "Ethernet padding is not payload");
        MemorySegment lying = nativeFrame(RTP0);
        lying.set(Field.BE16, 16 + 14 + 2, (short) 1000); // IPv4 total length beyond the frame
        assertTrue(call(g.get("f"), pkt, lying, false).isnil());
        MemorySegment udpLie = nativeFrame(RTP0);
        udpLie.set(Field.BE16, 16 + 34 + 4, (short) 500); // UDP length beyond the datagram
        assertTrue(call(g.get("f"), pkt, udpLie, false).isnil());
        MemorySegment tcpLie = nativeFrame(VLAN_TCP);
        tcpLie.set(ValueLayout.JAVA_BYTE, 16 + 38 + 12, (byte) 0xF0); // data offset 60 bytes > segment
        LuaStates.run(g, "function t(pkt) return pkt:tcp() == nil and pkt:payload() == nil and pkt:ip() ~= nil end");
        assertTrue(call(g.get("t"), pkt, tcpLie, false).toboolean());
        MemorySegment frag = nativeFrame(RTP0);
        frag.set(Field.BE16, 16 + 14 + 6, (short) 0x0010); // fragment offset 16: no transport header
        LuaStates.run(g, "function fr(pkt) return pkt:udp() == nil and pkt:ip().fragment_offset == 16 end");
        assertTrue(call(g.get("fr"), pkt, frag, false).toboolean());
        MemorySegment runt = arena.allocate(16 + 10);
        LuaStates.run(g, "function r(pkt) return pkt:eth() == nil and pkt:ip() == nil and pkt:payload() == nil end");
        assertTrue(call(g.get("r"), pkt, runt, false).toboolean());
    }

    @Test
    void shouldRecomputeIpv4TcpUdpIcmpAndIpv6Checksums() {
        for (String hex :
                new String[] {RTP34, VLAN_TCP, QINQ_TCP, V6_HBH_UDP, V6_ICMP, V4_ICMP, V6_TCP, SHORT_UDP_PADDED}) {
            byte[] expected = LuaStates.hex(hex);
            MemorySegment frame = nativeFrame(hex);
            DataObject probe = DataObject.wrap(frame, 16, expected.length);
            FrameHeaders h = probe.headers();
            h.locate(probe);
            if (h.ipVersion == 4) {
                frame.set(Field.BE16, 16 + h.l3Offset + 10, (short) 0xBEEF);
            }
            int at = h.l4Protocol == 6 ? 16 : h.l4Protocol == 17 ? 6 : 2;
            frame.set(Field.BE16, 16 + h.l4Offset + at, (short) 0x1234);
            Globals g = LuaStates.withData();
            LuaStates.run(g, "function f(pkt) return pkt:checksum() end");
            LuaValue n = call(g.get("f"), new PacketData(), frame, true);
            assertEquals(h.ipVersion == 4 ? 2 : 1, n.toint(), hex);
            byte[] actual = frame.asSlice(16).toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(expected, actual, hex);
        }
    }

    /**
     * A partial checksum (a super-frame, or a frame whose device finishes the checksum): after a rewrite,
     * {@code pkt:checksum()} leaves the pseudo-header sum in the TCP/UDP field, and a device finishing it (summing the
     * segment with the field as it is, storing the complement) arrives at the checksum a full computation gives.
     */
    @Test
    void shouldWriteThePseudoHeaderSumWhereTheDeviceFinishesTheChecksum() {
        for (String hex : new String[] {RTP0, VLAN_TCP, V6_TCP, V6_HBH_UDP}) {
            MemorySegment full = nativeFrame(hex);
            MemorySegment partial = nativeFrame(hex);
            Globals g = LuaStates.withData();
            LuaStates.run(g, "function f(pkt) pkt:ip().ttl = 9; return pkt:checksum() end");
            LuaValue n = call(g.get("f"), new PacketData(), full, true);
            PacketData pkt = new PacketData();
            pkt.context(new PacketContext() {
                @Override
                public boolean checksumPartial() {
                    return true;
                }
            });
            assertEquals(n.toint(), call(g.get("f"), pkt, partial, true).toint(), hex);

            PacketData probe = new PacketData();
            probe.bind(partial, 16, (int) partial.byteSize() - 16, false);
            FrameHeaders h = probe.headers();
            h.locate(probe);
            int at = h.l4Protocol == 6 ? 16 : 6;
            long l4 = 16 + h.l4Offset;
            int length = h.l3End - h.l4Offset;
            int pseudoField = partial.get(Field.BE16, l4 + at) & 0xffff;
            long ip = 16 + h.l3Offset;
            long pseudo = h.ipVersion == 4
                    ? InternetChecksum.ipv4PseudoHeader(partial, ip, h.l4Protocol, length)
                    : InternetChecksum.ipv6PseudoHeader(partial, ip, h.l4Protocol, length);
            assertEquals(~InternetChecksum.finish(pseudo) & 0xffff, pseudoField, "the folded pseudo sum: " + hex);
            assertTrue(pseudoField != (full.get(Field.BE16, l4 + at) & 0xffff), "not the full checksum: " + hex);
            // The device: checksum the L4 bytes from csum_start as they are, store the result in the field.
            int finished = InternetChecksum.checksum(partial, l4, length);
            partial.set(Field.BE16, l4 + at, (short) finished);
            assertArrayEquals(
                    full.toArray(ValueLayout.JAVA_BYTE),
                    partial.toArray(ValueLayout.JAVA_BYTE),
                    "finished by the device = computed in full: " + hex);
        }
    }

    @Test
    void shouldStartEachCallWithoutTheLayoutOfThePreviousOne() {
        Globals g = LuaStates.withData();
        LuaStates.run(g, """
                function first(pkt) assert(pkt:layout{b0 = {0, 8}} == pkt); return pkt.b0 end
                function second(pkt) return pkt.b0 end
                """);
        PacketData pkt = new PacketData();
        assertEquals(2, call(g.get("first"), pkt, nativeFrame(RTP0), false).toint());
        assertTrue(call(g.get("second"), pkt, nativeFrame(RTP0), false).isnil());
    }

    @Test
    void shouldGiveEachStateItsOwnPredefinedLayouts() {
        Globals a = LuaStates.withData();
        Globals b = LuaStates.withData();
        LuaStates.run(a, "data.layouts.ipv4.ttl = nil; data.layouts.udp.extra = {0, 8}");
        assertTrue(LuaStates.run(b, "return data.layouts.ipv4.ttl").isuserdata(), "other state untouched");
        LuaStates.run(a, "function f(pkt) return pkt:ip().ttl end");
        assertEquals(
                64,
                call(a.get("f"), new PacketData(), nativeFrame(RTP0), false).toint(),
                "header views do not use the script-visible tables");
        assertTrue(LuaStates.run(b, "return rawequal(data.layouts.vlan, data.layouts.ieee8021q)")
                .toboolean());
    }

    @Test
    void shouldGiveHeaderViewsOnlyTheGenericMethods() {
        Globals g = LuaStates.withData();
        LuaStates.run(g, """
                function f(pkt)
                  local ip = pkt:ip()
                  assert(ip.tcp == nil and ip.payload == nil and ip.checksum == nil)
                  assert(type(ip.segment) == 'function' and type(ip.find) == 'function')
                  assert(pkt:udp().checksum == 0x7fff, 'the UDP checksum field')
                  return type(pkt.checksum) == 'function'
                end
                """);
        assertTrue(call(g.get("f"), new PacketData(), nativeFrame(RTP0), false).toboolean());
    }

    @Test
    void shouldStopAtNonFirstIpv6FragmentsAndShortIpv4TotalLength() {
        Globals g = LuaStates.withData();
        LuaStates.run(g, "function f(pkt) return pkt:ip() ~= nil and pkt:udp() == nil and pkt:payload() == nil end");
        PacketData pkt = new PacketData();
        // IPv6 + fragment header (offset 8, i.e. not the first fragment) + UDP bytes
        String v6frag = "02000000000202000000000186dd60000000001a2c4020010db8000000000000000000000001"
                + "20010db8000000000000000000000002" + "11000041deadbeef" + "0035003500120000" + "61626364656667686970";
        assertTrue(call(g.get("f"), pkt, nativeFrame(v6frag), false).toboolean());
        MemorySegment shortTotal = nativeFrame(RTP0);
        shortTotal.set(Field.BE16, 16 + 14 + 2, (short) 12); // total length < header length
        assertTrue(call(g.get("f"), pkt, shortTotal, false).toboolean());
    }
}
