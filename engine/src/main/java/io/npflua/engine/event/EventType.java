package io.npflua.engine.event;

/** The kinds of event records, with their {@code event_type} in the log (eve.json's where the meaning matches). */
enum EventType {
    /** A frame a rule blocked (eve's {@code drop}, with an {@code alert} object whose action is {@code blocked}). */
    DROP("drop"),
    /** A script's {@code alert(message, fields)} (eve's {@code alert}, action {@code allowed}: it decided nothing). */
    ALERT("alert"),
    /** A script's call failed (npflua's own; reported at most once a second per script and worker). */
    SCRIPT_ERROR("script_error"),
    /** A flow ended (idle past its timeout, evicted from a full table): eve's {@code flow} record. */
    FLOW("flow");

    private final String json;

    EventType(String json) {
        this.json = json;
    }

    /** The {@code event_type} value. */
    public String json() {
        return json;
    }
}
