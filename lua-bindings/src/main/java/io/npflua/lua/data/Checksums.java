package io.npflua.lua.data;

import java.lang.foreign.MemorySegment;

/**
 * Internet checksums ({@link InternetChecksum}) recomputed in place for the inline mode: the IPv4 header checksum and the TCP, UDP,
 * ICMP or ICMPv6 checksum (with the IPv4 or IPv6 pseudo-header where the protocol has one).
 *
 * <p>A frame whose TCP/UDP checksum is partial ({@link PacketContext#checksumPartial()}: a GSO/GRO super-frame or a locally sent frame
 * whose device finishes the checksum) gets the folded pseudo-header sum in its checksum field, as the kernel writes it
 * ({@code ~tcp_v4_check(len, saddr, daddr, 0)}): the device, or the kernel's segmentation of a super-frame, adds the
 * segment's bytes on the way out. A full checksum there would be summed in twice.
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
        if (partial(pkt) && (h.l4Protocol == FrameHeaders.PROTO_TCP || h.l4Protocol == FrameHeaders.PROTO_UDP)) {
            // The pseudo-header sum, folded and not complemented: what the device starts from.
            s.set(Field.BE16, l4 + at, (short) (~InternetChecksum.finish(sum) & 0xFFFF));
            return written + 1;
        }
        int c = InternetChecksum.finish(InternetChecksum.add(s, l4, length, sum));
        if (c == 0 && h.l4Protocol == FrameHeaders.PROTO_UDP) {
            c = 0xFFFF; // RFC 768: a computed zero is sent as all ones (zero means "no checksum")
        }
        s.set(Field.BE16, l4 + at, (short) c);
        return written + 1;
    }

    /** Whether {@code pkt} is a bound frame whose transport checksum the device finishes (asked only here). */
    private static boolean partial(DataObject pkt) {
        return pkt instanceof PacketData p && p.context != null && p.context.checksumPartial();
    }
}
