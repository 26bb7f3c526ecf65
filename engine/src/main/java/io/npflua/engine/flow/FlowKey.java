package io.npflua.engine.flow;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The flow key of one Ethernet frame, parsed in place from any {@link MemorySegment}: a mutable flyweight that
 * {@link #parse} refills for each frame (one instance per table, reused; never shared between threads).
 *
 * <p>What is read, in order, all within {@code [offset, offset + length)} (the captured bytes):
 * <ol>
 *   <li>Ethernet II, then up to two VLAN tags with TPID 0x8100 or 0x88a8: the VLAN ids are part of the key
 *       ({@link #outerVlan()}, {@link #innerVlan()}; 0 when absent, which also makes priority-tagged frames, VID 0,
 *       meet their untagged flow).</li>
 *   <li>IPv4 (version and IHL checked, the total length bounds the datagram) or IPv6, whose extension headers are
 *       skipped: hop-by-hop options (0), routing (43), fragment (44), destination options (60), authentication header
 *       (51), mobility (135), HIP (139) and Shim6 (140), at most {@value #MAX_IPV6_EXTENSIONS} of them.</li>
 *   <li>Ports for TCP (6), UDP (17), UDP-Lite (136) and SCTP (132); the echo identifier, in both port fields, for
 *       ICMP echo/timestamp/information/address-mask queries and replies and ICMPv6 echo (128/129). Every other IP
 *       protocol, and ICMP messages that are not queries (errors, neighbour discovery), have a flow keyed by the
 *       address pair alone (ports 0).</li>
 * </ol>
 *
 * <p><b>Fragments.</b> There is no reassembly. A first fragment (IPv4 offset 0 with MF set, an IPv6 fragment header
 * with offset 0) carries the transport header and belongs to its flow like an unfragmented datagram. Later
 * fragments carry no ports: {@link #parse} returns {@link #LATER_FRAGMENT} and the frame has no flow (the wiring
 * may still route them by address pair; scripts see {@code pkt:flow() == nil}).
 *
 * <p><b>Malformed input never throws.</b> A frame whose headers are cut short ({@link #TRUNCATED}), whose version,
 * header length or total length contradict each other or the captured bytes ({@link #MALFORMED}), or that is not IP
 * ({@link #NOT_IP}) has no flow. A capture cut by a snap length after the transport header still has one: only the
 * headers the key needs must be present.
 *
 * <p><b>One parser for every reader of headers.</b> The event log's addresses and ports and the bridge's checksum and
 * segment-size arithmetic use this parse too, so what it leaves set after a result other than {@link #OK} is part of
 * the contract: {@link #networkOffset()} once the link header was read (also for {@link #NOT_IP}); {@link #ipVersion()}
 * is 0 unless the fixed IP header is captured and its version, IHL and total length agree, and then the addresses and
 * {@link #protocol()} are set even when the transport header is missing, cut, or in a later fragment.
 *
 * <p>Addresses are held as two 64-bit halves each, IPv4 in the low 32 bits of the low half; the IP version is part
 * of the key, so an IPv4 flow never meets an IPv6 one.
 */
public final class FlowKey {
    /** {@link #parse} result: the frame has a flow key. */
    public static final int OK = 0;
    /** {@link #parse} result: not IPv4 or IPv6 (ARP, LLDP, a third VLAN tag, ...). */
    public static final int NOT_IP = 1;
    /** {@link #parse} result: a header the key needs is cut short by the captured length. */
    public static final int TRUNCATED = 2;
    /** {@link #parse} result: header fields contradict each other (version, IHL, total length, extension chain). */
    public static final int MALFORMED = 3;
    /** {@link #parse} result: an IPv4 or IPv6 fragment other than the first: no ports, no flow. */
    public static final int LATER_FRAGMENT = 4;

    /** IPv6 extension headers skipped at most; a longer chain is {@link #MALFORMED}. */
    public static final int MAX_IPV6_EXTENSIONS = 8;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ICMPV6 = 58;
    public static final int PROTO_SCTP = 132;
    public static final int PROTO_UDPLITE = 136;

    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final int ETH_HEADER = 14;
    private static final int TPID_8021Q = 0x8100;
    private static final int TPID_8021AD = 0x88a8;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;

    private int ipVersion;
    private int protocol;
    private int outerVlan;
    private int innerVlan;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private int srcPort;
    private int dstPort;
    private int tcpFlags;
    private int networkOffset;
    private int transportOffset;
    private int payloadOffset;
    private int payloadLength;

    /**
     * Parses the frame at {@code offset} with {@code length} captured bytes into this key and returns {@link #OK}, or
     * why the frame has no flow ({@link #NOT_IP}, {@link #TRUNCATED}, {@link #MALFORMED}, {@link #LATER_FRAGMENT});
     * the fields then hold what the class comment says. Reads only captured bytes, never throws for any content.
     * Allocates nothing.
     */
    public int parse(MemorySegment segment, long offset, int length) {
        ipVersion = 0;
        if (length < ETH_HEADER || offset < 0 || offset + length > segment.byteSize()) {
            return length < ETH_HEADER ? TRUNCATED : MALFORMED;
        }
        int pos = 12;
        int type = u16(segment, offset + pos);
        pos += 2;
        outerVlan = 0;
        innerVlan = 0;
        for (int tags = 0; type == TPID_8021Q || type == TPID_8021AD; tags++) {
            if (tags == 2) {
                networkOffset = pos;
                return NOT_IP;
            }
            if (length < pos + 4) {
                return TRUNCATED;
            }
            int vid = u16(segment, offset + pos) & 0x0fff;
            if (tags == 0) {
                outerVlan = vid;
            } else {
                innerVlan = vid;
            }
            type = u16(segment, offset + pos + 2);
            pos += 4;
        }
        networkOffset = pos;
        tcpFlags = 0;
        if (type == ETHERTYPE_IPV4) {
            return ipv4(segment, offset, pos, length);
        }
        if (type == ETHERTYPE_IPV6) {
            return ipv6(segment, offset, pos, length);
        }
        return NOT_IP;
    }

    private int ipv4(MemorySegment s, long base, int at, int length) {
        if (length < at + 20) {
            return TRUNCATED;
        }
        // Three wide reads instead of six narrow ones: bytes 0-7 (version/IHL, total length, fragment field) and
        // 12-19 (the two addresses); the protocol is byte 9.
        long head = s.get(U64, base + at);
        int versionIhl = (int) (head >>> 56);
        int ihl = (versionIhl & 0x0f) * 4;
        int totalLength = (int) (head >>> 32) & 0xffff;
        if (versionIhl >> 4 != 4 || ihl < 20 || totalLength < ihl) {
            return MALFORMED;
        }
        ipVersion = 4;
        protocol = s.get(ValueLayout.JAVA_BYTE, base + at + 9) & 0xff;
        srcHi = 0;
        dstHi = 0;
        long addresses = s.get(U64, base + at + 12);
        srcLo = addresses >>> 32;
        dstLo = addresses & 0xffff_ffffL;
        // The datagram ends at its total length or at the end of the capture (snap length), whichever comes first;
        // Ethernet padding after the total length is never read as transport header.
        int end = Math.min(length, at + totalLength);
        if (end < at + ihl) {
            return TRUNCATED;
        }
        if ((head & 0x1fff) != 0) {
            return LATER_FRAGMENT;
        }
        return transport(s, base, at + ihl, end, at + totalLength);
    }

    private int ipv6(MemorySegment s, long base, int at, int length) {
        if (length < at + 40) {
            return TRUNCATED;
        }
        if ((s.get(ValueLayout.JAVA_BYTE, base + at) & 0xf0) != 0x60) {
            return MALFORMED;
        }
        int wireEnd = at + 40 + u16(s, base + at + 4);
        // A payload length of 0 with a hop-by-hop header is a jumbogram (RFC 2675): bounded by the capture instead.
        int next = s.get(ValueLayout.JAVA_BYTE, base + at + 6) & 0xff;
        if (wireEnd == at + 40 && next == 0) {
            wireEnd = length;
        }
        int end = Math.min(length, wireEnd);
        ipVersion = 6;
        srcHi = s.get(U64, base + at + 8);
        srcLo = s.get(U64, base + at + 16);
        dstHi = s.get(U64, base + at + 24);
        dstLo = s.get(U64, base + at + 32);
        // protocol follows the chain: where the walk stops (a later fragment, a broken chain) it is the last
        // next-header value read.
        protocol = next;
        int pos = at + 40;
        for (int n = 0; ; n++) {
            if (!isIpv6Extension(next)) {
                break;
            }
            if (n == MAX_IPV6_EXTENSIONS) {
                return MALFORMED;
            }
            if (end < pos + 8) {
                return wireEnd < pos + 8 ? MALFORMED : TRUNCATED;
            }
            int following = s.get(ValueLayout.JAVA_BYTE, base + pos) & 0xff;
            int size;
            if (next == 44) {
                if ((u16(s, base + pos + 2) & 0xfff8) != 0) {
                    protocol = following;
                    return LATER_FRAGMENT;
                }
                size = 8;
            } else if (next == 51) {
                size = ((s.get(ValueLayout.JAVA_BYTE, base + pos + 1) & 0xff) + 2) * 4;
            } else {
                size = ((s.get(ValueLayout.JAVA_BYTE, base + pos + 1) & 0xff) + 1) * 8;
            }
            pos += size;
            next = following;
            protocol = next;
        }
        if (pos > wireEnd) {
            return MALFORMED;
        }
        if (pos > end) {
            return TRUNCATED;
        }
        return transport(s, base, pos, end, wireEnd);
    }

    private static boolean isIpv6Extension(int next) {
        return next == 0
                || next == 43
                || next == 44
                || next == 60
                || next == 51
                || next == 135
                || next == 139
                || next == 140;
    }

    // at: transport header; end: end of the captured datagram; wireEnd: its end by the IP header's length fields.
    // TCP and UDP here, the rest in otherTransport: this method stays small enough for the JIT to inline it.
    private int transport(MemorySegment s, long base, int at, int end, int wireEnd) {
        transportOffset = at;
        int header;
        if (protocol == PROTO_TCP) {
            if (end < at + 20) {
                return wireEnd < at + 20 ? MALFORMED : TRUNCATED;
            }
            int offsetFlags = u16(s, base + at + 12);
            header = (offsetFlags & 0xf000) >> 10;
            if (header < 20) {
                return MALFORMED;
            }
            ports(s, base + at);
            tcpFlags = offsetFlags & 0xff;
        } else if (protocol == PROTO_UDP) {
            header = 8;
            if (end < at + header) {
                return wireEnd < at + header ? MALFORMED : TRUNCATED;
            }
            ports(s, base + at);
        } else {
            header = otherTransport(s, base, at, end, wireEnd);
            if (header < 0) {
                return -header;
            }
        }
        payloadOffset = Math.min(at + header, wireEnd);
        payloadLength = Math.max(0, wireEnd - payloadOffset);
        return OK;
    }

    // The transport header's length for protocols other than TCP and UDP (ports set), or minus the parse result.
    private int otherTransport(MemorySegment s, long base, int at, int end, int wireEnd) {
        int header;
        switch (protocol) {
            case PROTO_UDPLITE, PROTO_SCTP -> {
                header = protocol == PROTO_SCTP ? 12 : 8;
                if (end < at + header) {
                    return wireEnd < at + header ? -MALFORMED : -TRUNCATED;
                }
                ports(s, base + at);
            }
            case PROTO_ICMP, PROTO_ICMPV6 -> {
                header = 8;
                if (end < at + header) {
                    return wireEnd < at + header ? -MALFORMED : -TRUNCATED;
                }
                int icmpType = s.get(ValueLayout.JAVA_BYTE, base + at) & 0xff;
                boolean query = protocol == PROTO_ICMP
                        ? icmpType == 0 || icmpType == 8 || icmpType >= 13 && icmpType <= 18
                        : icmpType == 128 || icmpType == 129;
                if ((protocol == PROTO_ICMP) != (ipVersion == 4)) {
                    query = false;
                }
                int id = query ? u16(s, base + at + 4) : 0;
                srcPort = id;
                dstPort = id;
            }
            default -> {
                header = 0;
                srcPort = 0;
                dstPort = 0;
            }
        }
        return header;
    }

    // The two 16-bit port fields at the transport header's start, in one read.
    private void ports(MemorySegment s, long at) {
        int ports = s.get(U32, at);
        srcPort = ports >>> 16;
        dstPort = ports & 0xffff;
    }

    private static int u16(MemorySegment s, long at) {
        return s.get(U16, at) & 0xffff;
    }

    /** 4 or 6; 0 when the frame has no valid IP header (see the class comment for results other than OK). */
    public int ipVersion() {
        return ipVersion;
    }

    /**
     * The IP protocol (IPv6: the header after the extension headers; for a later fragment the fragment header's next
     * header; where the chain is broken, the last next-header value read).
     */
    public int protocol() {
        return protocol;
    }

    /** The first VLAN tag's id, 0 without a tag. */
    public int outerVlan() {
        return outerVlan;
    }

    /** The second VLAN tag's id (802.1ad service tag then 802.1Q customer tag), 0 without it. */
    public int innerVlan() {
        return innerVlan;
    }

    /** The high 64 bits of the source address (0 for IPv4). */
    public long srcHi() {
        return srcHi;
    }

    /** The low 64 bits of the source address (IPv4: the address in the low 32 bits). */
    public long srcLo() {
        return srcLo;
    }

    /** The high 64 bits of the destination address (0 for IPv4). */
    public long dstHi() {
        return dstHi;
    }

    /** The low 64 bits of the destination address (IPv4: the address in the low 32 bits). */
    public long dstLo() {
        return dstLo;
    }

    /** The source port, the ICMP echo id, or 0. */
    public int srcPort() {
        return srcPort;
    }

    /** The destination port, the ICMP echo id, or 0. */
    public int dstPort() {
        return dstPort;
    }

    /** The TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10), 0 for other protocols. */
    public int tcpFlags() {
        return tcpFlags;
    }

    /**
     * Offset of the IP header from the frame's start: the length of the link header (Ethernet and the VLAN tags read;
     * also set for {@link #NOT_IP}).
     */
    public int networkOffset() {
        return networkOffset;
    }

    /** Offset of the transport header from the frame's start (after IPv6 extension headers). */
    public int transportOffset() {
        return transportOffset;
    }

    /** Offset of the transport payload from the frame's start (after the TCP options). */
    public int payloadOffset() {
        return payloadOffset;
    }

    /**
     * Offset from the frame's start of the end of the IP datagram by its header's length fields (IPv4 total length,
     * IPv6 payload length; a jumbogram ends at the capture's end), after {@link #OK}: may lie beyond the captured
     * bytes.
     */
    public int datagramEnd() {
        return payloadOffset + payloadLength;
    }

    /**
     * Transport payload bytes by the IP header's lengths (what was sent, not what was captured): the measure for an
     * inspection depth.
     */
    public int payloadLength() {
        return payloadLength;
    }

    /** A readable form for tests and logs ({@code tcp 198.18.0.1:1000 -> 198.18.0.2:80 vlan 0/0}); allocates. */
    @Override
    public String toString() {
        return FlowFormat.protocolName(protocol) + " " + FlowFormat.address(ipVersion, srcHi, srcLo) + ":" + srcPort
                + " -> " + FlowFormat.address(ipVersion, dstHi, dstLo) + ":" + dstPort + " vlan " + outerVlan + "/"
                + innerVlan;
    }
}
