package io.npflua.lua.data.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.npflua.lua.data.DataObject;
import io.npflua.lua.data.PacketData;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * Fuzzes the frame parsers behind {@code pkt:eth()}, {@code vlan()}, {@code ip()}, {@code tcp()}, {@code udp()},
 * {@code icmp()}, {@code payload()} and {@code checksum()} on a {@link PacketData} bound to a window of a larger array.
 * Inputs are raw bytes or frames built field by field (up to 6 VLAN tags with real and bogus TPIDs, IPv4 with options
 * and fragments, IPv6 with chains of up to 10 extension headers, TCP/UDP/ICMP/ICMPv6) whose length fields may lie,
 * then truncated (down to a zero-length capture) and bit-flipped.
 *
 * <p>Invariants: each method returns nil or a view, never raises (except the documented read-only and expired
 * errors); every view lies inside the frame and has exactly the offset and length that the independent reference
 * parser below (written from docs/lua-api.md) predicts; {@code checksum()} writes only inside the frame and reports
 * the predicted count; reading every field of every view never fails.
 */
class FrameParserFuzzTest {
    private static final int GUARD = 16;
    private static final byte GUARD_BYTE = (byte) 0x5A;
    private static final String[] METHODS = {"eth", "vlan", "ip", "tcp", "udp", "icmp", "payload"};
    private static final String[] FIELDS = {
        "dst",
        "src",
        "type",
        "tpid",
        "vid",
        "version",
        "ihl",
        "total_length",
        "fragment_offset",
        "protocol",
        "src_bytes",
        "dst_bytes",
        "payload_length",
        "next_header",
        "flow_label",
        "src_port",
        "dst_port",
        "seq",
        "data_offset",
        "syn",
        "urgent_pointer",
        "length",
        "checksum",
        "code",
        "rest_of_header",
        "mtu",
        "pointer"
    };
    private static final int[] TPIDS = {0x8100, 0x88a8, 0x9100, 0x8100, 0x0800};
    private static final int[] IPV6_EXTENSIONS = {0, 43, 60, 44, 51, 44, 0};
    private static final int[] TRANSPORTS = {6, 17, 1, 58, 6, 17};

    @FuzzTest(maxDuration = "5m")
    void fuzzFrameParsers(byte[] input) {
        check(input);
    }

    /** How often each method returned a view, and how often checksum() wrote 0, 1, 2: the generator's reach. */
    private static final int[] SEEN = new int[METHODS.length + 3];

    @Test
    void shouldAgreeWithTheReferenceParserOnRandomAndMutatedFrames() {
        Arrays.fill(SEEN, 0);
        RandomInputs.run(0xF4A3_E5L, 8000, 400, FrameParserFuzzTest::check);
        System.out.println(
                "views returned (eth vlan ip tcp udp icmp payload; checksums 0 1 2): " + Arrays.toString(SEEN));
        for (int count : SEEN) {
            assertTrue(
                    count >= 50, "the generator must reach every header and checksum case: " + Arrays.toString(SEEN));
        }
    }

    static void check(byte[] input) {
        FuzzInput in = new FuzzInput(input);
        byte[] frame = in.below(5) == 0 ? in.bytes(in.below(120)) : mutate(in, build(in));
        int n = frame.length;
        byte[] backing = new byte[GUARD + n + GUARD];
        Arrays.fill(backing, GUARD_BYTE);
        System.arraycopy(frame, 0, backing, GUARD, n);
        byte[] before = backing.clone();
        boolean writable = in.bool();

        PacketData pkt = new PacketData();
        pkt.bind(MemorySegment.ofArray(backing), GUARD, n, writable);
        Reference ref = new Reference(frame);
        int[][] expected = {ref.eth, ref.vlan, ref.ip, ref.tcp, ref.udp, ref.icmp, ref.payload};
        DataObject[] views = new DataObject[METHODS.length];
        for (int m = 0; m < METHODS.length; m++) {
            LuaValue v = pkt.method(METHODS[m]);
            int[] span = expected[m];
            if (span == null) {
                assertTrue(v.isnil(), "pkt:" + METHODS[m] + "() must be nil: " + hex(frame) + " got " + v);
                continue;
            }
            assertTrue(v instanceof DataObject, "pkt:" + METHODS[m] + "() must be a view: " + hex(frame));
            DataObject view = (DataObject) v;
            long off = view.offset() - GUARD;
            assertTrue(
                    off >= 0 && off + view.length() <= n,
                    "pkt:" + METHODS[m] + "() [" + off + ", +" + view.length() + ") outside the " + n + "-byte frame");
            assertEquals(span[0], off, "pkt:" + METHODS[m] + "() offset: " + hex(frame));
            assertEquals(span[1], view.length(), "pkt:" + METHODS[m] + "() length: " + hex(frame));
            for (String f : FIELDS) {
                view.get(f);
            }
            views[m] = view;
            SEEN[m]++;
        }
        assertArrayEquals(before, backing, "reading changed bytes");

        // a field write through a header view: read-only frames refuse it, writable ones change only that view
        int m = in.below(METHODS.length);
        if (views[m] != null && views[m].layoutTable() != null) {
            DataObject view = views[m];
            String name = FIELDS[in.below(FIELDS.length)];
            boolean declared = !view.layoutTable().rawget(name).isnil();
            try {
                view.set(LuaValue.valueOf(name), LuaValue.valueOf(in.i32()));
                assertTrue(writable || !declared, "writing " + name + " to a read-only frame must raise");
            } catch (LuaError e) {
                assertTrue(!writable && declared && e.getMessage().contains(DataObject.READ_ONLY), e.getMessage());
            }
            int from = (int) view.offset();
            int to = from + view.length();
            for (int i = 0; i < backing.length; i++) {
                if (i < from || i >= to) {
                    assertEquals(
                            before[i],
                            backing[i],
                            "a write to pkt:" + METHODS[m] + "()." + name + " changed byte " + (i - GUARD)
                                    + " outside the view");
                }
            }
        }

        if (in.bool()) {
            // the write above may have changed any header: parse the frame as it is now
            frame = Arrays.copyOfRange(backing, GUARD, GUARD + n);
            ref = new Reference(frame);
            try {
                LuaValue written = pkt.method("checksum");
                assertTrue(writable, "checksum() on a read-only frame must raise");
                assertEquals(ref.checksums(), written.toint(), "checksums written: " + hex(frame));
                ref.verifyChecksums(Arrays.copyOfRange(backing, GUARD, GUARD + n));
                SEEN[METHODS.length + written.toint()]++;
            } catch (LuaError e) {
                assertTrue(!writable && e.getMessage().contains(DataObject.READ_ONLY), e.getMessage());
            }
            for (int i = 0; i < GUARD; i++) {
                assertEquals(GUARD_BYTE, backing[i], "guard byte before the frame changed");
                assertEquals(GUARD_BYTE, backing[GUARD + n + i], "guard byte after the frame changed");
            }
        }

        pkt.release();
        for (DataObject view : views) {
            if (view != null) {
                assertEquals(0, view.length());
                assertTrue(view.get("src").isnil() && view.get("version").isnil());
            }
        }
        try {
            pkt.method(METHODS[in.below(METHODS.length)]);
            fail("a method of a released packet must raise");
        } catch (LuaError e) {
            assertTrue(e.getMessage().contains(DataObject.EXPIRED), e.getMessage());
        }
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }

    // --- frames -------------------------------------------------------------------------------------------

    /** A frame built header by header; most length fields are right, some lie. */
    private static byte[] build(FuzzInput in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(in.bytes(12));
        int tags = in.below(8) < 5 ? 0 : in.below(7);
        for (int i = 0; i < tags; i++) {
            put16(out, in.below(6) == 0 ? in.u16() : in.pick(TPIDS));
            put16(out, in.u16());
        }
        int l3 = in.below(8);
        int ethertype = l3 < 4 ? 0x0800 : l3 < 7 ? 0x86DD : in.u16();
        put16(out, ethertype);
        int proto = in.below(6) == 0 ? in.u8() : in.pick(TRANSPORTS);
        byte[] l4 = transport(in, proto);
        if (ethertype == 0x0800) {
            int ihl = in.below(6) == 0 ? in.below(16) : 5 + (in.below(4) == 0 ? in.below(11) : 0);
            int hl = Math.max(ihl, 5) * 4;
            int total = in.below(5) == 0 ? in.u16() : hl + l4.length;
            int frag = switch (in.below(6)) {
                case 0 -> 0x2000; // MF: first fragment
                case 1 -> in.u16(); // any offset and flags
                case 2 -> 0x4000; // DF
                default -> 0;
            };
            out.write(in.below(10) == 0 ? in.u8() : 0x40 | ihl);
            out.write(in.u8());
            put16(out, total);
            put16(out, in.u16());
            put16(out, frag);
            out.write(in.u8());
            out.write(proto);
            put16(out, in.u16());
            out.writeBytes(in.bytes(8));
            out.writeBytes(in.bytes(hl - 20));
        } else if (ethertype == 0x86DD) {
            ByteArrayOutputStream ext = new ByteArrayOutputStream();
            int count = in.below(3) == 0 ? in.below(11) : 0;
            int first = proto;
            int[] types = new int[count];
            for (int i = 0; i < count; i++) {
                types[i] = in.pick(IPV6_EXTENSIONS);
            }
            if (count > 0) {
                first = types[0];
            }
            for (int i = 0; i < count; i++) {
                int next = i + 1 < count ? types[i + 1] : proto;
                ext.write(next);
                if (types[i] == 44) {
                    ext.write(0);
                    put16(ext, in.below(3) == 0 ? in.u16() : in.u8() & 1); // offset 0 with or without M
                    ext.writeBytes(in.bytes(4));
                } else if (types[i] == 51) {
                    int len = in.below(4); // (len + 2) * 4 bytes
                    ext.write(len);
                    ext.writeBytes(in.bytes((len + 2) * 4 - 2));
                } else {
                    int len = in.below(3); // (len + 1) * 8 bytes
                    ext.write(len);
                    ext.writeBytes(in.bytes((len + 1) * 8 - 2));
                }
            }
            int plen = switch (in.below(6)) {
                case 0 -> in.u16();
                case 1 -> 0;
                default -> ext.size() + l4.length;
            };
            out.write(in.below(10) == 0 ? in.u8() : 0x60 | (in.u8() & 0x0F));
            out.writeBytes(in.bytes(3));
            put16(out, plen);
            out.write(first);
            out.write(in.u8());
            out.writeBytes(in.bytes(32));
            out.writeBytes(ext.toByteArray());
        }
        out.writeBytes(l4);
        if (in.below(4) == 0) {
            out.writeBytes(in.bytes(in.below(20))); // Ethernet padding or trailer
        }
        return out.toByteArray();
    }

    private static byte[] transport(FuzzInput in, int proto) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] payload = in.bytes(in.below(4) == 0 ? 0 : in.below(40));
        if (proto == 6) {
            int doff = in.below(5) == 0 ? in.below(16) : 5 + in.below(3);
            out.writeBytes(in.bytes(12));
            out.write(doff << 4);
            out.writeBytes(in.bytes(7));
            out.writeBytes(in.bytes(Math.max(doff, 5) * 4 - 20));
        } else if (proto == 17) {
            out.writeBytes(in.bytes(4));
            put16(out, in.below(5) == 0 ? in.u16() : 8 + payload.length);
            out.writeBytes(in.bytes(2));
        } else {
            out.writeBytes(in.bytes(8));
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] mutate(FuzzInput in, byte[] frame) {
        byte[] f = frame;
        if (in.below(3) == 0) {
            f = Arrays.copyOf(f, in.below(f.length + 1)); // truncated capture, possibly to 0 bytes
        }
        int flips = in.below(4) == 0 ? in.below(4) : 0;
        for (int i = 0; i < flips && f.length > 0; i++) {
            f[in.below(f.length)] ^= (byte) (1 << in.below(8));
        }
        return f;
    }

    private static void put16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    // --- the reference parser -------------------------------------------------------------------------------

    /**
     * Where each header view must be, as {offset, length} relative to the frame, or null. Written from the rules of
     * docs/lua-api.md: a view spans its header and the rest of the datagram as far as the frame holds it.
     */
    private static final class Reference {
        int[] eth;
        int[] vlan;
        int[] ip;
        int[] tcp;
        int[] udp;
        int[] icmp;
        int[] payload;
        private boolean ipv4;
        private boolean transportChecksum;
        private int l3;
        private int l3HeaderLength;
        private int l4;
        private int l4End;
        private int l4Protocol;
        private final byte[] f;

        Reference(byte[] frame) {
            f = frame;
            parse();
        }

        int checksums() {
            return (ipv4 ? 1 : 0) + (transportChecksum ? 1 : 0);
        }

        /** Checks that the checksums {@code checksums()} promised are now valid in {@code now} (RFC 1071). */
        void verifyChecksums(byte[] now) {
            if (ipv4) {
                assertEquals(0xFFFF, sum(now, l3, l3HeaderLength, 0), "IPv4 header checksum: " + hex(now));
            }
            if (transportChecksum) {
                long pseudo = 0;
                int length = l4End - l4;
                if (l4Protocol != 1) {
                    pseudo = ipv4 ? sum(now, l3 + 12, 8, 0) : sum(now, l3 + 8, 32, 0);
                    pseudo += length + l4Protocol;
                }
                assertEquals(0xFFFF, sum(now, l4, length, pseudo), "transport checksum: " + hex(now));
            }
        }

        /** The ones' complement sum of 16-bit big-endian words, folded. */
        private static int sum(byte[] b, int from, int length, long start) {
            long s = start;
            for (int i = 0; i < length; i += 2) {
                int hi = b[from + i] & 0xFF;
                int lo = i + 1 < length ? b[from + i + 1] & 0xFF : 0;
                s += (hi << 8) | lo;
            }
            while ((s >>> 16) != 0) {
                s = (s & 0xFFFF) + (s >>> 16);
            }
            return (int) s;
        }

        private int u8(int at) {
            return f[at] & 0xFF;
        }

        private int u16(int at) {
            return (u8(at) << 8) | u8(at + 1);
        }

        private void parse() {
            int n = f.length;
            if (n < 14) {
                return;
            }
            eth = new int[] {0, 14};
            int type = u16(12);
            int at = 14;
            for (int tag = 0; tag < 4; tag++) {
                if (type != 0x8100 && type != 0x88a8 && type != 0x9100) {
                    break;
                }
                if (at + 4 > n) {
                    return; // the tag's TCI and the next type must be in the frame
                }
                if (vlan == null) {
                    vlan = new int[] {at - 2, 4};
                }
                type = u16(at + 2);
                at += 4;
            }
            boolean clipped; // the datagram claims more than the frame holds, or its length lies
            boolean fragment;
            int end; // where the datagram ends by its length field
            int proto;
            if (type == 0x0800) {
                if (at + 20 > n || (u8(at) >> 4) != 4) {
                    return;
                }
                int hl = (u8(at) & 15) * 4;
                if (hl < 20 || at + hl > n) {
                    return;
                }
                ipv4 = true;
                l3 = at;
                l3HeaderLength = hl;
                int total = u16(at + 2);
                if (total < hl) {
                    ip = new int[] {at, hl};
                    return;
                }
                end = at + total;
                clipped = end > n;
                ip = new int[] {at, Math.min(end, n) - at};
                int frag = u16(at + 6);
                fragment = (frag & 0x2000) != 0 || (frag & 0x1FFF) != 0;
                if ((frag & 0x1FFF) != 0) {
                    return; // a later fragment: no transport header
                }
                proto = u8(at + 9);
                at += hl;
            } else if (type == 0x86DD) {
                if (at + 40 > n || (u8(at) >> 4) != 6) {
                    return;
                }
                int plen = u16(at + 4);
                boolean jumbo = plen == 0;
                end = jumbo ? n : at + 40 + plen;
                clipped = jumbo || end > n;
                ip = new int[] {at, Math.min(end, n) - at};
                l3 = at;
                int limit = Math.min(end, n);
                proto = u8(at + 6);
                at += 40;
                fragment = false;
                for (int i = 0;
                        i < 8 && (proto == 0 || proto == 43 || proto == 60 || proto == 44 || proto == 51);
                        i++) {
                    if (at + 8 > limit) {
                        return;
                    }
                    int size;
                    if (proto == 44) {
                        fragment = true;
                        if ((u16(at + 2) >> 3) != 0) {
                            return; // a later fragment
                        }
                        size = 8;
                    } else if (proto == 51) {
                        size = (u8(at + 1) + 2) * 4;
                    } else {
                        size = (u8(at + 1) + 1) * 8;
                    }
                    proto = u8(at);
                    at += size;
                    if (at > limit) {
                        return;
                    }
                }
            } else {
                return;
            }
            int segmentEnd = Math.min(end, n);
            int avail = segmentEnd - at;
            l4 = at;
            l4End = segmentEnd;
            l4Protocol = proto;
            int headerLength;
            if (proto == 6) {
                if (avail < 20) {
                    return;
                }
                headerLength = (u8(at + 12) >> 4) * 4;
                if (headerLength < 20 || headerLength > avail) {
                    return;
                }
                tcp = new int[] {at, avail};
            } else if (proto == 17) {
                if (avail < 8) {
                    return;
                }
                udp = new int[] {at, avail};
                transportChecksum = !fragment && !clipped;
                int ulen = u16(at + 4);
                if (ulen >= 8 && at + ulen <= segmentEnd && !clipped) {
                    payload = new int[] {at + 8, ulen - 8};
                }
                return;
            } else if ((proto == 1 && ipv4) || (proto == 58 && !ipv4)) {
                if (avail < 8) {
                    return;
                }
                icmp = new int[] {at, avail};
                headerLength = 8;
            } else {
                return;
            }
            transportChecksum = !fragment && !clipped;
            if (!clipped) {
                payload = new int[] {at + headerLength, end - at - headerLength};
            }
        }
    }
}
