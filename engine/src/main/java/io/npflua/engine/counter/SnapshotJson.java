package io.npflua.engine.counter;

import io.npflua.engine.json.JsonWriter;

/**
 * Renders an {@link EngineSnapshot} as one JSON object, the shape shared by {@code run --json}, {@code replay --json}
 * and the control socket's {@code stats}:
 *
 * <pre>{@code
 * {"frames":N,"passed":N,"blocked":N,"forwarded":N,"kernel_packets":N,"kernel_drops":N,"freezes":N,
 *  "restarts":N,"errors":N,"elapsed_ns":N,"ns_per_frame":N,"final":true|false,
 *  "scripts":[{"name":"ssh","kind":"lua","entry":"filter","on_error":"pass","generation":1,"errors":N,"calls":N,
 *              "passed":N,"blocked":N,"lua_errors":N,"budget_errors":N,"handler_errors":N,"time_ns":N,
 *              "last_error":"..."|null}],
 *  "workers":[{"index":0,"state":"running","frames":N,"passed":N,"blocked":N,"forwarded":N,"forward_failed":N,
 *              "output_errors":N,"kernel_packets":N,"kernel_drops":N,"freezes":N,"restarts":N,"aborted":N,
 *              "chain_swaps":N,"source_errors":N}]}
 * }</pre>
 * {@code ns_per_frame} is omitted before the first frame. The counter fields are {@link WorkerCounter} and
 * {@link ScriptCounter} in their order; a counter added there appears here without a change.
 */
public final class SnapshotJson {
    private SnapshotJson() {}

    /** The snapshot as compact JSON. */
    public static String render(EngineSnapshot s) {
        JsonWriter w = new JsonWriter();
        write(s, w);
        return w.toString();
    }

    /**
     * Writes the snapshot object into {@code w} (as a value: call {@code w.name(..)} first inside an object): the
     * totals of the {@link WorkerCounter}s marked as totals, then one object per script and per worker, each a loop
     * over its counter list.
     */
    public static void write(EngineSnapshot s, JsonWriter w) {
        w.beginObject();
        for (WorkerCounter c : WorkerCounter.values()) {
            if (c.total()) {
                w.field(c.json(), s.total(c));
            }
        }
        w.field("errors", s.errors()).field("elapsed_ns", s.elapsedNs());
        if (s.nsPerFrame() >= 0) {
            w.field("ns_per_frame", s.nsPerFrame());
        }
        w.field("final", s.final_());
        w.name("scripts").beginArray();
        for (ScriptSnapshot r : s.scripts()) {
            w.beginObject()
                    .field("name", r.name())
                    .field("kind", r.kind())
                    .field("entry", r.entry())
                    .field("on_error", r.onError())
                    .field("generation", r.generation())
                    .field("errors", r.errors());
            for (ScriptCounter c : ScriptCounter.values()) {
                if (c.json() != null) {
                    w.field(c.json(), r.get(c));
                }
            }
            w.field("last_error", r.lastError()).endObject();
        }
        w.endArray();
        w.name("workers").beginArray();
        for (WorkerSnapshot k : s.workers()) {
            w.beginObject().field("index", k.index()).field("state", k.state());
            for (WorkerCounter c : WorkerCounter.values()) {
                w.field(c.json(), k.get(c));
            }
            w.endObject();
        }
        w.endArray();
        w.endObject();
    }
}
