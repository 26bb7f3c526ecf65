package io.npflua.ffm.socket;

import static io.npflua.ffm.socket.PacketSocketLiveTest.PAGE;
import static io.npflua.ffm.socket.PacketSocketLiveTest.TEST_FRAMES_ONLY;
import static io.npflua.ffm.socket.PacketSocketLiveTest.txSocket;
import static io.npflua.ffm.socket.PacketSocketLiveTest.v3Socket;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
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
import io.npflua.ffm.ring.TxRing;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Live tests of what goes wrong: VLAN tags stripped by the kernel, malformed TX frames, interfaces going down or away,
 * slices kept too long.
 */
@LiveTest
class RingFaultsLiveTest {
    private static List<byte[]> taggedFrames() {
        return List.of(
                TestFrames.taggedFrame(1, 80, PacketConstants.ETH_P_8021Q, 0x2064),
                TestFrames.taggedFrame(2, 200, PacketConstants.ETH_P_8021AD, 0x0123),
                TestFrames.frame(3, 90));
    }

    private static void assertTagsReadAsOnTheWire(final PacketSocket rx, final PacketSocket tx) {
        final List<byte[]> sent = taggedFrames();
        LabTraffic.send(tx.txRing(), sent, 0);
        final LabTraffic.Received received = LabTraffic.receive(rx, sent.size(), 2000);
        assertEquals(sent.size(), received.frames.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), received.frames.get(i), "frame " + i);
            assertEquals(sent.get(i).length, received.wireLengths.get(i));
        }
        assertTrue(
                (received.statuses.get(0) & PacketConstants.TP_STATUS_VLAN_VALID) != 0,
                "kernel stripped the 802.1Q tag");
        assertTrue(
                (received.statuses.get(1) & PacketConstants.TP_STATUS_VLAN_VALID) != 0,
                "kernel stripped the 802.1ad tag");
        assertEquals(0, received.statuses.get(2) & PacketConstants.TP_STATUS_VLAN_VALID);
    }

    @Test
    void shouldReadVlanTaggedFramesAsOnTheWireThroughV3(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        try (PacketSocket rx =
                        PacketSocket.open(PacketSocketOptions.capture(pair.b(), RingGeometry.blocks(1 << 16, 4, 5))
                                .filter(TEST_FRAMES_ONLY)
                                .vlanReinsertion(true)
                                .build());
                PacketSocket tx = txSocket(pair.a())) {
            assertTagsReadAsOnTheWire(rx, tx);
        }
    }

    @Test
    void shouldReadVlanTaggedFramesAsOnTheWireThroughV2(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        try (PacketSocket rx = PacketSocket.open(PacketSocketOptions.builder(pair.b())
                        .rxRing(RingVersion.V2, RingGeometry.frames(2048, 64, PAGE))
                        .filter(TEST_FRAMES_ONLY)
                        .vlanReinsertion(true)
                        .build());
                PacketSocket tx = txSocket(pair.a())) {
            assertTagsReadAsOnTheWire(rx, tx);
        }
    }

    @Test
    void shouldSkipMalformedTxFrameWithoutStallingTheRing(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        try (PacketSocket rx = v3Socket(pair.b());
                PacketSocket tx = txSocket(pair.a())) {
            final TxRing ring = tx.txRing();
            final byte[] tooShort = {1, 2, 3, 4};
            assertTrue(ring.offer(MemorySegment.ofArray(TestFrames.frame(0, 64)), 0, 64));
            assertTrue(ring.offer(MemorySegment.ofArray(tooShort), 0, tooShort.length));
            assertTrue(ring.offer(MemorySegment.ofArray(TestFrames.frame(1, 64)), 0, 64));
            assertTrue(ring.offer(MemorySegment.ofArray(TestFrames.frame(2, 64)), 0, 64));
            ring.flush();
            assertTrue(LabTraffic.awaitDrained(ring), "malformed frame stalled the TX ring");
            // And the ring keeps working afterwards, wrapping over the slot of the bad frame.
            final List<byte[]> more = new ArrayList<>();
            for (int i = 3; i < 300; i++) {
                more.add(TestFrames.frame(i, 64));
            }
            LabTraffic.send(ring, more, 0);
            final LabTraffic.Received received = LabTraffic.receive(rx, 300, 2000);
            assertEquals(300, received.frames.size());
            for (int i = 0; i < received.frames.size(); i++) {
                assertEquals(i, TestFrames.sequenceOf(received.frames.get(i)));
            }
        }
    }

    @Test
    void shouldRejectTheSameMalformedFrameWhenPacketLossIsOff(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        try (PacketSocket tx = PacketSocket.open(PacketSocketOptions.builder(pair.a())
                .txRing(RingGeometry.frames(2048, 16, PAGE))
                .txLoss(false)
                .build())) {
            final byte[] tooShort = {1, 2, 3, 4};
            assertTrue(tx.txRing().offer(MemorySegment.ofArray(tooShort), 0, tooShort.length));
            // Without PACKET_LOSS the kernel refuses the frame and parks it: this is the stall PACKET_LOSS prevents.
            final io.npflua.ffm.sys.ErrnoException e = assertThrows(
                    io.npflua.ffm.sys.ErrnoException.class, () -> tx.txRing().flush());
            assertTrue(e.getMessage().startsWith("send(PACKET_TX_RING, " + pair.a() + ") failed: "), e.getMessage());
        }
    }

    @Test
    void shouldReportInterfaceDownAndResumeWhenItIsUpAgain(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        try (PacketSocket rx = v3Socket(pair.b());
                PacketSocket tx = txSocket(pair.a())) {
            LabTraffic.send(tx.txRing(), List.of(TestFrames.frame(1, 64)), 0);
            assertEquals(1, LabTraffic.receive(rx, 1, 2000).frames.size());

            lab.setUp(pair.b(), false);
            WaitResult result = WaitResult.TIMEOUT;
            for (int i = 0; i < 50 && result == WaitResult.TIMEOUT; i++) {
                result = rx.await(100);
            }
            assertEquals(WaitResult.INTERFACE_DOWN, result);
            assertTrue(rx.lastError().contains("Network is down"), rx.lastError());
            assertEquals(false, rx.interfaceUp());
            assertEquals(WaitResult.TIMEOUT, rx.await(50), "the error is reported once, then waits are quiet");

            lab.setUp(pair.b(), true);
            final LabTraffic.Received received = new LabTraffic.Received();
            for (int attempt = 0; attempt < 50 && received.frames.isEmpty(); attempt++) {
                LabTraffic.send(tx.txRing(), List.of(TestFrames.frame(100 + attempt, 64)), 0);
                LabTraffic.receiveInto(rx, received, 1, 100);
            }
            assertTrue(!received.frames.isEmpty(), "capture resumed after up");
        }
    }

    @Test
    void shouldReportDeletedInterfaceClearly(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        try (PacketSocket rx = v3Socket(pair.b())) {
            lab.deletePair(pair);
            WaitResult result = WaitResult.TIMEOUT;
            for (int i = 0; i < 50 && result == WaitResult.TIMEOUT; i++) {
                result = rx.await(100);
            }
            assertEquals(WaitResult.INTERFACE_GONE, result);
            assertTrue(rx.lastError().contains("interface was deleted"), rx.lastError());
            assertEquals(0, rx.poll(frame -> {}, 10));
        }
    }

    @Test
    void shouldFailCleanlyWhenASliceIsReadAfterItsBlockWasReturned(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        try (PacketSocket rx = v3Socket(pair.b());
                PacketSocket tx = txSocket(pair.a())) {
            final byte[] frame = TestFrames.frame(9, 128);
            LabTraffic.send(tx.txRing(), List.of(frame), 0);
            final MemorySegment[] kept = new MemorySegment[1];
            for (int i = 0; i < 100 && kept[0] == null; i++) {
                rx.await(50);
                rx.poll(
                        f -> {
                            kept[0] = f.slice();
                            assertArrayEquals(frame, kept[0].toArray(JAVA_BYTE));
                        },
                        1);
            }
            assertTrue(kept[0] != null, "frame arrived");
            final IllegalStateException e = assertThrows(IllegalStateException.class, () -> kept[0].get(JAVA_BYTE, 0));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }
}
