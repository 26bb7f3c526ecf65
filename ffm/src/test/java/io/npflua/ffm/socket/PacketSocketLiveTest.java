package io.npflua.ffm.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.ffm.lab.LabTraffic;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.TestFrames;
import io.npflua.ffm.lab.VethLab;
import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.ring.RingGeometry;
import io.npflua.ffm.ring.RingVersion;
import io.npflua.ffm.sys.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Live AF_PACKET tests on a veth pair: frames are sent with our own TX paths on end {@code a} and captured on end
 * {@code b}. A BPF filter on the receivers keeps only the test EtherType.
 */
@LiveTest
class PacketSocketLiveTest {
    static final int PAGE = Syscalls.pageSize();
    static final BpfProgram TEST_FRAMES_ONLY =
            BpfProgram.of(0x28, 0, 0, 12, 0x15, 0, 1, TestFrames.ETHERTYPE, 0x06, 0, 0, 0x40000, 0x06, 0, 0, 0);

    static PacketSocket txSocket(final String link) {
        return PacketSocket.open(PacketSocketOptions.builder(link)
                .txRing(RingGeometry.frames(2048, 256, PAGE))
                .build());
    }

    static PacketSocket v3Socket(final String link) {
        // The kernel retires a part-filled block every timeout (5 ms) while frames flow, so the ring holds
        // blocks x timeout of traffic before it freezes: 128 x 5 ms = 640 ms, enough for a loaded CI machine to
        // finish sending before the test starts draining.
        return PacketSocket.open(PacketSocketOptions.capture(link, RingGeometry.blocks(1 << 17, 128, 5))
                .filter(TEST_FRAMES_ONLY)
                .build());
    }

    static List<byte[]> frames(final int count, final int base) {
        final List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            frames.add(TestFrames.frame(base + i, 60 + (i * 37) % 1455));
        }
        return frames;
    }

    static void assertSameFrames(final List<byte[]> sent, final LabTraffic.Received received) {
        assertEquals(sent.size(), received.frames.size(), "frame count");
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), received.frames.get(i), "frame " + i);
            assertEquals(sent.get(i).length, received.wireLengths.get(i), "wire length of frame " + i);
        }
    }

    static void assertTimestampsWithin(final LabTraffic.Received received, final long fromNs, final long toNs) {
        long previous = 0;
        for (final long ts : received.timestampsNs) {
            assertTrue(ts >= fromNs && ts <= toNs, "timestamp " + ts + " outside [" + fromNs + ", " + toNs + "]");
            assertTrue(ts >= previous, "timestamps go backwards");
            previous = ts;
        }
    }

    static long nowNs() {
        final java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Test
    void shouldDeliverTxRingFramesByteForByteThroughV3(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        try (PacketSocket rx = v3Socket(pair.b());
                PacketSocket tx = txSocket(pair.a())) {
            final List<byte[]> sent = frames(1000, 0);
            final long before = nowNs();
            LabTraffic.send(tx.txRing(), sent, 64);
            assertTrue(LabTraffic.awaitDrained(tx.txRing()), "TX ring drained");
            final LabTraffic.Received received = LabTraffic.receive(rx, sent.size(), 2000);
            final long after = nowNs();
            assertSameFrames(sent, received);
            assertTimestampsWithin(received, before - 1_000_000, after);
            final PacketStatistics stats = rx.statistics();
            assertEquals(1000, stats.packets());
            assertEquals(0, stats.drops());
            assertEquals(1000, stats.delivered());
        }
    }

    @Test
    void shouldDeliverSendtoFramesByteForByteThroughV2(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        try (PacketSocket rx = PacketSocket.open(PacketSocketOptions.builder(pair.b())
                        .rxRing(RingVersion.V2, RingGeometry.frames(2048, 1024, PAGE))
                        .filter(TEST_FRAMES_ONLY)
                        .build());
                PacketSocket tx =
                        PacketSocket.open(PacketSocketOptions.builder(pair.a()).build())) {
            final List<byte[]> sent = frames(500, 5000);
            final long before = nowNs();
            for (final byte[] frame : sent) {
                assertEquals(frame.length, tx.sendTo(MemorySegment.ofArray(frame), 0, frame.length));
            }
            final LabTraffic.Received received = LabTraffic.receive(rx, sent.size(), 2000);
            final long after = nowNs();
            assertSameFrames(sent, received);
            assertTimestampsWithin(received, before - 1_000_000, after);
            final PacketStatistics stats = rx.statistics();
            assertEquals(500, stats.packets());
            assertEquals(0, stats.drops());
        }
    }

    /**
     * {@link PacketSocket#send} from native memory (as the bridge sends a super-frame from its RX slot): byte for byte,
     * allocation-free after warm-up (and so is a TX ring's kick), and refused clearly for heap memory, out of bounds and
     * on a socket with a TX ring.
     */
    @Test
    void shouldSendFromNativeMemoryByteForByteWithoutAllocating(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        try (Arena arena = Arena.ofConfined();
                PacketSocket rx = PacketSocket.open(PacketSocketOptions.builder(pair.b())
                        .rxRing(RingVersion.V2, RingGeometry.frames(2048, 1024, PAGE))
                        .filter(TEST_FRAMES_ONLY)
                        .build());
                PacketSocket tx =
                        PacketSocket.open(PacketSocketOptions.builder(pair.a()).build());
                PacketSocket withRing = PacketSocket.open(PacketSocketOptions.builder(pair.a())
                        .txRing(RingGeometry.frames(2048, 16, PAGE))
                        .build())) {
            final List<byte[]> sent = frames(300, 9000);
            // Each frame at an odd offset of one native block, with other bytes around it: only its own go out.
            final MemorySegment block = arena.allocate(2048L * sent.size());
            block.fill((byte) 0x5a);
            for (int i = 0; i < sent.size(); i++) {
                MemorySegment.copy(MemorySegment.ofArray(sent.get(i)), 0, block, 2048L * i + 7, sent.get(i).length);
            }
            for (int i = 0; i < sent.size(); i++) {
                assertEquals(sent.get(i).length, tx.send(block, 2048L * i + 7, sent.get(i).length));
            }
            assertSameFrames(sent, LabTraffic.receive(rx, sent.size(), 2000));

            final com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            final int n = sent.get(0).length;
            for (int i = 0; i < 20_000; i++) { // warm up (the receiver's ring may overflow: dropped there, not here)
                tx.send(block, 7, n);
            }
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 50_000; i++) {
                tx.send(block, 7, n);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 10_000, "50,000 sends allocated " + allocated + " B");
            // The TX ring's kick (send(fd, NULL, 0)) after every poll of a bridge route: allocation-free too.
            for (int i = 0; i < 20_000; i++) {
                withRing.txRing().flush();
            }
            final long beforeKicks = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 50_000; i++) {
                withRing.txRing().flush();
            }
            final long kicks = threads.getCurrentThreadAllocatedBytes() - beforeKicks;
            assertTrue(kicks < 10_000, "50,000 kicks allocated " + kicks + " B");

            assertThrows(IllegalArgumentException.class, () -> tx.send(MemorySegment.ofArray(new byte[64]), 0, 64));
            assertThrows(IndexOutOfBoundsException.class, () -> tx.send(block, block.byteSize() - 10, 64));
            assertThrows(IllegalStateException.class, () -> withRing.send(block, 7, n));
        }
    }

    @Test
    void shouldDeliverEachFrameToExactlyOneFanoutMember(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        final Fanout group = Fanout.of((int) (ProcessHandle.current().pid() & 0xFFFF), FanoutMode.LB);
        // 64 blocks x 5 ms: each member holds 320 ms of retired blocks while the test drains the other one, so a
        // loaded CI machine cannot freeze a queue (4 blocks froze one in 20 ms).
        final PacketSocketOptions options = PacketSocketOptions.capture(pair.b(), RingGeometry.blocks(1 << 16, 64, 5))
                .filter(TEST_FRAMES_ONLY)
                .fanout(group)
                .build();
        try (PacketSocket first = PacketSocket.open(options);
                PacketSocket second = PacketSocket.open(options);
                PacketSocket tx = txSocket(pair.a())) {
            final List<byte[]> sent = frames(400, 0);
            LabTraffic.send(tx.txRing(), sent, 64);
            final LabTraffic.Received one = new LabTraffic.Received();
            final LabTraffic.Received two = new LabTraffic.Received();
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (one.frames.size() + two.frames.size() < sent.size() && System.nanoTime() < deadline) {
                LabTraffic.receiveInto(first, one, one.frames.size() + 1, 2);
                LabTraffic.receiveInto(second, two, two.frames.size() + 1, 2);
            }
            final Set<Integer> seen = new HashSet<>();
            for (final byte[] frame : one.frames) {
                assertTrue(seen.add(TestFrames.sequenceOf(frame)), "duplicate");
            }
            for (final byte[] frame : two.frames) {
                assertTrue(seen.add(TestFrames.sequenceOf(frame)), "duplicate");
            }
            assertEquals(
                    sent.size(),
                    seen.size(),
                    "first " + one.frames.size() + " " + first.statistics() + ", second " + two.frames.size() + " "
                            + second.statistics());
            assertEquals(200, one.frames.size(), "round robin splits evenly");
            assertEquals(first.statistics().packets() + second.statistics().packets(), sent.size());
        }
    }

    @Test
    void shouldAccumulateStatisticsWithDropsAndFreezes(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        try (PacketSocket rx = PacketSocket.open(PacketSocketOptions.capture(pair.b(), RingGeometry.blocks(PAGE, 4, 5))
                        .filter(TEST_FRAMES_ONLY)
                        .build());
                PacketSocket tx = txSocket(pair.a())) {
            final List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sent.add(TestFrames.frame(i, 1000));
            }
            // Nobody reads the 4 small blocks while 200 frames arrive: the queue freezes and the rest is dropped.
            LabTraffic.send(tx.txRing(), sent, 0);
            assertTrue(LabTraffic.awaitDrained(tx.txRing()));
            LabTraffic.sleepMs(50);
            final PacketStatistics early = rx.statistics();
            final LabTraffic.Received received = LabTraffic.receive(rx, sent.size(), 300);
            final PacketStatistics total = rx.statistics();
            assertEquals(200, total.packets(), "tp_packets counts drops too");
            assertTrue(total.drops() > 0, "drops expected: " + total);
            assertTrue(total.freezes() > 0, "freeze expected: " + total);
            assertEquals(received.frames.size(), total.delivered(), "delivered = packets - drops = frames read");
            assertTrue(early.packets() <= total.packets());
            assertEquals(total, rx.statistics(), "totals survive the kernel's clear-on-read");
        }
    }

    @Test
    void shouldReadTheMtuAndUpFlagUntilTheInterfaceIsGone(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        io.npflua.ffm.lab.Shell.check("ip", "link", "set", pair.a(), "mtu", "1400");
        try (PacketSocket tx = txSocket(pair.a())) {
            assertEquals(1400, tx.mtu());
            assertTrue(tx.interfaceUp());
            lab.setUp(pair.a(), false);
            assertEquals(false, tx.interfaceUp());
            assertEquals(1400, tx.mtu(), "a down interface still has its MTU");
            lab.deletePair(pair);
            assertEquals(false, tx.interfaceUp());
            final io.npflua.ffm.sys.ErrnoException e = assertThrows(io.npflua.ffm.sys.ErrnoException.class, tx::mtu);
            assertTrue(e.getMessage().startsWith("ioctl(SIOCGIFMTU, " + pair.a() + ") failed: "), e.getMessage());
        }
    }

    @Test
    void shouldRefuseVnetHeadersOnAKernelWithoutThemAndReleaseTheSocket(final VethLab lab) throws Exception {
        final VethLab.VethPair pair = lab.addPair();
        final PacketSocketOptions withVnet = PacketSocketOptions.builder(pair.a())
                .txRing(RingGeometry.frames(2048, 256, PAGE))
                .vnetHeader(true)
                .build();
        final long fdsBefore = openFds();
        final String old = System.getProperty(PacketSocket.VNET_HEADERS_PROPERTY);
        System.setProperty(PacketSocket.VNET_HEADERS_PROPERTY, "false");
        try {
            assertEquals(false, PacketSocket.vnetHeadersAvailable());
            final io.npflua.ffm.sys.ErrnoException e =
                    assertThrows(io.npflua.ffm.sys.ErrnoException.class, () -> PacketSocket.open(withVnet));
            assertEquals(io.npflua.ffm.sys.Errno.ENOPROTOOPT, e.errno());
            assertEquals(
                    "setsockopt(PACKET_VNET_HDR) failed: Protocol not available (PACKET_VNET_HDR turned off by"
                            + " -Dnpflua.ffm.vnetHeaders=false (a kernel without it, simulated)): this kernel does not"
                            + " support the option",
                    e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(PacketSocket.VNET_HEADERS_PROPERTY);
            } else {
                System.setProperty(PacketSocket.VNET_HEADERS_PROPERTY, old);
            }
        }
        assertEquals(fdsBefore, openFds(), "the refused socket was closed");
        try (PacketSocket tx = PacketSocket.open(withVnet)) {
            assertTrue(tx.txRing().hasVnetHeader(), "this kernel takes the option once nothing simulates otherwise");
        }
    }

    @Test
    void shouldReportMissingInterfaceByName() {
        final ErrnoExceptionHolder holder = new ErrnoExceptionHolder();
        final io.npflua.ffm.sys.ErrnoException e = assertThrows(
                io.npflua.ffm.sys.ErrnoException.class,
                () -> holder.socket =
                        PacketSocket.open(PacketSocketOptions.capture("npfmissing0", RingGeometry.blocks(1 << 20, 4, 5))
                                .build()));
        assertTrue(e.getMessage().contains("no such interface: npfmissing0"), e.getMessage());
    }

    private static final class ErrnoExceptionHolder {
        PacketSocket socket;
    }

    @Test
    void shouldEnterAndLeavePromiscuousModeWithTheSocket(final VethLab lab) throws Exception {
        final VethLab.VethPair pair = lab.addPair();
        final java.nio.file.Path flags = java.nio.file.Path.of("/sys/class/net", pair.b(), "flags");
        final int promisc = 0x100;
        assertEquals(0, Integer.decode(java.nio.file.Files.readString(flags).strip()) & promisc);
        try (PacketSocket rx =
                PacketSocket.open(PacketSocketOptions.capture(pair.b(), RingGeometry.blocks(1 << 16, 2, 5))
                        .promiscuous(true)
                        .build())) {
            assertEquals(
                    promisc,
                    Integer.decode(java.nio.file.Files.readString(flags).strip()) & promisc);
            assertTrue(rx.interfaceUp());
        }
        assertEquals(0, Integer.decode(java.nio.file.Files.readString(flags).strip()) & promisc);
    }

    @Test
    void shouldReleaseSocketAndMappingOnCloseAndOnFailedSetup(final VethLab lab) throws Exception {
        final VethLab.VethPair pair = lab.addPair();
        final long fdsBefore = openFds();
        final long mapsBefore = packetMappings();
        final PacketSocketOptions hash = PacketSocketOptions.capture(pair.b(), RingGeometry.blocks(1 << 16, 4, 5))
                .fanout(Fanout.of(4242, FanoutMode.HASH))
                .build();
        final PacketSocketOptions lb = PacketSocketOptions.capture(pair.b(), RingGeometry.blocks(1 << 16, 4, 5))
                .fanout(Fanout.of(4242, FanoutMode.LB))
                .build();
        try (PacketSocket member = PacketSocket.open(hash)) {
            assertTrue(packetMappings() > mapsBefore, "ring mapped");
            // Same group id, other mode: fails at the fanout step, after socket, ring, mmap and bind.
            final io.npflua.ffm.sys.ErrnoException e =
                    assertThrows(io.npflua.ffm.sys.ErrnoException.class, () -> PacketSocket.open(lb));
            assertTrue(e.getMessage().startsWith("setsockopt(PACKET_FANOUT) failed: "), e.getMessage());
            assertTrue(e.getMessage().contains("group 4242, LB"), e.getMessage());
        }
        assertEquals(fdsBefore, openFds(), "file descriptors leaked");
        assertEquals(mapsBefore, packetMappings(), "ring mappings leaked");
    }

    static long openFds() throws java.io.IOException {
        // Only sockets and eventfds: the JVM opens and closes pipes and jars concurrently.
        try (var list = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return list.filter(fd -> {
                        try {
                            final String target =
                                    java.nio.file.Files.readSymbolicLink(fd).toString();
                            return target.startsWith("socket:") || target.contains("eventfd");
                        } catch (final java.io.IOException gone) {
                            return false;
                        }
                    })
                    .count();
        }
    }

    static long packetMappings() throws java.io.IOException {
        // Packet rings show up as mappings of the socket inode: "socket:[NNN]" or "[packet]" depending on the kernel.
        try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/self/maps"))) {
            return lines.filter(l -> l.contains("socket:") || l.contains("packet"))
                    .count();
        }
    }

    @Test
    void shouldWakeABlockedWaitFromAnotherThread(final VethLab lab) throws Exception {
        final VethLab.VethPair pair = lab.addPair();
        try (PacketSocket rx = v3Socket(pair.b())) {
            final java.util.concurrent.CompletableFuture<WaitResult> waiting =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> rx.await(-1));
            LabTraffic.sleepMs(50);
            rx.wakeup();
            assertEquals(WaitResult.WAKEUP, waiting.get(10, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldBridgeFramesFromOnePortsRxRingToTheOthersTxRing(final VethLab lab) {
        final VethLab.VethPair in = lab.addPair();
        final VethLab.VethPair out = lab.addPair();
        final RingGeometry rxFrames = RingGeometry.frames(2048, 256, PAGE);
        final RingGeometry txFrames = RingGeometry.frames(2048, 256, PAGE);
        try (PacketSocket west = PacketSocket.open(PacketSocketOptions.bridgePort(in.b(), rxFrames, txFrames)
                        .filter(TEST_FRAMES_ONLY)
                        .build());
                PacketSocket east = PacketSocket.open(PacketSocketOptions.bridgePort(out.a(), rxFrames, txFrames)
                        .filter(TEST_FRAMES_ONLY)
                        .build());
                PacketSocket sink = v3Socket(out.b());
                PacketSocket inject = txSocket(in.a())) {
            final List<byte[]> sent = frames(100, 700);
            LabTraffic.send(inject.txRing(), sent, 0);
            final int[] forwarded = new int[1];
            final int[] echoed = new int[1];
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (forwarded[0] < sent.size() && System.nanoTime() < deadline) {
                west.poll(
                        frame -> {
                            assertTrue(frame.segment().isNative());
                            assertTrue(east.offer(frame));
                            forwarded[0]++;
                        },
                        64);
                east.txRing().flush();
                west.await(10);
            }
            assertTrue(LabTraffic.awaitDrained(east.txRing()));
            final LabTraffic.Received received = LabTraffic.receive(sink, sent.size(), 2000);
            assertSameFrames(sent, received);
            assertEquals(PacketConstants.PACKET_OTHERHOST, (int) received.packetTypes.get(0));
            // A socket does not see the frames it sends itself: the east port's RX ring stays empty.
            east.poll(frame -> echoed[0]++, 1000);
            assertEquals(0, echoed[0]);
        }
    }

    @Test
    void shouldSeeOutgoingFramesOnlyWithoutTheIgnoreOutgoingFanoutFlag(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        final RingGeometry small = RingGeometry.blocks(1 << 16, 4, 5);
        try (PacketSocket plain = PacketSocket.open(PacketSocketOptions.capture(pair.a(), small)
                        .filter(TEST_FRAMES_ONLY)
                        .fanout(Fanout.of(31001, FanoutMode.HASH))
                        .build());
                PacketSocket ignoring = PacketSocket.open(PacketSocketOptions.capture(pair.a(), small)
                        .filter(TEST_FRAMES_ONLY)
                        .fanout(Fanout.of(31002, FanoutMode.HASH, FanoutFlag.IGNORE_OUTGOING))
                        .build());
                PacketSocket tx = txSocket(pair.a())) {
            LabTraffic.send(tx.txRing(), frames(10, 0), 0);
            final LabTraffic.Received seen = LabTraffic.receive(plain, 10, 2000);
            assertEquals(10, seen.frames.size());
            assertEquals(PacketConstants.PACKET_OUTGOING, (int) seen.packetTypes.get(0));
            assertEquals(0, LabTraffic.receive(ignoring, 1, 200).frames.size());
        }
    }

    @Test
    void shouldSendThroughTheTxRingBypassingTheQdisc(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        lab.offloadsOff(pair);
        try (PacketSocket rx = v3Socket(pair.b());
                PacketSocket tx = PacketSocket.open(PacketSocketOptions.builder(pair.a())
                        .txRing(RingGeometry.frames(2048, 64, PAGE))
                        .qdiscBypass(true)
                        .txBatchSize(8)
                        .build())) {
            final List<byte[]> sent = frames(200, 0);
            LabTraffic.send(tx.txRing(), sent, 32);
            assertSameFrames(sent, LabTraffic.receive(rx, sent.size(), 2000));
            assertEquals(0, rx.statistics().drops());
        }
    }

    @Test
    void shouldCloseWithoutHangingWhileAnotherThreadWaits(final VethLab lab) throws Exception {
        final VethLab.VethPair pair = lab.addPair();
        final PacketSocket rx = v3Socket(pair.b());
        final java.util.concurrent.CompletableFuture<String> worker =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        while (!rx.isClosed()) {
                            rx.await(-1);
                        }
                        return "stopped";
                    } catch (final IllegalStateException closedUnderneath) {
                        return "stopped: " + closedUnderneath.getMessage();
                    }
                });
        LabTraffic.sleepMs(50);
        rx.close();
        assertTrue(worker.get(10, java.util.concurrent.TimeUnit.SECONDS).startsWith("stopped"));
        assertTrue(rx.isClosed());
    }
}
