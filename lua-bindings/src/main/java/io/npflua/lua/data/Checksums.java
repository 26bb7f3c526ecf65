package io.npflua.lua.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Internet checksums (RFC 1071) recomputed in place for the inline mode: the IPv4 header checksum and the TCP, UDP,
 * ICMP or ICMPv6 checksum (with the IPv4 or IPv6 pseudo-header where the protocol has one).
 */
final class Checksums {
    private Checksums() {
    }

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
            s.set(Field.BE16, ip + 10, (short) finish(sum(s, ip, h.l3HeaderEnd - h.l3Offset, 0)));
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
            if (h.ipVersion == 4) {
                sum = sum(s, ip + 12, 8, 0);
            } else {
                sum = sum(s, ip + 8, 32, 0);
            }
            sum += length + h.l4Protocol;
        }
        int c = finish(sum(s, l4, length, sum));
        if (c == 0 && h.l4Protocol == FrameHeaders.PROTO_UDP) {
            c = 0xFFFF; // RFC 768: a computed zero is sent as all ones (zero means "no checksum")
        }
        s.set(Field.BE16, l4 + at, (short) c);
        return written + 1;
    }

    /** Adds the bytes {@code [at, at + n)} as big-endian 16-bit words (odd tail padded with zero) to {@code sum}. */
    static long sum(MemorySegment s, long at, int n, long sum) {
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            sum += s.get(Field.BE32, at + i) & 0xFFFFFFFFL;
        }
        if (i + 2 <= n) {
            sum += s.get(Field.BE16, at + i) & 0xFFFF;
            i += 2;
        }
        if (i < n) {
            sum += (s.get(ValueLayout.JAVA_BYTE, at + i) & 0xFF) << 8;
        }
        return sum;
    }

    /** Folds a sum to 16 bits and complements it. */
    static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
