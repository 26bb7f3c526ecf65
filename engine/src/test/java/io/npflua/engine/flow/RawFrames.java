package io.npflua.engine.flow;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Writes minimal Ethernet/IP/transport headers for a {@link Tuple} straight into a segment, for tests that push
 * hundreds of thousands of random flows ({@link io.npflua.engine.frames.FrameBuilder} checks lab address ranges and
 * computes checksums, which these tests do not need). Checksums are left zero; lengths are consistent.
 */
final class RawFrames {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** One direction of a conversation; {@link #reversed()} is the other. Addresses as {@link FlowKey} holds them. */
    record Tuple(
            int version,
            int protocol,
            int vlan,
            long srcHi,
            long srcLo,
            long dstHi,
            long dstLo,
            int srcPort,
            int dstPort) {
        Tuple reversed() {
            return new Tuple(version, protocol, vlan, dstHi, dstLo, srcHi, srcLo, dstPort, srcPort);
        }

        /** The same conversation whichever direction this is (for model maps). */
        String canonical() {
            String a = Long.toUnsignedString(srcHi) + "/" + Long.toUnsignedString(srcLo) + "/" + srcPort;
            String b = Long.toUnsignedString(dstHi) + "/" + Long.toUnsignedString(dstLo) + "/" + dstPort;
            String lo = a.compareTo(b) <= 0 ? a : b;
            String hi = lo == a ? b : a;
            return version + "|" + protocol + "|" + vlan + "|" + lo + "|" + hi;
        }

        static Tuple random(SplittableRandom r) {
            int version = r.nextBoolean() ? 4 : 6;
            int protocol = r.nextInt(3) == 0 ? FlowKey.PROTO_UDP : FlowKey.PROTO_TCP;
            int vlan = r.nextInt(4) == 0 ? r.nextInt(1, 4095) : 0;
            long srcHi = version == 6 ? r.nextLong() : 0;
            long dstHi = version == 6 ? r.nextLong() : 0;
            // Small address and port spaces so that some tuples share an address or a port.
            long srcLo = version == 6 ? r.nextLong() : 0xc6120000L | r.nextInt(512);
            long dstLo = version == 6 ? r.nextLong() : 0xc6120000L | r.nextInt(512);
            return new Tuple(version, protocol, vlan, srcHi, srcLo, dstHi, dstLo, r.nextInt(65536), r.nextInt(65536));
        }
    }

    private RawFrames() {}

    /** Writes the frame of {@code t} with TCP flags {@code tcpFlags} (ignored for UDP) at 0; returns its length. */
    static int write(MemorySegment s, Tuple t, int tcpFlags) {
        return write(s, t, tcpFlags, 0);
    }

    /** As {@link #write(MemorySegment, Tuple, int)} with {@code payload} zero bytes after the transport header. */
    static int write(MemorySegment s, Tuple t, int tcpFlags, int payload) {
        s.set(U32, 0, 0x02000000);
        s.set(U16, 4, (short) 1);
        s.set(U32, 6, 0x02000000);
        s.set(U16, 10, (short) 2);
        int at = 12;
        if (t.vlan() != 0) {
            s.set(U16, at, (short) 0x8100);
            s.set(U16, at + 2, (short) t.vlan());
            at += 4;
        }
        int transport = t.protocol() == FlowKey.PROTO_TCP ? 20 : 8;
        int l4Length = transport + payload;
        int ip = at + 2;
        int l4;
        if (t.version() == 4) {
            s.set(U16, at, (short) 0x0800);
            s.set(ValueLayout.JAVA_BYTE, ip, (byte) 0x45);
            s.set(ValueLayout.JAVA_BYTE, ip + 1, (byte) 0);
            s.set(U16, ip + 2, (short) (20 + l4Length));
            s.set(U32, ip + 4, 0x00004000);
            s.set(ValueLayout.JAVA_BYTE, ip + 8, (byte) 64);
            s.set(ValueLayout.JAVA_BYTE, ip + 9, (byte) t.protocol());
            s.set(U16, ip + 10, (short) 0);
            s.set(U32, ip + 12, (int) t.srcLo());
            s.set(U32, ip + 16, (int) t.dstLo());
            l4 = ip + 20;
        } else {
            s.set(U16, at, (short) 0x86dd);
            s.set(U32, ip, 0x60000000);
            s.set(U16, ip + 4, (short) l4Length);
            s.set(ValueLayout.JAVA_BYTE, ip + 6, (byte) t.protocol());
            s.set(ValueLayout.JAVA_BYTE, ip + 7, (byte) 64);
            s.set(U64, ip + 8, t.srcHi());
            s.set(U64, ip + 16, t.srcLo());
            s.set(U64, ip + 24, t.dstHi());
            s.set(U64, ip + 32, t.dstLo());
            l4 = ip + 40;
        }
        s.set(U16, l4, (short) t.srcPort());
        s.set(U16, l4 + 2, (short) t.dstPort());
        if (t.protocol() == FlowKey.PROTO_TCP) {
            s.set(U64, l4 + 4, 0L);
            s.set(ValueLayout.JAVA_BYTE, l4 + 12, (byte) 0x50);
            s.set(ValueLayout.JAVA_BYTE, l4 + 13, (byte) tcpFlags);
            s.set(U16, l4 + 14, (short) 65535);
            s.set(U32, l4 + 16, 0);
        } else {
            s.set(U16, l4 + 4, (short) l4Length);
            s.set(U16, l4 + 6, (short) 0);
        }
        s.asSlice(l4 + transport, payload).fill((byte) 0);
        return l4 + l4Length;
    }
}
