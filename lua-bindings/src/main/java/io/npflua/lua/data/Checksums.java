package io.npflua.lua.data;

import java.lang.foreign.MemorySegment;

/**
 * Internet checksums ({@link InternetChecksum}) recomputed in place for the inline mode: the IPv4 header checksum and the TCP, UDP,
 * ICMP or ICMPv6 checksum (with the IPv4 or IPv6 pseudo-header where the protocol has one).
 */
final class Checksums {
    private Checksums() {}

    /**
     * Rewrites the checksums of the frame {@code pkt} (as located by {@code h}) and returns how many it wrote (0 to
     * 2). The transport checksum is skipped when the segment is not wholly in the frame (truncated capture, lying
     * length) or the datagram is a fragment. Allocation-free.
     */
    static int fix(DataObject pkt, FrameHeaders h) {
        MemorySegment s = pkt.seg;
        long b = pkt.base;
        int written = 0;
        if (h.ipVersion == 4) {
            long ip = b + h.l3Offset;
            s.set(Field.BE16, ip + 10, (short) 0);
            s.set(Field.BE16, ip + 10, (short) InternetChecksum.checksum(s, ip, h.l3HeaderEnd - h.l3Offset));
            written++;
        }
        if (h.l4Offset < 0 || h.fragment || h.l3Clipped) {
            return written;
        }
        int at;
        switch (h.l4Protocol) {
            case FrameHeaders.PROTO_TCP -> at = 16;
            case FrameHeaders.PROTO_UDP -> at = 6;
            default -> at = 2;
        }
        long l4 = b + h.l4Offset;
        int length = h.l3End - h.l4Offset;
        s.set(Field.BE16, l4 + at, (short) 0);
        long sum = 0;
        if (h.l4Protocol != FrameHeaders.PROTO_ICMP) {
            long ip = b + h.l3Offset;
            sum = h.ipVersion == 4
                    ? InternetChecksum.ipv4PseudoHeader(s, ip, h.l4Protocol, length)
                    : InternetChecksum.ipv6PseudoHeader(s, ip, h.l4Protocol, length);
        }
        int c = InternetChecksum.finish(InternetChecksum.add(s, l4, length, sum));
        if (c == 0 && h.l4Protocol == FrameHeaders.PROTO_UDP) {
            c = 0xFFFF; // RFC 768: a computed zero is sent as all ones (zero means "no checksum")
        }
        s.set(Field.BE16, l4 + at, (short) c);
        return written + 1;
    }
}
