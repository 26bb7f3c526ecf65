package io.npflua.lua.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Locates the headers of an Ethernet frame once, in Java, and keeps one reusable view per header so that
 * {@code pkt:ip()}, {@code pkt:tcp()}, {@code pkt:payload()} allocate nothing per call.
 *
 * <p>Rules: up to {@value #MAX_VLAN_TAGS} VLAN tags (TPID 0x8100, 0x88a8, 0x9100) are skipped; IPv4 needs version 4,
 * IHL >= 5 and the header inside the frame; IPv6 needs version 6 and 40 bytes, and its extension headers (hop-by-hop,
 * routing, destination options, fragment, AH; at most {@value #MAX_IPV6_EXTENSIONS}) are skipped. The datagram ends
 * where the IP length says (Ethernet padding is not payload); a non-first fragment has no transport header. A TCP
 * header needs data offset >= 5 inside the segment; UDP 8 bytes; ICMP/ICMPv6 8 bytes. The payload exists only when
 * every length on the way (IPv4 total length, IPv6 payload length, TCP data offset, UDP length) stays inside the
 * frame; otherwise (lying or truncated lengths) it is nil.
 */
final class FrameHeaders {
    static final int MAX_VLAN_TAGS = 4;
    static final int MAX_IPV6_EXTENSIONS = 8;

    static final int PROTO_ICMP = 1;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;
    static final int PROTO_ICMPV6 = 58;

    /** Results of the last {@link #locate}; offsets relative to the frame's first byte, -1 when absent. */
    int vlanOffset;

    int l3Offset;
    int ipVersion;
    int l3HeaderEnd;
    /** Where the datagram ends by its own length field; may exceed the frame length (then {@link #l3Clipped}). */
    int l3End;

    boolean l3Clipped;
    boolean fragment;
    int l4Offset;
    int l4Protocol;
    int l4HeaderLength;
    int payloadOffset;
    int payloadEnd;

    /** One reusable view per header method ({@code DataMethods.Header}'s slot), made on its first call. */
    final DataObject[] views = new DataObject[VIEW_SLOTS];

    static final int VIEW_SLOTS = 7;

    /** The {@link PacketData#binding} whose read-only frame the fields describe; 0 = none. */
    private long locatedBinding;

    /**
     * Parses {@code frame} from its first byte, or does nothing when the fields already describe it: a packet
     * frame in tap mode cannot change during its call, so {@code pkt:ip()}, {@code pkt:udp()}, {@code pkt:payload()}
     * in one call parse once. A writable frame (inline mode, owned data) is parsed on every call, since a field
     * write may have changed a header. Allocation-free.
     */
    void locate(DataObject frame) {
        if (frame instanceof PacketData p && !p.lifetime.writable) {
            if (p.binding == locatedBinding) {
                return;
            }
            locateFields(frame);
            locatedBinding = p.binding;
        } else {
            locatedBinding = 0;
            locateFields(frame);
        }
    }

    private void locateFields(DataObject frame) {
        vlanOffset = -1;
        l3Offset = -1;
        ipVersion = 0;
        l4Offset = -1;
        l4Protocol = -1;
        payloadOffset = -1;
        fragment = false;
        l3Clipped = false;
        MemorySegment s = frame.seg;
        long b = frame.base;
        int n = frame.len;
        if (n < 14) {
            return;
        }
        if (n >= 34 && ipv4Plain(s, b, n)) {
            return;
        }
        int type = u16(s, b + 12);
        int off = 14;
        for (int tags = 0; tags < MAX_VLAN_TAGS && (type == 0x8100 || type == 0x88a8 || type == 0x9100); tags++) {
            if (off + 4 > n) {
                return;
            }
            if (vlanOffset < 0) {
                vlanOffset = off - 2;
            }
            type = u16(s, b + off + 2);
            off += 4;
        }
        int proto;
        if (type == 0x0800) {
            if (off + 20 > n) {
                return;
            }
            int vihl = u8(s, b + off);
            int hl = (vihl & 0x0F) << 2;
            if ((vihl >>> 4) != 4 || hl < 20 || off + hl > n) {
                return;
            }
            l3Offset = off;
            ipVersion = 4;
            int total = u16(s, b + off + 2);
            l3HeaderEnd = off + hl;
            l3End = off + total;
            if (total < hl) {
                // a total length shorter than the header: no transport layer can be trusted
                l3End = off + hl;
                l3Clipped = true;
                return;
            }
            int frag = u16(s, b + off + 6);
            fragment = (frag & 0x3FFF) != 0;
            if ((frag & 0x1FFF) != 0) {
                clip(n);
                return;
            }
            proto = u8(s, b + off + 9);
            off += hl;
        } else if (type == 0x86DD) {
            if (off + 40 > n || (u8(s, b + off) >>> 4) != 6) {
                return;
            }
            l3Offset = off;
            ipVersion = 6;
            int plen = u16(s, b + off + 4);
            l3End = plen == 0 ? Integer.MAX_VALUE : off + 40 + plen; // 0: jumbogram, length unknown here
            proto = u8(s, b + off + 6);
            off += 40;
            int limit = Math.min(l3End, n);
            for (int i = 0; i < MAX_IPV6_EXTENSIONS; i++) {
                int ext;
                if (proto == 0 || proto == 43 || proto == 60) {
                    if (off + 8 > limit) {
                        proto = -1;
                        break;
                    }
                    ext = (u8(s, b + off + 1) + 1) << 3;
                } else if (proto == 44) {
                    if (off + 8 > limit) {
                        proto = -1;
                        break;
                    }
                    fragment = true;
                    if ((u16(s, b + off + 2) >>> 3) != 0) {
                        proto = -1;
                        l3HeaderEnd = off;
                        clip(n);
                        return;
                    }
                    ext = 8;
                } else if (proto == 51) {
                    if (off + 8 > limit) {
                        proto = -1;
                        break;
                    }
                    ext = (u8(s, b + off + 1) + 2) << 2;
                } else {
                    break;
                }
                proto = u8(s, b + off);
                off += ext;
                if (off > limit) {
                    proto = -1;
                    break;
                }
            }
            l3HeaderEnd = Math.min(off, limit);
        } else {
            return;
        }
        clip(n);
        if (proto < 0) {
            return;
        }
        transport(s, b, n, off, proto);
    }

    /**
     * The common case in two wide loads: untagged IPv4 with a 20-byte header, the whole header in the frame and a
     * total length that covers it. Returns false (nothing set) for anything else, which the general walk then takes.
     */
    private boolean ipv4Plain(MemorySegment s, long b, int n) {
        long w0 = s.get(Field.BE64, b + 12); // ethertype, version/IHL, TOS, total length, identification
        if ((w0 >>> 40) != 0x080045L) {
            return false;
        }
        int total = (int) (w0 >>> 16) & 0xFFFF;
        if (total < 20) {
            return false;
        }
        long w1 = s.get(Field.BE64, b + 20); // flags/fragment offset, TTL, protocol, checksum, source (half)
        int frag = (int) (w1 >>> 48);
        l3Offset = 14;
        ipVersion = 4;
        l3HeaderEnd = 34;
        l3End = 14 + total;
        fragment = (frag & 0x3FFF) != 0;
        clip(n);
        if ((frag & 0x1FFF) == 0) {
            transport(s, b, n, 34, (int) (w1 >>> 32) & 0xFF);
        }
        return true;
    }

    /** The transport header at {@code off} of protocol {@code proto}, and the payload behind it. */
    private void transport(MemorySegment s, long b, int n, int off, int proto) {
        int segEnd = Math.min(l3End, n);
        int avail = segEnd - off;
        if (proto == PROTO_TCP) {
            if (avail < 20) {
                return;
            }
            int hl = (u8(s, b + off + 12) >>> 4) << 2;
            if (hl < 20 || hl > avail) {
                return;
            }
            setL4(off, proto, hl);
        } else if (proto == PROTO_UDP) {
            if (avail < 8) {
                return;
            }
            setL4(off, proto, 8);
            int ulen = u16(s, b + off + 4);
            if (ulen < 8 || off + ulen > segEnd) {
                return; // lying UDP length
            }
            if (!l3Clipped) {
                payloadOffset = off + 8;
                payloadEnd = off + ulen;
            }
            return;
        } else if ((proto == PROTO_ICMP && ipVersion == 4) || (proto == PROTO_ICMPV6 && ipVersion == 6)) {
            if (avail < 8) {
                return;
            }
            setL4(off, proto, 8);
        } else {
            return;
        }
        if (!l3Clipped) {
            payloadOffset = off + l4HeaderLength;
            payloadEnd = l3End;
        }
    }

    private void clip(int n) {
        if (l3End > n) {
            l3Clipped = true;
        }
    }

    private void setL4(int off, int proto, int hl) {
        l4Offset = off;
        l4Protocol = proto;
        l4HeaderLength = hl;
    }

    /** End of the transport segment inside the frame. */
    int l4End(int frameLength) {
        return Math.min(l3End, frameLength);
    }

    static int u8(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }

    static int u16(MemorySegment s, long at) {
        return s.get(Field.BE16, at) & 0xFFFF;
    }
}
