package io.npflua.engine.bridge;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.npflua.engine.agent.IdleStrategy;
import io.npflua.ffm.layout.PollfdDescriptor;
import io.npflua.ffm.socket.PacketSocket;
import io.npflua.ffm.sys.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Idles a bridge worker in one poll(2) over both of its ports' sockets, so a frame arriving on either side wakes the
 * worker at once. A worker with two sources cannot use {@code FrameSource.await} (that waits on one socket), and a
 * back-off that parks up to 1 ms adds up to a millisecond per hop at low rates; this keeps the bridge's added latency
 * at the cost of a wake-up, not a park period. After {@value #SPINS} empty cycles it blocks for at most
 * {@code timeoutMs} (which bounds how late the worker notices a stop request or a new chain). Allocates nothing after
 * its first idle call.
 */
final class BridgeIdleStrategy implements IdleStrategy {
    static final int SPINS = 50;
    private static final long STRIDE = PollfdDescriptor.LAYOUT.byteSize();

    private final Supplier<List<PacketSocket>> sockets;
    private final int timeoutMs;
    private MemorySegment pollFds;
    private int count;
    private int spins;

    BridgeIdleStrategy(Supplier<List<PacketSocket>> sockets, int timeoutMs) {
        this.sockets = sockets;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            spins = 0;
            return;
        }
        if (spins < SPINS) {
            spins++;
            Thread.onSpinWait();
            return;
        }
        if (pollFds == null && !bind()) {
            LockSupport.parkNanos(1_000_000L);
            return;
        }
        for (int i = 0; i < count; i++) {
            pollFds.set(JAVA_SHORT, i * STRIDE + PollfdDescriptor.REVENTS_OFFSET, (short) 0);
        }
        int ready = Syscalls.poll(pollFds, count, timeoutMs);
        if (ready > 0 && errorPending()) {
            // POLLERR (interface down) stays raised until the source's fault check reads SO_ERROR: do not spin.
            LockSupport.parkNanos(1_000_000L);
        }
    }

    private boolean errorPending() {
        for (int i = 0; i < count; i++) {
            short revents = pollFds.get(JAVA_SHORT, i * STRIDE + PollfdDescriptor.REVENTS_OFFSET);
            if ((revents & (Syscalls.POLLERR | Syscalls.POLLHUP | Syscalls.POLLNVAL)) != 0) {
                return true;
            }
        }
        return false;
    }

    private boolean bind() {
        List<PacketSocket> list = sockets.get();
        if (list.isEmpty()) {
            return false;
        }
        MemorySegment fds = Arena.ofAuto().allocate(PollfdDescriptor.LAYOUT, list.size());
        for (int i = 0; i < list.size(); i++) {
            fds.set(
                    JAVA_INT,
                    i * STRIDE + PollfdDescriptor.FD_OFFSET,
                    list.get(i).fd());
            fds.set(JAVA_SHORT, i * STRIDE + PollfdDescriptor.EVENTS_OFFSET, (short)
                    (Syscalls.POLLIN | Syscalls.POLLERR));
        }
        count = list.size();
        pollFds = fds;
        return true;
    }

    @Override
    public void reset() {
        spins = 0;
    }
}
