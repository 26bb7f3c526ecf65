package io.npflua.engine.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryFrameSourceTest {
    @Test
    void shouldHandOutEveryFrameWithItsMetadataThenEnd() {
        MemoryFrameSource s = MemoryFrameSource.builder("t")
                .add(new byte[] {1, 2, 3}, 60, 5_000L)
                .add(new byte[] {4})
                .passes(2)
                .ifindex(7)
                .direction(Frame.DIRECTION_INBOUND)
                .build();
        List<String> seen = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        int n = s.poll(
                f -> {
                    seen.add(f.capturedLength() + "/" + f.wireLength() + "/" + f.ifindex() + "/" + f.direction() + "/"
                            + f.writable());
                    bytes.add(f.toByteArray());
                },
                3);
        assertEquals(3, n);
        assertEquals(List.of("3/60/7/1/false", "1/1/7/1/false", "3/60/7/1/false"), seen);
        assertArrayEquals(new byte[] {1, 2, 3}, bytes.get(0));
        assertArrayEquals(new byte[] {4}, bytes.get(1));
        assertFalse(s.endOfStream());
        assertEquals(1, s.poll(f -> {}, 10));
        assertTrue(s.endOfStream());
        assertEquals(0, s.poll(f -> {}, 10));
        s.close();
        assertThrows(IllegalStateException.class, () -> s.poll(f -> {}, 1));
    }

    @Test
    void shouldReportHandedOutFramesAndDropsAsKernelPacketsOnce() {
        MemoryFrameSource s = MemoryFrameSource.builder("t")
                .add(new byte[10])
                .passes(5)
                .kernelDrops(3)
                .build();
        s.poll(f -> {}, 4);
        SourceStats st = new SourceStats();
        s.readStats(st);
        assertEquals(7, st.packets());
        assertEquals(3, st.drops());
        s.readStats(st.clear());
        assertEquals(0, st.packets(), "cleared on read, like PACKET_STATISTICS");
        s.close();
    }

    @Test
    void shouldCountAFrameAsTakenEvenWhenTheConsumerThrows() {
        MemoryFrameSource s = MemoryFrameSource.builder("t")
                .add(new byte[10])
                .add(new byte[10])
                .build();
        assertThrows(
                IllegalStateException.class,
                () -> s.poll(
                        f -> {
                            throw new IllegalStateException("x");
                        },
                        2));
        assertEquals(1, s.handedOut());
        assertEquals(1, s.poll(f -> {}, 5), "the next poll starts at the next frame");
        s.close();
    }

    @Test
    void shouldBoundsCheckByteReads() {
        MemoryFrameSource s =
                MemoryFrameSource.builder("t").add(new byte[] {9, 8}).build();
        s.poll(
                f -> {
                    assertEquals(8, f.byteAt(1));
                    assertThrows(IndexOutOfBoundsException.class, () -> f.byteAt(2));
                    assertThrows(IndexOutOfBoundsException.class, () -> f.byteAt(-1));
                },
                1);
        s.close();
    }
}
