package io.npflua.engine.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.npflua.engine.frames.FrameBuilder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FlowKeyTest {
    private static final String MAC_A = "02:00:00:00:00:01";
    private static final String MAC_B = "02:00:00:00:00:02";

    private final FlowKey key = new FlowKey();

    private int parse(byte[] frame) {
        return key.parse(MemorySegment.ofArray(frame), 0, frame.length);
    }

    private static FrameBuilder v4() {
        return FrameBuilder.ethernet(MAC_A, MAC_B).ipv4("198.18.0.1", "198.19.255.2");
    }

    private static FrameBuilder v6() {
        return FrameBuilder.ethernet(MAC_A, MAC_B).ipv6("2001:db8::1", "2001:db8:1::2");
    }

    @Test
    void shouldExtractIpv4TcpKeyFlagsAndPayload() {
        byte[] frame = v4().tcp(40000, 22, 1, 2, FrameBuilder.TCP_SYN | FrameBuilder.TCP_ACK)
                .payload("hello")
                .build();
        assertEquals(FlowKey.OK, parse(frame));
        assertEquals(4, key.ipVersion());
        assertEquals(FlowKey.PROTO_TCP, key.protocol());
        assertEquals(0, key.srcHi());
        assertEquals(0xc6120001L, key.srcLo());
        assertEquals(0xc613ff02L, key.dstLo());
        assertEquals(40000, key.srcPort());
        assertEquals(22, key.dstPort());
        assertEquals(0x12, key.tcpFlags());
        assertEquals(14, key.networkOffset());
        assertEquals(34, key.transportOffset());
        assertEquals(54, key.payloadOffset());
        assertEquals(5, key.payloadLength());
        assertEquals("tcp 198.18.0.1:40000 -> 198.19.255.2:22 vlan 0/0", key.toString());
    }

    @Test
    void shouldExtractIpv6UdpKey() {
        byte[] frame = v6().udp(5353, 53).payload(new byte[11]).build();
        assertEquals(FlowKey.OK, parse(frame));
        assertEquals(6, key.ipVersion());
        assertEquals(FlowKey.PROTO_UDP, key.protocol());
        assertEquals(0x20010db800000000L, key.srcHi());
        assertEquals(1L, key.srcLo());
        assertEquals(0x20010db800010000L, key.dstHi());
        assertEquals(2L, key.dstLo());
        assertEquals(5353, key.srcPort());
        assertEquals(53, key.dstPort());
        assertEquals(0, key.tcpFlags());
        assertEquals(11, key.payloadLength());
        assertEquals("udp 2001:db8::1:5353 -> 2001:db8:1::2:53 vlan 0/0", key.toString());
    }

    @Test
    void shouldUseTheEchoIdentifierAsBothPortsForIcmpAndIcmpv6Echo() {
        assertEquals(FlowKey.OK, parse(v4().echo(true, 0x1234, 7).build()));
        assertEquals(FlowKey.PROTO_ICMP, key.protocol());
        assertEquals(0x1234, key.srcPort());
        assertEquals(0x1234, key.dstPort());
        assertEquals(FlowKey.OK, parse(v4().echo(false, 0x1234, 7).build()));
        assertEquals(0x1234, key.srcPort());
        assertEquals(FlowKey.OK, parse(v6().echo(true, 0xbeef, 1).build()));
        assertEquals(FlowKey.PROTO_ICMPV6, key.protocol());
        assertEquals(0xbeef, key.srcPort());
        assertEquals(0xbeef, key.dstPort());
    }

    @Test
    void shouldKeyIcmpErrorsAndNeighbourDiscoveryByAddressesOnly() {
        assertEquals(FlowKey.OK, parse(v4().icmp(3, 3, 0x12345678).build()));
        assertEquals(0, key.srcPort());
        assertEquals(0, key.dstPort());
        assertEquals(FlowKey.OK, parse(v6().icmp(135, 0, 0x12345678).build()));
        assertEquals(0, key.srcPort());
    }

    @Test
    void shouldKeyOtherProtocolsByAddressesOnly() {
        assertEquals(FlowKey.OK, parse(v4().build()));
        assertEquals(FrameBuilder.PROTOCOL_EXPERIMENTAL, key.protocol());
        assertEquals(0, key.srcPort());
        assertEquals(0, key.payloadLength());
    }

    @Test
    void shouldReadOneAndTwoVlanTagsAndTreatVidZeroAsUntagged() {
        assertEquals(
                FlowKey.OK,
                parse(FrameBuilder.ethernet(MAC_A, MAC_B)
                        .vlan(100)
                        .ipv4("198.18.0.1", "198.18.0.2")
                        .udp(1, 2)
                        .build()));
        assertEquals(100, key.outerVlan());
        assertEquals(0, key.innerVlan());
        assertEquals(18, key.networkOffset());
        assertEquals(1, key.srcPort());

        assertEquals(
                FlowKey.OK,
                parse(FrameBuilder.ethernet(MAC_A, MAC_B)
                        .qinq(10, 20)
                        .ipv6("2001:db8::1", "2001:db8::2")
                        .tcp(1, 2, 0, 0, FrameBuilder.TCP_SYN)
                        .build()));
        assertEquals(10, key.outerVlan());
        assertEquals(20, key.innerVlan());
        assertEquals(22, key.networkOffset());
        assertEquals(2, key.dstPort());

        assertEquals(
                FlowKey.OK,
                parse(FrameBuilder.ethernet(MAC_A, MAC_B)
                        .tag(FrameBuilder.TPID_8021Q, 5, 0)
                        .ipv4("198.18.0.1", "198.18.0.2")
                        .udp(1, 2)
                        .build()));
        assertEquals(0, key.outerVlan());
        assertEquals(0, key.innerVlan());
    }

    @Test
    void shouldGiveNoFlowToThreeTagsAndNonIpFrames() {
        byte[] twoTags = FrameBuilder.ethernet(MAC_A, MAC_B)
                .qinq(10, 20)
                .ipv4("198.18.0.1", "198.18.0.2")
                .udp(1, 2)
                .build();
        // Turn the EtherType after the second tag into a third 802.1Q TPID.
        twoTags[20] = (byte) 0x81;
        twoTags[21] = 0x00;
        assertEquals(FlowKey.NOT_IP, parse(twoTags));
        assertEquals(22, key.networkOffset(), "two tags read");
        assertEquals(
                FlowKey.NOT_IP,
                parse(FrameBuilder.ethernet(MAC_A, MAC_B).payload("arp?").build()));
        byte[] arp = new byte[42];
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertEquals(FlowKey.NOT_IP, parse(arp));
    }

    @Test
    void shouldNeverThrowAndOnlyGiveAFlowOnceTheNeededHeadersAreCaptured() {
        byte[][] frames = {
            v4().tcp(1000, 80, 1, 2, FrameBuilder.TCP_ACK)
                    .payload("GET / HTTP/1.1\r\n")
                    .build(),
            v6().udp(1000, 53).payload("query").build(),
            FrameBuilder.ethernet(MAC_A, MAC_B)
                    .qinq(1, 2)
                    .ipv4("198.18.0.1", "198.18.0.2")
                    .echo(true, 9, 9)
                    .build(),
            v6().ipv6Extensions(0, 60, 43)
                    .tcp(1, 2, 0, 0, FrameBuilder.TCP_SYN)
                    .payload("x")
                    .build(),
        };
        int[] needed = {14 + 20 + 20, 14 + 40 + 8, 22 + 20 + 8, 14 + 40 + 8 + 8 + 8 + 20};
        for (int f = 0; f < frames.length; f++) {
            MemorySegment segment = MemorySegment.ofArray(frames[f]);
            for (int length = 0; length <= frames[f].length; length++) {
                int result = key.parse(segment, 0, length);
                assertEquals(
                        length >= needed[f] ? FlowKey.OK : FlowKey.TRUNCATED,
                        result,
                        "frame " + f + " cut at " + length);
            }
        }
    }

    @Test
    void shouldRejectLyingLengthsAndHeaderFields() {
        byte[] tcp = v4().tcp(1000, 80, 1, 2, FrameBuilder.TCP_ACK).build();
        assertEquals(FlowKey.MALFORMED, parse(set16(tcp.clone(), 16, 19)), "total length below the header");
        assertEquals(FlowKey.MALFORMED, parse(set16(tcp.clone(), 16, 30)), "total length cuts the TCP header");
        assertEquals(FlowKey.MALFORMED, parse(set8(tcp.clone(), 14, 0x44)), "IHL 4");
        assertEquals(FlowKey.MALFORMED, parse(set8(tcp.clone(), 14, 0x55)), "version 5");
        assertEquals(
                FlowKey.TRUNCATED, parse(set16(set8(tcp.clone(), 14, 0x4f), 16, 100)), "IHL 15 beyond the capture");
        assertEquals(FlowKey.MALFORMED, parse(set8(tcp.clone(), 46, 0x40)), "TCP data offset 4");
        // A total length beyond the capture is a snap length: the key is still there.
        assertEquals(FlowKey.OK, parse(set16(tcp.clone(), 16, 1500)));
        assertEquals(1500 - 40, key.payloadLength());

        byte[] echo = v4().echo(true, 0x1234, 7).build();
        assertEquals(FlowKey.MALFORMED, parse(set16(echo.clone(), 16, 24)), "total length cuts the ICMP header");
        assertEquals(
                FlowKey.TRUNCATED,
                key.parse(MemorySegment.ofArray(echo), 0, 14 + 20 + 4),
                "ICMP header cut by the capture");

        byte[] udp6 = v6().udp(1, 2).build();
        assertEquals(FlowKey.MALFORMED, parse(set16(udp6.clone(), 18, 4)), "payload length cuts the UDP header");
        assertEquals(FlowKey.MALFORMED, parse(set8(udp6.clone(), 14, 0x40)), "version 4 in an IPv6 EtherType");
        byte[] ext = v6().ipv6Extensions(60).udp(1, 2).build();
        assertEquals(FlowKey.OK, parse(ext));
        assertEquals(
                FlowKey.TRUNCATED,
                parse(set16(set8(ext.clone(), 55, 200), 18, 1700)),
                "extension runs past the capture");
        assertEquals(FlowKey.MALFORMED, parse(set8(ext.clone(), 55, 200)), "extension runs past the payload");
    }

    @Test
    void shouldNotReadEthernetPaddingAsPayload() {
        byte[] frame = v4().udp(1, 2).payload(new byte[2]).padToMinimum(true).build();
        assertEquals(60, frame.length);
        assertEquals(FlowKey.OK, parse(frame));
        assertEquals(2, key.payloadLength());
    }

    @Test
    void shouldKeyFirstFragmentsByPortsAndGiveLaterFragmentsNoFlow() {
        byte[] first =
                v4().dontFragment(false).udp(4000, 5000).payload(new byte[100]).build();
        set16(first, 20, 0x2000); // MF, offset 0
        assertEquals(FlowKey.OK, parse(first));
        assertEquals(4000, key.srcPort());
        byte[] later = first.clone();
        set16(later, 20, 0x2000 | 185); // MF, offset 185 * 8
        assertEquals(FlowKey.LATER_FRAGMENT, parse(later));
        set16(later, 20, 185); // last fragment
        assertEquals(FlowKey.LATER_FRAGMENT, parse(later));

        byte[] first6 =
                v6().ipv6Extensions(44).udp(4000, 5000).payload(new byte[100]).build();
        set16(first6, 56, 0x0001); // offset 0, M
        assertEquals(FlowKey.OK, parse(first6));
        assertEquals(FlowKey.PROTO_UDP, key.protocol());
        assertEquals(5000, key.dstPort());
        byte[] later6 = set16(first6.clone(), 56, 100 << 3);
        assertEquals(FlowKey.LATER_FRAGMENT, parse(later6));
    }

    /**
     * The event log and the bridge read the same parse: after a result other than OK the IP header's fields stay
     * when that header is good, and a bad or cut IP header leaves {@code ipVersion() == 0} (never the last frame's).
     */
    @Test
    void shouldKeepAGoodIpHeaderWhenTheTransportHeaderIsMissing() {
        byte[] later =
                v4().dontFragment(false).udp(4000, 5000).payload(new byte[100]).build();
        set16(later, 20, 185);
        assertEquals(FlowKey.LATER_FRAGMENT, parse(later));
        assertEquals(4, key.ipVersion());
        assertEquals(FlowKey.PROTO_UDP, key.protocol());
        assertEquals(0xc6120001L, key.srcLo());
        assertEquals(0xc613ff02L, key.dstLo());

        byte[] later6 =
                v6().ipv6Extensions(0, 44).udp(1, 2).payload(new byte[100]).build();
        set16(later6, 14 + 40 + 8 + 2, 100 << 3);
        assertEquals(FlowKey.LATER_FRAGMENT, parse(later6));
        assertEquals(6, key.ipVersion());
        assertEquals(FlowKey.PROTO_UDP, key.protocol(), "the fragment header's next header");
        assertEquals(0x20010db800010000L, key.dstHi());

        byte[] tcp = v4().tcp(1000, 80, 1, 2, FrameBuilder.TCP_ACK).build();
        assertEquals(FlowKey.TRUNCATED, key.parse(MemorySegment.ofArray(tcp), 0, 14 + 20 + 10));
        assertEquals(4, key.ipVersion());
        assertEquals(FlowKey.PROTO_TCP, key.protocol());

        byte[] chain =
                v6().ipv6Extensions(0, 60).tcp(1, 2, 0, 0, FrameBuilder.TCP_SYN).build();
        assertEquals(FlowKey.TRUNCATED, key.parse(MemorySegment.ofArray(chain), 0, 14 + 40 + 8 + 4));
        assertEquals(6, key.ipVersion());
        assertEquals(60, key.protocol(), "the header where the walk stopped");
    }

    @Test
    void shouldLeaveNoIpHeaderAfterABadOrCutOne() {
        byte[] tcp = v4().tcp(1000, 80, 1, 2, FrameBuilder.TCP_ACK).build();
        byte[][] bad = {
            set8(tcp.clone(), 14, 0x44), // IHL 4
            set8(tcp.clone(), 14, 0x65), // version 6 in an IPv4 EtherType
            set16(tcp.clone(), 16, 19), // total length below the header
            set8(v6().udp(1, 2).build(), 14, 0x40), // version 4 in an IPv6 EtherType
        };
        for (byte[] frame : bad) {
            assertEquals(FlowKey.OK, parse(tcp));
            assertEquals(FlowKey.MALFORMED, parse(frame));
            assertEquals(0, key.ipVersion());
        }
        assertEquals(FlowKey.OK, parse(tcp));
        assertEquals(FlowKey.TRUNCATED, key.parse(MemorySegment.ofArray(tcp), 0, 14 + 19));
        assertEquals(0, key.ipVersion());
        assertEquals(
                FlowKey.NOT_IP,
                parse(FrameBuilder.ethernet(MAC_A, MAC_B).payload("x").build()));
        assertEquals(0, key.ipVersion());
    }

    @Test
    void shouldGiveTheLinkHeaderLengthOfNonIpFramesAndTheDatagramEnd() {
        assertEquals(
                FlowKey.NOT_IP,
                parse(FrameBuilder.ethernet(MAC_A, MAC_B).vlan(3).payload("x").build()));
        assertEquals(18, key.networkOffset(), "the link header of a non-IP frame");

        byte[] padded = v4().udp(1, 2).payload(new byte[2]).padToMinimum(true).build();
        assertEquals(FlowKey.OK, parse(padded));
        assertEquals(14 + 20 + 8 + 2, key.datagramEnd(), "padding is not part of the datagram");
        byte[] ext = v6().ipv6Extensions(0, 51)
                .tcp(1, 2, 0, 0, FrameBuilder.TCP_SYN)
                .payload("abc")
                .build();
        assertEquals(FlowKey.OK, parse(ext));
        assertEquals(14 + 40 + 8 + 16, key.transportOffset());
        assertEquals(ext.length, key.datagramEnd());
        assertEquals(
                FlowKey.OK,
                parse(set16(v4().tcp(1, 2, 0, 0, FrameBuilder.TCP_ACK).build(), 16, 1500)));
        assertEquals(14 + 1500, key.datagramEnd(), "beyond the capture: a snap length");
    }

    @Test
    void shouldSkipIpv6ExtensionChainsButNotEndlessOnes() {
        byte[] frame = v6().ipv6Extensions(0, 43, 60, 51)
                .tcp(7, 8, 0, 0, FrameBuilder.TCP_SYN)
                .build();
        assertEquals(FlowKey.OK, parse(frame));
        assertEquals(FlowKey.PROTO_TCP, key.protocol());
        assertEquals(7, key.srcPort());
        assertEquals(14 + 40 + 8 + 8 + 8 + 16, key.transportOffset());

        int[] nine = new int[FlowKey.MAX_IPV6_EXTENSIONS + 1];
        Arrays.fill(nine, 60);
        assertEquals(
                FlowKey.MALFORMED, parse(v6().ipv6Extensions(nine).udp(1, 2).build()));
        int[] eight = new int[FlowKey.MAX_IPV6_EXTENSIONS];
        Arrays.fill(eight, 60);
        assertEquals(FlowKey.OK, parse(v6().ipv6Extensions(eight).udp(1, 2).build()));
    }

    @Test
    void shouldReadOnlyWithinTheGivenRangeOfALargerSegment() {
        byte[] frame = v4().udp(1, 2).build();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ring = arena.allocate(4096);
            MemorySegment.copy(MemorySegment.ofArray(frame), 0, ring, 1000, frame.length);
            assertEquals(FlowKey.OK, key.parse(ring, 1000, frame.length));
            assertEquals(2, key.dstPort());
            assertEquals(FlowKey.MALFORMED, key.parse(ring, 4000, 200), "range beyond the segment");
            assertEquals(FlowKey.MALFORMED, key.parse(ring, -1, 100));
        }
    }

    @Test
    void shouldSurviveRandomBytesAfterIpEtherTypes() {
        SplittableRandom random = new SplittableRandom(13);
        byte[] frame = new byte[200];
        MemorySegment segment = MemorySegment.ofArray(frame);
        int ok = 0;
        for (int i = 0; i < 200_000; i++) {
            random.nextBytes(frame);
            int tags = random.nextInt(3);
            for (int t = 0; t < tags; t++) {
                frame[12 + 4 * t] = (byte) 0x81;
                frame[13 + 4 * t] = 0;
            }
            boolean six = random.nextBoolean();
            int ip = 14 + 4 * tags;
            frame[ip - 2] = (byte) (six ? 0x86 : 0x08);
            frame[ip - 1] = (byte) (six ? 0xdd : 0x00);
            frame[ip] = (byte) (six ? 0x60 : 0x45 + random.nextInt(11));
            if (six && random.nextBoolean()) {
                frame[ip + 6] = (byte) new int[] {0, 43, 44, 60, 51}[random.nextInt(5)];
            }
            int result = key.parse(segment, 0, random.nextInt(frame.length + 1));
            if (result == FlowKey.OK) {
                ok++;
                assertEquals(six ? 6 : 4, key.ipVersion());
            }
        }
        assertNotEquals(0, ok, "some random frames should still parse");
    }

    private static byte[] set16(byte[] frame, int at, int value) {
        frame[at] = (byte) (value >> 8);
        frame[at + 1] = (byte) value;
        return frame;
    }

    private static byte[] set8(byte[] frame, int at, int value) {
        frame[at] = (byte) value;
        return frame;
    }
}
