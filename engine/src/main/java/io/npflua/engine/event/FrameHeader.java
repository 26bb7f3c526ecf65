package io.npflua.engine.event;

import io.npflua.lua.net.NetAddresses;
import tools.jackson.core.JsonGenerator;

/**
 * The addresses, ports and protocol of a frame's first bytes (Ethernet, up to two VLAN tags, IPv4 or IPv6 without
 * extension headers, the ports of TCP, UDP and SCTP, the type and code of ICMP), as eve.json writes them. What is not
 * there (not IP, a later fragment, too short) is left out. Writer thread only.
 */
record FrameHeader(String src, String dst, int srcPort, int dstPort, int proto, int icmpType, int icmpCode) {
    private static final FrameHeader NONE = new FrameHeader(null, null, -1, -1, -1, -1, -1);

    static FrameHeader parse(byte[] b, int off, int len) {
        int end = off + len;
        int p = off + 12;
        if (p + 2 > end) {
            return NONE;
        }
        int ethertype = u16(b, p);
        p += 2;
        for (int tags = 0; tags < 2 && (ethertype == 0x8100 || ethertype == 0x88a8) && p + 4 <= end; tags++) {
            ethertype = u16(b, p + 2);
            p += 4;
        }
        String src;
        String dst;
        int proto;
        int l4;
        if (ethertype == 0x0800 && p + 20 <= end) {
            int ihl = (b[p] & 0x0f) * 4;
            proto = b[p + 9] & 0xff;
            src = address(b, p + 12, 4);
            dst = address(b, p + 16, 4);
            boolean later = (u16(b, p + 6) & 0x1fff) != 0;
            l4 = later ? -1 : p + ihl;
        } else if (ethertype == 0x86dd && p + 40 <= end) {
            proto = b[p + 6] & 0xff;
            src = address(b, p + 8, 16);
            dst = address(b, p + 24, 16);
            l4 = p + 40;
        } else {
            return NONE;
        }
        int sp = -1;
        int dp = -1;
        int it = -1;
        int ic = -1;
        if (l4 >= 0 && (proto == 6 || proto == 17 || proto == 132) && l4 + 4 <= end) {
            sp = u16(b, l4);
            dp = u16(b, l4 + 2);
        } else if (l4 >= 0 && (proto == 1 || proto == 58) && l4 + 2 <= end) {
            it = b[l4] & 0xff;
            ic = b[l4 + 1] & 0xff;
        }
        return new FrameHeader(src, dst, sp, dp, proto, it, ic);
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
            case 47 -> "GRE";
            case 50 -> "ESP";
            default -> Integer.toString(proto);
        };
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    /** Dotted IPv4, or IPv6 in RFC 5952's short form (as inet_ntop writes it): the project's one formatter. */
    static String address(byte[] b, int off, int len) {
        long hi = 0;
        long lo = 0;
        if (len == 4) {
            lo = (long) u16(b, off) << 16 | u16(b, off + 2);
            return NetAddresses.toString(0, lo, 4);
        }
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (b[off + i] & 0xff);
            lo = lo << 8 | (b[off + 8 + i] & 0xff);
        }
        return NetAddresses.toString(hi, lo, 6);
    }
}
