package io.npflua.engine.source;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A symmetric flow hash of an Ethernet frame, for sources without a kernel fanout (pcap files, test buffers) that must
 * spread frames over workers the way {@code PACKET_FANOUT_HASH} does: both directions of a flow on the same worker,
 * so stateful scripts see a conversation whole. Worker {@code w} of {@code n} takes the frames with
 * {@code Math.floorMod(hash, n) == w}.
 *
 * <p>Covers Ethernet II with up to two VLAN tags (0x8100, 0x88a8), IPv4 (ports of TCP, UDP, SCTP and UDP-Lite on
 * first fragments) and IPv6 (ports when the next header directly is one of those). Anything else, or a frame too
 * short to parse, hashes by its addresses as far as they are present, or to 0. Reads only within
 * {@code [offset, offset + length)}; allocates nothing.
 */
public final class FlowHash {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private FlowHash() {}

    /** The hash of the frame at {@code offset} with {@code length} captured bytes. Allocates nothing. */
    public static int of(MemorySegment segment, long offset, int length) {
        int pos = 12;
        if (length < pos + 2) {
            return 0;
        }
        int type = u16(segment, offset + pos);
        pos += 2;
        for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88a8); tags++) {
            if (length < pos + 4) {
                return 0;
            }
            type = u16(segment, offset + pos + 2);
            pos += 4;
        }
        if (type == 0x0800) {
            return ipv4(segment, offset + pos, length - pos);
        }
        if (type == 0x86dd) {
            return ipv6(segment, offset + pos, length - pos);
        }
        return 0;
    }

    /** The hash of the frame {@code frame} points at. Allocates nothing. */
    public static int of(Frame frame) {
        return of(frame.segment(), frame.offset(), frame.capturedLength());
    }

    private static int ipv4(MemorySegment s, long at, int length) {
        if (length < 20) {
            return 0;
        }
        int ihl = (s.get(ValueLayout.JAVA_BYTE, at) & 0x0f) * 4;
        int protocol = s.get(ValueLayout.JAVA_BYTE, at + 9) & 0xff;
        int a = s.get(U32, at + 12);
        int b = s.get(U32, at + 16);
        int ports = 0;
        boolean firstFragment = (u16(s, at + 6) & 0x1fff) == 0;
        if (ihl >= 20 && firstFragment && carriesPorts(protocol) && length >= ihl + 4) {
            ports = ports(s, at + ihl);
        }
        return mix(symmetric(a, b), ports, protocol);
    }

    private static int ipv6(MemorySegment s, long at, int length) {
        if (length < 40) {
            return 0;
        }
        int next = s.get(ValueLayout.JAVA_BYTE, at + 6) & 0xff;
        int a = 0;
        int b = 0;
        for (int i = 0; i < 4; i++) {
            a = a * 31 + s.get(U32, at + 8 + 4 * i);
            b = b * 31 + s.get(U32, at + 24 + 4 * i);
        }
        int ports = carriesPorts(next) && length >= 44 ? ports(s, at + 40) : 0;
        return mix(symmetric(a, b), ports, next);
    }

    private static boolean carriesPorts(int protocol) {
        return protocol == 6 || protocol == 17 || protocol == 132 || protocol == 136;
    }

    // Source and destination port combined so that swapping them gives the same value.
    private static int ports(MemorySegment s, long at) {
        int p = u16(s, at);
        int q = u16(s, at + 2);
        return Math.min(p, q) << 16 | Math.max(p, q);
    }

    private static int symmetric(int a, int b) {
        // Order the pair so that (a, b) and (b, a) hash alike.
        int lo = Integer.compareUnsigned(a, b) <= 0 ? a : b;
        int hi = lo == a ? b : a;
        return lo * 0x9e3779b1 ^ Integer.rotateLeft(hi, 16);
    }

    private static int mix(int addresses, int ports, int protocol) {
        int h = addresses ^ ports * 0x85ebca6b ^ protocol;
        h ^= h >>> 16;
        h *= 0x7feb352d;
        h ^= h >>> 15;
        h *= 0x846ca68b;
        h ^= h >>> 16;
        return h;
    }

    private static int u16(MemorySegment s, long at) {
        return s.get(U16, at) & 0xffff;
    }
}
