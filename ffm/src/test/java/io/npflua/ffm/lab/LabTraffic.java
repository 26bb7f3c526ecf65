package io.npflua.ffm.lab;

import io.npflua.ffm.ring.PacketFrame;
import io.npflua.ffm.ring.TxRing;
import io.npflua.ffm.socket.PacketSocket;
import io.npflua.ffm.socket.WaitResult;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends and collects frames on lab sockets with bounded waits (never a timing assertion: the deadlines only stop a
 * broken test from hanging).
 */
public final class LabTraffic {
    /**
     * What a receiving socket saw: copies of each frame and its metadata.
     */
    public static final class Received {
        public final List<byte[]> frames = new ArrayList<>();
        public final List<Integer> wireLengths = new ArrayList<>();
        public final List<Long> timestampsNs = new ArrayList<>();
        public final List<Integer> statuses = new ArrayList<>();
        public final List<Integer> packetTypes = new ArrayList<>();
        public final List<WaitResult> events = new ArrayList<>();

        void add(final PacketFrame frame) {
            frames.add(frame.toByteArray());
            wireLengths.add(frame.wireLength());
            timestampsNs.add(frame.timestampNs());
            statuses.add(frame.status());
            packetTypes.add(frame.packetType());
        }
    }

    private LabTraffic() {}

    /**
     * Offers every frame to the TX ring, kicking and waiting (bounded) when it is full, then kicks until all went out.
     *
     * @param tx     the ring.
     * @param frames the frames.
     * @param pauseEvery pause 1 ms after this many frames to keep the rate moderate (0 = never).
     */
    public static void send(final TxRing tx, final List<byte[]> frames, final int pauseEvery) {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        int i = 0;
        for (final byte[] frame : frames) {
            while (!tx.offer(MemorySegment.ofArray(frame), 0, frame.length)) {
                tx.flush();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("TX ring did not drain within 10 s");
                }
                Thread.onSpinWait();
            }
            if (pauseEvery > 0 && ++i % pauseEvery == 0) {
                tx.flush();
                sleepMs(1);
            }
        }
        tx.flush();
        // The kernel stops a kick early when the device pushes back; kick until every frame went out.
        if (!awaitDrained(tx)) {
            throw new IllegalStateException("TX ring still has " + tx.inFlight() + " frames in flight after 5 s");
        }
    }

    /**
     * Waits until the TX ring has no frame in flight (bounded to 5 s).
     *
     * @param tx the ring.
     * @return true when drained.
     */
    public static boolean awaitDrained(final TxRing tx) {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (tx.inFlight() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            tx.flush();
            sleepMs(1);
        }
        return true;
    }

    /**
     * Polls {@code socket} until {@code expected} frames arrived or nothing arrived for {@code quietMs}.
     *
     * @param socket   an RX socket.
     * @param expected frames to wait for (more are collected if they come in the same poll).
     * @param quietMs  give up after this long without a frame.
     * @return what arrived.
     */
    public static Received receive(final PacketSocket socket, final int expected, final int quietMs) {
        final Received received = new Received();
        receiveInto(socket, received, expected, quietMs);
        return received;
    }

    /**
     * As {@link #receive(PacketSocket, int, int)}, adding to {@code received}.
     *
     * @param socket   an RX socket.
     * @param received where to add.
     * @param expected total frames to wait for.
     * @param quietMs  give up after this long without a frame.
     */
    public static void receiveInto(
            final PacketSocket socket, final Received received, final int expected, final int quietMs) {
        long lastProgress = System.nanoTime();
        while (received.frames.size() < expected) {
            final int n = socket.poll(received::add, 256);
            if (n > 0) {
                lastProgress = System.nanoTime();
                continue;
            }
            if ((System.nanoTime() - lastProgress) / 1_000_000 > quietMs) {
                return;
            }
            final WaitResult result = socket.await(20);
            if (result != WaitResult.READY && result != WaitResult.TIMEOUT) {
                received.events.add(result);
            }
        }
    }

    /**
     * @param ms milliseconds to sleep.
     */
    public static void sleepMs(final long ms) {
        try {
            Thread.sleep(ms);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
