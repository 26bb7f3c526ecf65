package io.npflua.engine.counter;

/**
 * One worker's frame and kernel counters, written only by that worker.
 *
 * <p>Invariants once the worker has stopped: {@code seen = passed + blocked}; {@code kernel packets = seen + kernel
 * drops} for live sources after the final stats read (the source is quiesced and drained first); for in-memory and
 * file sources kernel packets are the frames handed out.
 */
public final class WorkerCounters extends CounterSet {
    /** Frames that went through the chain (including frames aborted by a worker crash). */
    public static final int SEEN = 0;
    /** Frames every rule passed. */
    public static final int PASSED = 1;
    /** Frames a rule blocked (or whose rule failed under a block policy, or that a worker crash aborted). */
    public static final int BLOCKED = 2;
    /** Passed frames sent out of the other interface (inline bridge). */
    public static final int FORWARDED = 3;
    /** Passed frames the forwarder could not send (TX ring full, interface down). */
    public static final int FORWARD_FAILED = 4;
    /** Exceptions thrown by verdict sinks (pcap writers) and forwarders. */
    public static final int OUTPUT_ERRORS = 5;
    /** Packets the kernel counted for this worker's sockets (tp_packets, which includes drops). */
    public static final int KERNEL_PACKETS = 6;
    /** Packets the kernel dropped (tp_drops). */
    public static final int KERNEL_DROPS = 7;
    /** Times the kernel froze the ring (tp_freeze_q_cnt). */
    public static final int FREEZES = 8;
    /** Times the worker's thread died from a bug and was restarted. */
    public static final int RESTARTS = 9;
    /** Frames in hand when the worker's thread died (counted as seen and blocked). */
    public static final int ABORTED = 10;
    /** Chain versions the worker adopted (loads, reloads, unloads). */
    public static final int CHAIN_SWAPS = 11;
    /**
     * Sources whose input failed (a corrupt or truncated capture file: no longer polled, no restart) and other
     * exceptions thrown by a source's poll (bugs: the worker restarts).
     */
    public static final int SOURCE_ERRORS = 12;
    private static final int COUNT = 13;

    /** All zero. */
    public WorkerCounters() {
        super(COUNT);
    }
}
