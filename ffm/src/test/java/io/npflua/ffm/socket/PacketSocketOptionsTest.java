package io.npflua.ffm.socket;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.ffm.ring.RingGeometry;
import io.npflua.ffm.ring.RingVersion;
import org.junit.jupiter.api.Test;

class PacketSocketOptionsTest {
    private static final RingGeometry BLOCKS = RingGeometry.blocks(1 << 20, 4, 10);
    private static final RingGeometry FRAMES = RingGeometry.frames(2048, 64, 4096);

    @Test
    void shouldRefuseTxRingOnAV3Socket() {
        final IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PacketSocketOptions.capture("eth0", BLOCKS).txRing(FRAMES).build());
        assertTrue(e.getMessage().contains("TX ring needs a V2 socket"), e.getMessage());
    }

    @Test
    void shouldRefuseSocketOptionIgnoreOutgoingInsideAFanoutGroup() {
        final IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PacketSocketOptions.capture("eth0", BLOCKS)
                        .fanout(Fanout.of(1, FanoutMode.HASH))
                        .ignoreOutgoing(true)
                        .build());
        assertTrue(e.getMessage().contains("FanoutFlag.IGNORE_OUTGOING"), e.getMessage());
    }

    @Test
    void shouldRefuseFanoutWithoutRxRing() {
        assertThrows(
                IllegalArgumentException.class,
                () -> PacketSocketOptions.builder("eth0")
                        .txRing(FRAMES)
                        .fanout(Fanout.of(1, FanoutMode.LB))
                        .build());
    }

    @Test
    void shouldExplainBadGeometryBeforeAnySystemCall() {
        final IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PacketSocket.open(PacketSocketOptions.builder("lo")
                        .rxRing(RingVersion.V3, RingGeometry.blocks(5000, 4, 10))
                        .build()));
        assertTrue(e.getMessage().contains("not a multiple of the page size"), e.getMessage());
    }
}
