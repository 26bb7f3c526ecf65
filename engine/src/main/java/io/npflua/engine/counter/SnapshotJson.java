package io.npflua.engine.counter;

import io.npflua.engine.json.Json;
import tools.jackson.core.JsonGenerator;

/**
 * Renders an {@link EngineSnapshot} as one JSON object, the shape shared by {@code run --json}, {@code replay --json}
 * and the control socket's {@code stats}:
 *
 * <pre>{@code
 * {"frames":N,"passed":N,"blocked":N,"forwarded":N,"kernel_packets":N,"kernel_drops":N,"freezes":N,
 *  "restarts":N,"errors":N,"events_writer_restarts":N,"elapsed_ns":N,"ns_per_frame":N,"final":true|false,
 *  "scripts":[{"name":"ssh","kind":"lua","entry":"filter","on_error":"pass","generation":1,"errors":N,"calls":N,
 *              "passed":N,"blocked":N,"lua_errors":N,"budget_errors":N,"handler_errors":N,"time_ns":N,
 *              "last_error":"..."|null,"top_reasons":[{"reason":"...","count":N}],
 *              "other_reasons":N}],
 *  "workers":[{"index":0,"state":"running","frames":N,"passed":N,"blocked":N,"forwarded":N,"forward_failed":N,
 *              "output_errors":N,"kernel_packets":N,"kernel_drops":N,"freezes":N,"restarts":N,"aborted":N,
 *              "chain_swaps":N,"source_errors":N}]}
 * }</pre>
 * {@code ns_per_frame} is omitted before the first frame. The counter fields are {@link WorkerCounter} and
 * {@link ScriptCounter} in their order; a counter added there appears here without a change.
 */
public final class SnapshotJson {
    /** The top-level field of {@link EngineSnapshot#eventWriterRestarts()}. */
    public static final String EVENTS_WRITER_RESTARTS = "events_writer_restarts";

    private SnapshotJson() {}

    /** The snapshot as compact JSON. */
    public static String render(EngineSnapshot s) {
        return Json.write(g -> write(s, g));
    }

    /**
     * Writes the snapshot object into {@code g} (as a value: call {@code g.writeName(..)} first inside an object):
     * the totals of the {@link WorkerCounter}s marked as totals, then one object per script and per worker, each a
     * loop over its counter list.
     */
    public static void write(EngineSnapshot s, JsonGenerator g) {
        g.writeStartObject();
        for (WorkerCounter c : WorkerCounter.values()) {
            if (c.total()) {
                g.writeNumberProperty(c.json(), s.total(c));
            }
        }
        g.writeNumberProperty("errors", s.errors());
        g.writeNumberProperty(EVENTS_WRITER_RESTARTS, s.eventWriterRestarts());
        g.writeNumberProperty("elapsed_ns", s.elapsedNs());
        if (s.nsPerFrame() >= 0) {
            g.writeNumberProperty("ns_per_frame", s.nsPerFrame());
        }
        g.writeBooleanProperty("final", s.final_());
        g.writeName("scripts");
        g.writeStartArray();
        for (ScriptSnapshot r : s.scripts()) {
            g.writeStartObject();
            g.writeStringProperty("name", r.name());
            g.writeStringProperty("kind", r.kind());
            g.writeStringProperty("entry", r.entry());
            g.writeStringProperty("on_error", r.onError());
            g.writeNumberProperty("generation", r.generation());
            g.writeNumberProperty("errors", r.errors());
            for (ScriptCounter c : ScriptCounter.values()) {
                if (c.json() != null) {
                    g.writeNumberProperty(c.json(), r.get(c));
                }
            }
            g.writeStringProperty("last_error", r.lastError());
            g.writeName("top_reasons");
            g.writeStartArray();
            for (ReasonCounts.ReasonCount reason : r.topReasons()) {
                g.writeStartObject();
                g.writeStringProperty("reason", reason.reason());
                g.writeNumberProperty("count", reason.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberProperty("other_reasons", r.otherReasons());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeName("workers");
        g.writeStartArray();
        for (WorkerSnapshot k : s.workers()) {
            g.writeStartObject();
            g.writeNumberProperty("index", k.index());
            g.writeStringProperty("state", k.state());
            for (WorkerCounter c : WorkerCounter.values()) {
                g.writeNumberProperty(c.json(), k.get(c));
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
