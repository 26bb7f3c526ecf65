package io.npflua.engine.counter;

/**
 * The engine's per-worker counters: the one list of them. Each has its name in JSON ({@code run --json},
 * {@code replay --json}, the control socket's {@code stats}), its Prometheus name and help, and whether its sum over
 * the workers is also a top-level field of the JSON object; {@link SnapshotJson}, the Prometheus exporter and the
 * text summary are loops over this list, so a new counter is added here and nowhere else.
 *
 * <p>Invariants once the worker has stopped: {@code frames = passed + blocked}; {@code kernel_packets = frames +
 * kernel_drops} for live sources after the final stats read (the source is quiesced and drained first); for
 * in-memory and file sources kernel packets are the frames handed out. With an event log, once it is closed, per
 * event type ({@code drop_events}, {@code flow_events_written}, ...) and in total: events generated = {@code events +
 * events_suppressed + events_dropped} and {@code events = events_written + events_lost}. The totals are
 * {@link #derived()}: sums of the per-type counters, computed when read.
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
     * Of the forwarded frames, those sent straight from their RX slot through the port's send-only socket (super-frames
     * of 16 KiB and more with vnet headers) instead of through the TX ring. Published every stats interval.
     */
    FORWARDED_DIRECT(
            "forwarded_direct",
            "npflua_forwarded_direct",
            "Forwarded frames sent straight from their RX slot, not through the TX ring (bridge super-frames)",
            false),
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
    SOURCE_ERRORS("source_errors", "npflua_source_errors", "Sources that failed (damaged input, poll errors)", false),
    /** Passed frames of flows that every rule had passed: no rule was called (part of {@link #PASSED}). */
    BYPASSED("bypassed", "npflua_bypassed_frames", "Frames of flows every rule had passed: no rule called", true),
    /** Frames dropped because a rule had blocked their flow: no rule was called (part of {@link #BLOCKED}). */
    FLOW_BLOCKED(
            "flow_blocked", "npflua_flow_blocked_frames", "Frames dropped because a rule had blocked their flow", true),
    /** Flows in the worker's table now (a gauge; published every stats interval). */
    FLOWS_ACTIVE("flows_active", "npflua_flows_active", "Flows in the table now", true, true),
    /** Flows created. {@code flows_created = flows_active + flows_expired + flows_evicted} (when published). */
    FLOWS_CREATED("flows_created", "npflua_flows_created", "Flows created", true),
    /** Flows ended idle past their timeout. */
    FLOWS_EXPIRED("flows_expired", "npflua_flows_expired", "Flows ended idle past their timeout", true),
    /** Flows ended to make room in a full table. */
    FLOWS_EVICTED("flows_evicted", "npflua_flows_evicted", "Flows evicted from a full table", true),
    /** IP frames that found the table full with no flow allowed to make room: judged without a flow. */
    FLOWS_UNTRACKED(
            "flows_untracked",
            "npflua_flows_untracked_frames",
            "Frames judged without a flow because the table was full",
            false),
    /**
     * Events (blocked frames, alerts, script errors, flow ends) the worker handed to the event log's writer: the sum of
     * the per-type {@code *_events} counters below (derived when read, never incremented).
     */
    EVENTS(EventCount.HANDED),
    /** Events not handed over because their script and type were over the event rate limit (sum over types). */
    EVENTS_SUPPRESSED(EventCount.SUPPRESSED),
    /** Events not handed over because the worker's event queue was full (sum over types); never waited for. */
    EVENTS_DROPPED(EventCount.DROPPED),
    /** This worker's events the writer thread wrote to the log (sum over types). */
    EVENTS_WRITTEN(EventCount.WRITTEN),
    /** This worker's events the writer could not write (disk full, I/O error; sum over types). */
    EVENTS_LOST(EventCount.LOST),
    /** Blocked frames ({@code event_type} {@code drop}): handed over, suppressed, dropped, written, lost. */
    DROP_EVENTS(EventCount.HANDED, "drop"),
    DROP_EVENTS_SUPPRESSED(EventCount.SUPPRESSED, "drop"),
    DROP_EVENTS_DROPPED(EventCount.DROPPED, "drop"),
    DROP_EVENTS_WRITTEN(EventCount.WRITTEN, "drop"),
    DROP_EVENTS_LOST(EventCount.LOST, "drop"),
    /** Alerts ({@code event_type} {@code alert}): handed over, suppressed, dropped, written, lost. */
    ALERT_EVENTS(EventCount.HANDED, "alert"),
    ALERT_EVENTS_SUPPRESSED(EventCount.SUPPRESSED, "alert"),
    ALERT_EVENTS_DROPPED(EventCount.DROPPED, "alert"),
    ALERT_EVENTS_WRITTEN(EventCount.WRITTEN, "alert"),
    ALERT_EVENTS_LOST(EventCount.LOST, "alert"),
    /** Script errors ({@code event_type} {@code script_error}): handed over, suppressed, dropped, written, lost. */
    SCRIPT_ERROR_EVENTS(EventCount.HANDED, "script_error"),
    SCRIPT_ERROR_EVENTS_SUPPRESSED(EventCount.SUPPRESSED, "script_error"),
    SCRIPT_ERROR_EVENTS_DROPPED(EventCount.DROPPED, "script_error"),
    SCRIPT_ERROR_EVENTS_WRITTEN(EventCount.WRITTEN, "script_error"),
    SCRIPT_ERROR_EVENTS_LOST(EventCount.LOST, "script_error"),
    /** Flow ends ({@code event_type} {@code flow}): handed over, suppressed, dropped, written, lost. */
    FLOW_EVENTS(EventCount.HANDED, "flow"),
    FLOW_EVENTS_SUPPRESSED(EventCount.SUPPRESSED, "flow"),
    FLOW_EVENTS_DROPPED(EventCount.DROPPED, "flow"),
    FLOW_EVENTS_WRITTEN(EventCount.WRITTEN, "flow"),
    FLOW_EVENTS_LOST(EventCount.LOST, "flow");

    private final String json;
    private final String metric;
    private final String help;
    private final boolean total;
    private final boolean gauge;
    private final EventCount eventCount;
    private final String eventType;

    WorkerCounter(String json, String metric, String help, boolean total) {
        this(json, metric, help, total, false);
    }

    WorkerCounter(String json, String metric, String help, boolean total, boolean gauge) {
        this(json, metric, help, total, gauge, null, null);
    }

    /** The total of {@code count} over all event types: derived from the per-type counters when read. */
    WorkerCounter(EventCount count) {
        this(count.json(), count.metric(), count.help() + " (all event types)", true, false, count, null);
    }

    /** {@code count} of the events of {@code type} (the log's {@code event_type}). */
    WorkerCounter(EventCount count, String type) {
        this(type + "_" + count.json(), count.metric(), count.help(), true, false, count, type);
    }

    WorkerCounter(
            String json,
            String metric,
            String help,
            boolean total,
            boolean gauge,
            EventCount eventCount,
            String eventType) {
        this.json = json;
        this.metric = metric;
        this.help = help;
        this.total = total;
        this.gauge = gauge;
        this.eventCount = eventCount;
        this.eventType = eventType;
    }

    /**
     * The five counts the event log keeps per event type. Once the log is closed, per type and in total: generated =
     * {@code events + events_suppressed + events_dropped}, and {@code events = events_written + events_lost}.
     */
    public enum EventCount {
        /** Handed to the writer. */
        HANDED("events", "npflua_events", "Events handed to the event log writer"),
        /** Over the rate limit of their script (or of flows) and type. */
        SUPPRESSED(
                "events_suppressed",
                "npflua_events_suppressed",
                "Events not logged: over the rate limit of their script and event type"),
        /** The worker's queue was full (the writer fell behind): dropped, never waited for. */
        DROPPED("events_dropped", "npflua_events_dropped", "Events not logged: the worker's event queue was full"),
        /** Written by the writer thread. */
        WRITTEN("events_written", "npflua_events_written", "Events written to the event log"),
        /** The writer could not write them (disk full, I/O error). */
        LOST("events_lost", "npflua_events_lost", "Events the event log writer could not write (disk full, I/O error)");

        private final String json;
        private final String metric;
        private final String help;

        EventCount(String json, String metric, String help) {
            this.json = json;
            this.metric = metric;
            this.help = help;
        }

        /** The total's JSON name; a type's counter is {@code TYPE_} + this ({@code flow_events_written}). */
        public String json() {
            return json;
        }

        /** The Prometheus name, labelled by {@code worker} and {@code event_type}. */
        public String metric() {
            return metric;
        }

        /** The Prometheus help text. */
        public String help() {
            return help;
        }
    }

    /** Which of the event log's counts this is, or null for a counter that is not about events. */
    public EventCount eventCount() {
        return eventCount;
    }

    /** The {@code event_type} a per-type event counter counts; null for the totals and all other counters. */
    public String eventType() {
        return eventType;
    }

    /**
     * True for the event totals ({@code events}, {@code events_written}, ...): their value is the sum of their
     * per-type counters, computed when read; they are never written.
     */
    public boolean derived() {
        return eventCount != null && eventType == null;
    }

    /** For a {@link #derived()} counter: the per-type counters it sums (empty for any other). */
    WorkerCounter[] parts() {
        return Parts.OF[ordinal()];
    }

    private static final class Parts {
        static final WorkerCounter[][] OF = new WorkerCounter[values().length][];

        static {
            for (WorkerCounter c : values()) {
                OF[c.ordinal()] = java.util.Arrays.stream(values())
                        .filter(p -> c.derived() && p.eventCount == c.eventCount && p.eventType != null)
                        .toArray(WorkerCounter[]::new);
            }
        }
    }

    /** True for a value that goes up and down (Prometheus gauge, no {@code _total}); false for a counter. */
    public boolean gauge() {
        return gauge;
    }

    /** The field name in JSON (per worker, and at the top level when {@link #total()}). */
    public String json() {
        return json;
    }

    /** The Prometheus name (a counter's exposition adds {@code _total}), labelled by {@code worker}. */
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
