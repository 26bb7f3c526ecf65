package io.npflua.engine.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link FrameSource} owes the worker, as one abstract suite (Netty-style: run it against each
 * transport). Extend it for the ring adapter (inject the frames on a veth in {@link #open}) and the pcap adapter
 * (write them to a file). Frames are distinct, at least 60 bytes, so live transports can carry them. A live fixture
 * must keep other traffic off its interface (e.g. {@code sysctl net.ipv6.conf.IF.disable_ipv6=1} before up), since
 * the suite expects exactly the frames it sent.
 */
public abstract class FrameSourceContract {
    /** A source that will deliver exactly the given frames, in order, and the resources behind it. */
    protected interface Fixture extends AutoCloseable {
        /** The source under test. */
        FrameSource source();

        /** Removes whatever {@link #open} created (interfaces, files); the source is closed by the test. */
        @Override
        void close();
    }

    /** Opens a source that delivers exactly {@code frames} (a live fixture injects them after opening). */
    protected abstract Fixture open(List<byte[]> frames) throws Exception;

    /** Upper bound on waiting for frames to arrive (live transports); not a speed requirement. */
    protected long deliveryTimeoutMs() {
        return 10_000;
    }

    private static List<byte[]> frames(int n) {
        List<byte[]> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[60 + i % 40];
            // Locally administered destination and source MACs, an experimental EtherType, then a sequence number.
            b[0] = 0x02;
            b[6] = 0x02;
            b[12] = (byte) 0x88;
            b[13] = (byte) 0xb5;
            b[14] = (byte) (i >>> 8);
            b[15] = (byte) i;
            list.add(b);
        }
        return list;
    }

    private List<byte[]> drain(FrameSource source, int expected, int limit) throws InterruptedException {
        List<byte[]> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deliveryTimeoutMs());
        while (got.size() < expected && System.nanoTime() < deadline) {
            int n = source.poll(f -> got.add(f.toByteArray()), limit);
            assertTrue(n <= limit, "poll handed out " + n + " frames with a limit of " + limit);
            if (n == 0) {
                Thread.sleep(1);
            }
        }
        return got;
    }

    @Test
    void shouldDeliverEveryFrameExactlyOnceInOrderWithItsBytes() throws Exception {
        List<byte[]> sent = frames(100);
        try (Fixture f = open(sent)) {
            List<byte[]> got = drain(f.source(), sent.size(), 7);
            assertEquals(sent.size(), got.size());
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), got.get(i), "frame " + i);
            }
            assertEquals(0, f.source().poll(x -> {}, 10), "nothing more");
            f.source().close();
        }
    }

    @Test
    void shouldReportCapturedAndWireLengthsAndAReadOnlyFrame() throws Exception {
        List<byte[]> sent = frames(3);
        try (Fixture f = open(sent)) {
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deliveryTimeoutMs());
            while (seen.size() < 3 && System.nanoTime() < deadline) {
                f.source()
                        .poll(
                                x -> seen.add(x.capturedLength() + "/" + x.wireLength() + "/" + x.writable() + "/"
                                        + (x.offset() + x.capturedLength()
                                                <= x.segment().byteSize())),
                                10);
            }
            assertEquals(List.of("60/60/false/true", "61/61/false/true", "62/62/false/true"), seen);
            f.source().close();
        }
    }

    @Test
    void shouldContinueAfterTheFrameWhoseConsumerThrew() throws Exception {
        List<byte[]> sent = frames(20);
        try (Fixture f = open(sent)) {
            List<byte[]> got = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deliveryTimeoutMs());
            boolean thrown = false;
            while (got.size() < sent.size() && System.nanoTime() < deadline) {
                try {
                    f.source()
                            .poll(
                                    x -> {
                                        got.add(x.toByteArray());
                                        if (got.size() == 5) {
                                            throw new IllegalStateException("consumer bug");
                                        }
                                    },
                                    64);
                } catch (IllegalStateException e) {
                    thrown = true;
                }
            }
            assertTrue(thrown);
            assertEquals(sent.size(), got.size(), "no frame lost or repeated around the exception");
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), got.get(i), "frame " + i);
            }
            f.source().close();
        }
    }

    @Test
    void shouldBalanceKernelStatsAfterQuiesceAndDrain() throws Exception {
        List<byte[]> sent = frames(50);
        try (Fixture f = open(sent)) {
            FrameSource s = f.source();
            List<byte[]> got = drain(s, 10, 10);
            s.quiesce();
            got.addAll(drain(s, sent.size() - got.size(), 64));
            SourceStats stats = new SourceStats();
            s.readStats(stats);
            assertEquals(stats.packets(), got.size() + stats.drops(), "tp_packets = handed out + drops");
            s.readStats(stats.clear());
            assertEquals(0, stats.packets(), "cleared on read");
            s.close();
            s.close();
        }
    }

    @Test
    void shouldRefusePollingAfterClose() throws Exception {
        try (Fixture f = open(frames(1))) {
            f.source().close();
            assertThrows(RuntimeException.class, () -> f.source().poll(x -> {}, 1));
        }
    }
}
