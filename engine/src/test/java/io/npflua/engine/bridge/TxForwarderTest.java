package io.npflua.engine.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.source.Frame;
import io.npflua.ffm.layout.Tpacket2HeaderDescriptor;
import io.npflua.ffm.ring.RingGeometry;
import io.npflua.ffm.ring.TxRing;
import io.npflua.ffm.socket.PacketSocket;
import io.npflua.ffm.sys.Errno;
import io.npflua.ffm.sys.Operation;
import io.npflua.lua.data.InternetChecksum;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The forwarder's decisions without a kernel: a TX ring in memory (the kick does nothing), frames with the metadata a
 * vnet-header ring reports. What goes into the TX slot, what is refused and under which counter, and that none of it
 * allocates.
 */
class TxForwarderTest {
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int SLOT = 17 * 4096;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    /** Metadata as a vnet-header ring reports it. */
    private static final class Meta implements Frame.Header {
        boolean partial;
        int start;
        int offset;
        int gsoType;
        int gsoSize;

        @Override
        public long timestampNs() {
            return 0;
        }

        @Override
        public boolean checksumPartial() {
            return partial;
        }

        @Override
        public int checksumStart() {
            return start;
        }

        @Override
        public int checksumOffset() {
            return offset;
        }

        @Override
        public int gsoType() {
            return gsoType;
        }

        @Override
        public int gsoSize() {
            return gsoSize;
        }
    }

    private TxRing ring(boolean vnet, MemorySegment[] memory) {
        RingGeometry g = RingGeometry.frames(SLOT, 4, 4096);
        memory[0] = arena.allocate(g.sizeBytes(), 4096);
        return new TxRing(memory[0], g, () -> 0, 1000, vnet);
    }

    /** Ethernet + IPv4 + TCP (or UDP) with {@code payload} bytes; the L4 checksum holds the pseudo-header sum. */
    private MemorySegment frame(int protocol, int payload) {
        int l4 = protocol == 6 ? 20 : 8;
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + l4 + payload);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4 + payload)).putInt(0);
        b.put((byte) 64).put((byte) protocol).putShort((short) 0);
        b.put(new byte[] {(byte) 198, 18, 12, 1, (byte) 198, 18, 12, 2});
        if (protocol == 6) {
            b.putShort((short) 1000).putShort((short) 2000).putInt(1).putInt(2);
            b.put((byte) 0x50).put((byte) 0x18).putShort((short) 100).putInt(0);
        } else {
            b.putShort((short) 1000)
                    .putShort((short) 2000)
                    .putShort((short) (8 + payload))
                    .putShort((short) 0);
        }
        for (int i = 0; i < payload; i++) {
            b.put((byte) i);
        }
        MemorySegment s = arena.allocate(b.capacity());
        MemorySegment.copy(b.array(), 0, s, ValueLayout.JAVA_BYTE, 0, b.capacity());
        int pseudo = ~InternetChecksum.finish(InternetChecksum.ipv4PseudoHeader(s, 14, protocol, l4 + payload));
        s.set(BE16, 34 + (protocol == 6 ? 16 : 6), (short) pseudo);
        return s;
    }

    private static Frame wrap(MemorySegment s, Meta meta) {
        return new Frame().wrap(s, 0, (int) s.byteSize(), (int) s.byteSize(), true, meta);
    }

    @Test
    void shouldSendASuperFrameWholeWithItsVnetHeader() {
        MemorySegment[] mem = new MemorySegment[1];
        TxForwarder f = new TxForwarder(ring(true, mem), 1500, "t", () -> {});
        Meta m = new Meta();
        m.partial = true;
        m.start = 34;
        m.offset = 16;
        m.gsoType = Frame.GSO_TCPV4;
        m.gsoSize = 1448;
        MemorySegment s = frame(6, 20_000);
        assertTrue(f.forward(wrap(s, m)));
        long data = Tpacket2HeaderDescriptor.TX_DATA_OFFSET;
        assertEquals(10 + s.byteSize(), mem[0].get(ValueLayout.JAVA_INT, Tpacket2HeaderDescriptor.LEN_OFFSET));
        assertEquals(1, mem[0].get(ValueLayout.JAVA_BYTE, data), "NEEDS_CSUM");
        assertEquals(Frame.GSO_TCPV4, mem[0].get(ValueLayout.JAVA_BYTE, data + 1));
        assertEquals(1448, mem[0].get(ValueLayout.JAVA_SHORT_UNALIGNED, data + 4), "gso_size as received");
        assertEquals(34, mem[0].get(ValueLayout.JAVA_SHORT_UNALIGNED, data + 6));
        assertEquals(16, mem[0].get(ValueLayout.JAVA_SHORT_UNALIGNED, data + 8));
        assertEquals(0, f.resegmented());
    }

    /** A copy of {@code frame} in native memory with a vnet header's room before it, as in an RX slot. */
    private Frame inSlot(MemorySegment frame, Meta meta) {
        int n = (int) frame.byteSize();
        MemorySegment slot = arena.allocate(n + 10);
        MemorySegment.copy(frame, 0, slot, 10, n);
        return new Frame().wrap(slot, 10, n, n, true, meta);
    }

    private static Meta superFrame(int gsoSize) {
        Meta m = new Meta();
        m.partial = true;
        m.start = 34;
        m.offset = 16;
        m.gsoType = Frame.GSO_TCPV4;
        m.gsoSize = gsoSize;
        return m;
    }

    @Test
    void shouldSendASuperFrameStraightFromItsSlotAfterTheFramesQueuedBeforeIt() {
        List<String> order = new ArrayList<>();
        MemorySegment[] sent = new MemorySegment[1];
        long[] where = new long[1];
        RingGeometry g = RingGeometry.frames(SLOT, 4, 4096);
        MemorySegment ringMemory = arena.allocate(g.sizeBytes(), 4096);
        TxRing tx = new TxRing(
                ringMemory,
                g,
                () -> {
                    order.add("kick");
                    taken(ringMemory, g);
                    return 0;
                },
                1000,
                true);
        TxForwarder f = new TxForwarder(
                tx,
                (source, offset, length) -> {
                    order.add("send " + length);
                    sent[0] = source;
                    where[0] = offset;
                    return length;
                },
                1400,
                "t",
                () -> {});
        assertTrue(f.forward(inSlot(frame(17, 1000), new Meta())), "a small frame goes into the TX ring");
        assertEquals(List.of(), order, "queued, not kicked yet");

        MemorySegment big = frame(6, 20_000);
        Frame superFrame = inSlot(big, superFrame(1448));
        assertTrue(f.forward(superFrame));
        assertEquals(
                List.of("kick", "send " + (big.byteSize() + 10)), order, "the frame queued before it leaves first");
        assertEquals(1, tx.offeredCount(), "the super-frame was not copied into the ring");
        assertEquals(1, f.sentDirect());
        MemorySegment s = sent[0];
        assertEquals(superFrame.segment(), s, "sent from the frame's own memory");
        assertEquals(0, where[0], "the vnet header right before the frame");
        assertEquals(1, s.get(ValueLayout.JAVA_BYTE, 0), "NEEDS_CSUM");
        assertEquals(Frame.GSO_TCPV4, s.get(ValueLayout.JAVA_BYTE, 1));
        assertEquals(1400 - 40, s.get(ValueLayout.JAVA_SHORT_UNALIGNED, 4), "segments cut to the egress MTU");
        assertEquals(34, s.get(ValueLayout.JAVA_SHORT_UNALIGNED, 6));
        assertEquals(16, s.get(ValueLayout.JAVA_SHORT_UNALIGNED, 8));
        assertEquals(-1, big.mismatch(s.asSlice(10)), "the frame's bytes as they were");
        assertEquals(1, f.resegmented());

        order.clear();
        assertTrue(f.forward(inSlot(frame(17, 1000), new Meta())), "small frames still go into the TX ring");
        assertEquals(List.of(), order);
    }

    /** The fake kernel takes every frame marked SEND_REQUEST (marks it SENDING, as tpacket_snd does). */
    private static void taken(MemorySegment ring, RingGeometry g) {
        for (int i = 0; i < g.frameCount(); i++) {
            long status = g.frameOffset(i) + Tpacket2HeaderDescriptor.STATUS_OFFSET;
            if (ring.get(ValueLayout.JAVA_INT, status) == 1) {
                ring.set(ValueLayout.JAVA_INT, status, 2);
            }
        }
    }

    @Test
    void shouldKickAgainWhileAKickLeftFramesInTheRingAndNotOtherwise() {
        RingGeometry g = RingGeometry.frames(SLOT, 4, 4096);
        MemorySegment ringMemory = arena.allocate(g.sizeBytes(), 4096);
        boolean[] kernelTakes = {false};
        int[] kicks = {0};
        TxRing tx = new TxRing(
                ringMemory,
                g,
                () -> {
                    kicks[0]++;
                    if (kernelTakes[0]) {
                        taken(ringMemory, g);
                    }
                    return 0;
                },
                1000,
                true);
        TxForwarder f = new TxForwarder(tx, 1500, "t", () -> {});
        f.flush();
        assertEquals(0, kicks[0], "nothing queued: no kick");
        assertTrue(f.forward(inSlot(frame(17, 1000), new Meta())));
        f.flush();
        assertEquals(1, kicks[0]);
        f.flush();
        assertEquals(2, kicks[0], "the kick left the frame (the socket's buffer was full): kicked again");
        kernelTakes[0] = true;
        f.flush();
        f.flush();
        assertEquals(3, kicks[0], "taken: no more kicks");
    }

    @Test
    void shouldSendThroughTheTxRingWhatTheDirectSocketCannotTakeNowAndCountARefusal() {
        RingGeometry g = RingGeometry.frames(SLOT, 4, 4096);
        MemorySegment ringMemory = arena.allocate(g.sizeBytes(), 4096);
        boolean[] kernelTakes = {true};
        TxRing tx = new TxRing(
                ringMemory,
                g,
                () -> {
                    if (kernelTakes[0]) {
                        taken(ringMemory, g);
                    }
                    return 0;
                },
                1000,
                true);
        long[] answer = {0};
        List<Long> sends = new ArrayList<>();
        TxForwarder f = new TxForwarder(
                tx,
                (source, offset, length) -> {
                    if (answer[0] == -2) {
                        throw Errno.exception(Operation.SEND, "send(t)", Errno.ENETDOWN, null);
                    }
                    sends.add(answer[0]);
                    return answer[0];
                },
                1500,
                "t",
                () -> {});
        assertTrue(f.forward(inSlot(frame(6, 20_000), superFrame(1448))), "EAGAIN: through the ring instead");
        assertEquals(1, tx.offeredCount());
        assertEquals(1, f.directDeferred());
        assertEquals(List.of(0L), sends);

        kernelTakes[0] = false; // the ring's socket leaves the frame queued: a direct send would overtake it
        answer[0] = 30_000;
        assertTrue(f.forward(inSlot(frame(6, 20_000), superFrame(1448))), "behind the frame still in the ring");
        assertEquals(2, tx.offeredCount());
        assertEquals(List.of(0L), sends, "not sent directly");

        kernelTakes[0] = true;
        assertTrue(f.forward(inSlot(frame(6, 20_000), superFrame(1448))), "the ring taken: directly again");
        assertEquals(2, tx.offeredCount());
        assertEquals(1, f.sentDirect());

        assertTrue(
                f.forward(wrap(frame(6, 20_000), superFrame(1448))),
                "a frame without room for its vnet header before it goes through the ring");
        assertEquals(3, tx.offeredCount());

        answer[0] = PacketSocket.DROPPED;
        assertFalse(
                f.forward(inSlot(frame(6, 20_000), superFrame(1448))),
                "dropped by the kernel (ENOBUFS): counted, not sent again through the ring");
        assertEquals(WorkerCounter.FORWARD_FAILED, f.refusal());
        assertEquals(3, tx.offeredCount());
        assertEquals(0, f.refusedKicks());

        answer[0] = -2;
        assertFalse(f.forward(inSlot(frame(6, 20_000), superFrame(1448))), "the interface is down");
        assertEquals(WorkerCounter.FORWARD_FAILED, f.refusal());
        assertEquals(1, f.refusedKicks());
        assertEquals(1, f.sentDirect());
    }

    @Test
    void shouldCutTcpSegmentsSmallerForASmallerEgressMtuAndRefuseWhatCannotBeCut() {
        MemorySegment[] mem = new MemorySegment[1];
        TxForwarder f = new TxForwarder(ring(true, mem), 1400, "t", () -> {});
        Meta m = new Meta();
        m.partial = true;
        m.start = 34;
        m.offset = 16;
        m.gsoType = Frame.GSO_TCPV4;
        m.gsoSize = 1448;
        assertTrue(f.forward(wrap(frame(6, 20_000), m)));
        assertEquals(
                1400 - 40,
                mem[0].get(ValueLayout.JAVA_SHORT_UNALIGNED, (long) Tpacket2HeaderDescriptor.TX_DATA_OFFSET + 4),
                "segments of MTU - IP - TCP headers");
        assertEquals(1, f.resegmented());

        m.gsoType = Frame.GSO_UDP_L4;
        m.offset = 6;
        m.gsoSize = 1472;
        assertFalse(f.forward(wrap(frame(17, 1472 * 8), m)), "UDP datagrams cannot be cut");
        assertEquals(WorkerCounter.FORWARD_OVER_MTU, f.refusal());

        Meta plain = new Meta();
        assertFalse(f.forward(wrap(frame(17, 1472), plain)), "a 1500-byte IP packet on a 1400 MTU");
        assertEquals(WorkerCounter.FORWARD_OVER_MTU, f.refusal());
        assertTrue(f.forward(wrap(frame(17, 1372), plain)), "1400 bytes of IP fit");
    }

    @Test
    void shouldRefuseAFrameBiggerThanATxSlot() {
        MemorySegment[] mem = new MemorySegment[1];
        TxForwarder f = new TxForwarder(ring(true, mem), 1500, "t", () -> {});
        MemorySegment big = arena.allocate(SLOT);
        assertFalse(f.forward(new Frame().wrap(big, 0, SLOT, SLOT, true, new Meta())));
        assertEquals(WorkerCounter.FORWARD_OVERSIZE, f.refusal());
    }

    /** Without vnet headers nothing further down finishes a partial checksum: the forwarder does, as a device would. */
    @Test
    void shouldFinishAPartialChecksumWithoutVnetHeaders() {
        for (int protocol : new int[] {6, 17}) {
            MemorySegment[] mem = new MemorySegment[1];
            TxForwarder f = new TxForwarder(ring(false, mem), 1500, "t", () -> {});
            Meta m = new Meta();
            m.partial = true;
            MemorySegment s = frame(protocol, 999);
            assertTrue(f.forward(wrap(s, m)));
            MemorySegment sent = mem[0].asSlice(Tpacket2HeaderDescriptor.TX_DATA_OFFSET, s.byteSize());
            int l4Length = (int) s.byteSize() - 34;
            long pseudo = InternetChecksum.ipv4PseudoHeader(sent, 14, protocol, l4Length);
            assertEquals(
                    0,
                    InternetChecksum.finish(InternetChecksum.add(sent, 34, l4Length, pseudo)),
                    "a valid checksum on the wire, protocol " + protocol);
        }
    }

    /**
     * An IPv6 frame with extension headers (and a VLAN tag), built with a valid checksum by {@link FrameBuilder}, in
     * native memory with the checksum field holding the pseudo-header sum instead, as a sender hands it to its device.
     */
    private MemorySegment partialIpv6(byte[] built, int l3, int l4, int protocol) {
        MemorySegment s = arena.allocate(built.length);
        MemorySegment.copy(built, 0, s, ValueLayout.JAVA_BYTE, 0, built.length);
        int pseudo = ~InternetChecksum.finish(InternetChecksum.ipv6PseudoHeader(s, l3, protocol, built.length - l4));
        s.set(BE16, l4 + (protocol == 6 ? 16 : 6), (short) pseudo);
        return s;
    }

    /** The transport header follows the extension headers: the checksum goes there, not at the IPv6 header's end. */
    @Test
    void shouldFinishThePartialChecksumOfAnIpv6FrameBehindExtensionHeaders() {
        FrameBuilder b = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .vlan(7)
                .ipv6("2001:db8::1", "2001:db8:1::2")
                .ipv6Extensions(0, 43, 60);
        int l4 = 18 + 40 + 24;
        for (int payload : new int[] {999, 20_000}) {
            byte[] data = new byte[payload];
            for (int i = 0; i < payload; i++) {
                data[i] = (byte) (i * 7 + 3);
            }
            for (int protocol : new int[] {6, 17}) {
                byte[] built = (protocol == 6 ? b.tcp(40000, 443, 1, 2, FrameBuilder.TCP_ACK) : b.udp(5000, 5001))
                        .payload(data)
                        .build();
                MemorySegment[] mem = new MemorySegment[1];
                TxForwarder f = new TxForwarder(ring(false, mem), 65_000, "t", () -> {});
                Meta m = new Meta();
                m.partial = true;
                assertTrue(f.forward(wrap(partialIpv6(built, 18, l4, protocol), m)));
                MemorySegment sent = mem[0].asSlice(Tpacket2HeaderDescriptor.TX_DATA_OFFSET, built.length);
                int l4Length = built.length - l4;
                long pseudo = InternetChecksum.ipv6PseudoHeader(sent, 18, protocol, l4Length);
                String what = "protocol " + protocol + ", payload " + payload;
                assertEquals(
                        0,
                        InternetChecksum.finish(InternetChecksum.add(sent, l4, l4Length, pseudo)),
                        "a valid checksum on the wire, " + what);
                assertArrayEquals(
                        built, sent.toArray(ValueLayout.JAVA_BYTE), "only the checksum field changed, " + what);
            }
        }
    }

    /** The headers every segment repeats include the extension headers: the segment size leaves room for them. */
    @Test
    void shouldCountIpv6ExtensionHeadersInTheSegmentsOfASuperFrame() {
        MemorySegment[] mem = new MemorySegment[1];
        TxForwarder f = new TxForwarder(ring(true, mem), 1400, "t", () -> {});
        byte[] built = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv6("2001:db8::1", "2001:db8:1::2")
                .ipv6Extensions(0, 51)
                .tcp(40000, 443, 1, 2, FrameBuilder.TCP_ACK)
                .payload(new byte[20_000])
                .build();
        Meta m = new Meta();
        m.partial = true;
        m.start = 14 + 40 + 24;
        m.offset = 16;
        m.gsoType = Frame.GSO_TCPV6;
        m.gsoSize = 1428;
        assertTrue(f.forward(wrap(partialIpv6(built, 14, m.start, 6), m)));
        assertEquals(
                1400 - 40 - 24 - 20,
                mem[0].get(ValueLayout.JAVA_SHORT_UNALIGNED, (long) Tpacket2HeaderDescriptor.TX_DATA_OFFSET + 4),
                "segments of MTU - IPv6 - extension - TCP headers");
        assertEquals(1, f.resegmented());

        m.gsoType = Frame.GSO_UDP_L4;
        assertFalse(f.forward(wrap(partialIpv6(built, 14, m.start, 6), m)), "a UDP super-frame that holds TCP");
        assertEquals(WorkerCounter.FORWARD_OVER_MTU, f.refusal());
    }

    @Test
    void shouldAllocateNothingPerFrame() {
        MemorySegment[] mem = new MemorySegment[1];
        RingGeometry g = RingGeometry.frames(SLOT, 4, 4096);
        mem[0] = arena.allocate(g.sizeBytes(), 4096);
        // The "kernel" takes every frame at once: each kick marks the ring available again.
        TxRing tx = new TxRing(
                mem[0],
                g,
                () -> {
                    for (int i = 0; i < 4; i++) {
                        mem[0].set(ValueLayout.JAVA_INT, g.frameOffset(i), 0);
                    }
                    return 0;
                },
                1,
                true);
        TxForwarder f = new TxForwarder(tx, 1400, "t", () -> {});
        Meta m = new Meta();
        m.partial = true;
        m.start = 34;
        m.offset = 16;
        m.gsoType = Frame.GSO_TCPV4;
        m.gsoSize = 1448;
        Frame superFrame = wrap(frame(6, 4000), m);
        Frame plain = wrap(frame(17, 1472), new Meta());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) { // warm up: JIT compiled, counters settled
            f.forward(superFrame);
            f.forward(plain);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            f.forward(superFrame);
            f.forward(plain);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 10_000, "200,000 forwards allocated " + allocated + " B");

        TxForwarder direct = new TxForwarder(tx, (source, offset, length) -> length, 1400, "t", () -> {});
        Frame big = inSlot(frame(6, 20_000), superFrame(1448));
        for (int i = 0; i < 20_000; i++) {
            direct.forward(big);
            direct.forward(plain);
        }
        before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            direct.forward(big);
            direct.forward(plain);
        }
        allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 10_000, "200,000 forwards with direct sends allocated " + allocated + " B");
        assertEquals(120_000, direct.sentDirect());
    }
}
