package io.npflua.engine.event;

import io.npflua.engine.counter.WorkerCounter;

/**
 * The kinds of event records, with their {@code event_type} in the log (eve.json's where the meaning matches) and
 * their own counters (handed over, suppressed, dropped, written, lost).
 */
enum EventType {
    /** A frame a rule blocked (eve's {@code drop}, with an {@code alert} object whose action is {@code blocked}). */
    DROP(
            "drop",
            WorkerCounter.DROP_EVENTS,
            WorkerCounter.DROP_EVENTS_SUPPRESSED,
            WorkerCounter.DROP_EVENTS_DROPPED,
            WorkerCounter.DROP_EVENTS_WRITTEN,
            WorkerCounter.DROP_EVENTS_LOST),
    /** A script's {@code alert(message, fields)} (eve's {@code alert}, action {@code allowed}: it decided nothing). */
    ALERT(
            "alert",
            WorkerCounter.ALERT_EVENTS,
            WorkerCounter.ALERT_EVENTS_SUPPRESSED,
            WorkerCounter.ALERT_EVENTS_DROPPED,
            WorkerCounter.ALERT_EVENTS_WRITTEN,
            WorkerCounter.ALERT_EVENTS_LOST),
    /** A script's call failed (npflua's own; reported at most once a second per script and worker). */
    SCRIPT_ERROR(
            "script_error",
            WorkerCounter.SCRIPT_ERROR_EVENTS,
            WorkerCounter.SCRIPT_ERROR_EVENTS_SUPPRESSED,
            WorkerCounter.SCRIPT_ERROR_EVENTS_DROPPED,
            WorkerCounter.SCRIPT_ERROR_EVENTS_WRITTEN,
            WorkerCounter.SCRIPT_ERROR_EVENTS_LOST),
    /** A flow ended (idle past its timeout, evicted from a full table): eve's {@code flow} record. */
    FLOW(
            "flow",
            WorkerCounter.FLOW_EVENTS,
            WorkerCounter.FLOW_EVENTS_SUPPRESSED,
            WorkerCounter.FLOW_EVENTS_DROPPED,
            WorkerCounter.FLOW_EVENTS_WRITTEN,
            WorkerCounter.FLOW_EVENTS_LOST);

    private final String json;
    /** Handed to the writer. */
    final WorkerCounter handed;
    /** Over the rate limit. */
    final WorkerCounter suppressed;
    /** The queue was full. */
    final WorkerCounter dropped;
    /** Written by the writer. */
    final WorkerCounter written;
    /** The writer could not write them. */
    final WorkerCounter lost;

    EventType(
            String json,
            WorkerCounter handed,
            WorkerCounter suppressed,
            WorkerCounter dropped,
            WorkerCounter written,
            WorkerCounter lost) {
        this.json = json;
        this.handed = handed;
        this.suppressed = suppressed;
        this.dropped = dropped;
        this.written = written;
        this.lost = lost;
    }

    /** The {@code event_type} value. */
    public String json() {
        return json;
    }
}
