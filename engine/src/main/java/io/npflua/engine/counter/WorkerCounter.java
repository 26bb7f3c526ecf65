package io.npflua.engine.counter;

/**
 * The engine's per-worker counters: the one list of them. Each has its name in JSON ({@code run --json},
 * {@code replay --json}, the control socket's {@code stats}), its Prometheus name and help, and whether its sum over
 * the workers is also a top-level field of the JSON object; {@link SnapshotJson}, the Prometheus exporter and the
 * text summary are loops over this list, so a new counter is added here and nowhere else.
 *
 * <p>Invariants once the worker has stopped: {@code frames = passed + blocked}; {@code kernel_packets = frames +
 * kernel_drops} for live sources after the final stats read (the source is quiesced and drained first); for
 * in-memory and file sources kernel packets are the frames handed out.
 */
public enum WorkerCounter {
    /** Frames that went through the chain (including frames aborted by a worker crash). */
    SEEN("frames", "npflua_frames", "Frames seen by the rule chain", true),
    /** Frames every rule passed. */
    PASSED("passed", "npflua_passed", "Frames every rule passed", true),
    /** Frames a rule blocked (or whose rule failed under a block policy, or that a worker crash aborted). */
    BLOCKED("blocked", "npflua_blocked", "Frames a rule blocked", true),
    /** Passed frames sent out of the other interface (inline bridge). */
    FORWARDED("forwarded", "npflua_forwarded", "Passed frames sent out of the other interface (bridge)", true),
    /**
     * Frames captured shorter than they were on the wire: the snap length, or a frame (a GRO/GSO super-frame) bigger
     * than the ring slot. Scripts saw only the captured part.
     */
    TRUNCATED(
            "truncated",
            "npflua_truncated_frames",
            "Frames captured shorter than on the wire (snap length, or a super-frame bigger than the ring slot)",
            false),
    /**
     * Passed frames not forwarded because they were captured truncated (a super-frame bigger than the RX ring slot,
     * e.g. a GRO/GSO frame on a ring without vnet headers): sending the captured part would put a corrupt frame on the
     * wire (an IP length that lies), so they are counted here instead.
     */
    FORWARD_TRUNCATED(
            "forward_truncated",
            "npflua_forward_truncated",
            "Passed frames not forwarded because only part of them was captured (bridge)",
            false),
    /**
     * Passed frames not forwarded because they are bigger than the egress interface's MTU and cannot be cut to fit: a
     * frame that is not a super-frame, or a UDP super-frame (GSO_UDP_L4) whose datagrams are bigger than the MTU (a
     * TCP super-frame is re-segmented smaller instead).
     */
    FORWARD_OVER_MTU(
            "forward_over_mtu",
            "npflua_forward_over_mtu",
            "Passed frames bigger than the egress MTU that cannot be segmented to fit (bridge)",
            false),
    /**
     * Passed frames not forwarded because they do not fit a TX ring slot (a super-frame larger than 64 KiB, BIG TCP;
     * never with the default slots, which match the RX slots).
     */
    FORWARD_OVERSIZE(
            "forward_oversize", "npflua_forward_oversize", "Passed frames bigger than a TX ring slot (bridge)", false),
    /** Passed frames the forwarder could not send (TX ring full, interface down). */
    FORWARD_FAILED(
            "forward_failed",
            "npflua_forward_failed",
            "Passed frames the bridge could not send (TX ring full, interface down)",
            false),
    /** Exceptions thrown by verdict sinks (pcap writers) and forwarders. */
    OUTPUT_ERRORS("output_errors", "npflua_output_errors", "Failures writing outputs or forwarding", false),
    /** Packets the kernel counted for this worker's sockets (tp_packets, which includes drops). */
    KERNEL_PACKETS("kernel_packets", "npflua_kernel_packets", "Packets the kernel counted (including drops)", true),
    /** Packets the kernel dropped (tp_drops). */
    KERNEL_DROPS("kernel_drops", "npflua_kernel_drops", "Packets the kernel dropped", true),
    /** Times the kernel froze the ring (tp_freeze_q_cnt). */
    FREEZES("freezes", "npflua_ring_freezes", "Times the kernel froze a ring", true),
    /** Times the worker's thread died from a bug and was restarted. */
    RESTARTS("restarts", "npflua_worker_restarts", "Times a worker crashed and was restarted", true),
    /** Frames in hand when the worker's thread died (counted as seen and blocked). */
    ABORTED("aborted", "npflua_aborted_frames", "Frames in hand when a worker crashed (counted as blocked)", false),
    /** Chain versions the worker adopted (loads, reloads, unloads). */
    CHAIN_SWAPS("chain_swaps", "npflua_chain_swaps", "Rule chain versions adopted (loads, reloads, unloads)", false),
    /**
     * Sources whose input failed (a corrupt or truncated capture file: no longer polled, no restart) and other
     * exceptions thrown by a source's poll (bugs: the worker restarts).
     */
    SOURCE_ERRORS("source_errors", "npflua_source_errors", "Sources that failed (damaged input, poll errors)", false);

    private final String json;
    private final String metric;
    private final String help;
    private final boolean total;

    WorkerCounter(String json, String metric, String help, boolean total) {
        this.json = json;
        this.metric = metric;
        this.help = help;
        this.total = total;
    }

    /** The field name in JSON (per worker, and at the top level when {@link #total()}). */
    public String json() {
        return json;
    }

    /** The Prometheus counter name (the exposition adds {@code _total}), labelled by {@code worker}. */
    public String metric() {
        return metric;
    }

    /** The Prometheus help text. */
    public String help() {
        return help;
    }

    /** Whether the sum over all workers is also a top-level field of the JSON object. */
    public boolean total() {
        return total;
    }
}
