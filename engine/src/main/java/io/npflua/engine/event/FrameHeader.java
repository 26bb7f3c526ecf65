package io.npflua.engine.event;

import io.npflua.engine.flow.FlowFormat;
import io.npflua.engine.flow.FlowKey;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import tools.jackson.core.JsonGenerator;

/**
 * The addresses, ports and protocol of a frame's first bytes as eve.json writes them, located by the flow table's
 * parser ({@link FlowKey}: up to two VLAN tags, IPv4 with its IHL checked, IPv6 with its extension headers skipped).
 * Addresses and protocol need a valid IP header; ports (TCP, UDP, UDP-Lite, SCTP) and ICMP type and code need the
 * whole transport header within the captured bytes and the IP lengths. What is not there (not IP, a bad header, a
 * later fragment's ports, a header cut short) is left out. Writer thread only.
 */
record FrameHeader(String src, String dst, int srcPort, int dstPort, int proto, int icmpType, int icmpCode) {
    private static final FrameHeader NONE = new FrameHeader(null, null, -1, -1, -1, -1, -1);

    /** The header of the {@code length} bytes at {@code offset} of {@code segment}, parsed with {@code key}. */
    static FrameHeader parse(FlowKey key, MemorySegment segment, long offset, int length) {
        int result = key.parse(segment, offset, length);
        int version = key.ipVersion();
        if (version == 0) {
            return NONE;
        }
        int proto = key.protocol();
        int sp = -1;
        int dp = -1;
        int it = -1;
        int ic = -1;
        if (result == FlowKey.OK) {
            switch (proto) {
                case FlowKey.PROTO_TCP, FlowKey.PROTO_UDP, FlowKey.PROTO_SCTP, FlowKey.PROTO_UDPLITE -> {
                    sp = key.srcPort();
                    dp = key.dstPort();
                }
                case FlowKey.PROTO_ICMP, FlowKey.PROTO_ICMPV6 -> {
                    long at = offset + key.transportOffset();
                    it = segment.get(ValueLayout.JAVA_BYTE, at) & 0xff;
                    ic = segment.get(ValueLayout.JAVA_BYTE, at + 1) & 0xff;
                }
                default -> {}
            }
        }
        return new FrameHeader(
                FlowFormat.address(version, key.srcHi(), key.srcLo()),
                FlowFormat.address(version, key.dstHi(), key.dstLo()),
                sp,
                dp,
                proto,
                it,
                ic);
    }

    void write(JsonGenerator g) {
        if (src == null) {
            return;
        }
        g.writeStringProperty("src_ip", src);
        if (srcPort >= 0) {
            g.writeNumberProperty("src_port", srcPort);
        }
        g.writeStringProperty("dest_ip", dst);
        if (dstPort >= 0) {
            g.writeNumberProperty("dest_port", dstPort);
        }
        g.writeStringProperty("proto", protoName(proto));
        if (icmpType >= 0) {
            g.writeNumberProperty("icmp_type", icmpType);
            g.writeNumberProperty("icmp_code", icmpCode);
        }
    }

    /** eve.json's protocol names (those of {@code /etc/protocols}), else the number. */
    static String protoName(int proto) {
        return switch (proto) {
            case 1 -> "ICMP";
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 58 -> "IPv6-ICMP";
            case 132 -> "SCTP";
            case 136 -> "UDPLite";
            case 47 -> "GRE";
            case 50 -> "ESP";
            default -> Integer.toString(proto);
        };
    }
}
