package io.npflua.engine.counter;

import io.npflua.engine.json.JsonWriter;

/**
 * Renders an {@link EngineSnapshot} as one JSON object, the shape shared by {@code run --json}, {@code replay --json}
 * and the control socket's {@code stats}:
 *
 * <pre>{@code
 * {"frames":N,"passed":N,"blocked":N,"errors":N,"forwarded":N,"kernel_packets":N,"kernel_drops":N,"freezes":N,
 *  "restarts":N,"elapsed_ns":N,"ns_per_frame":N,"final":true|false,
 *  "scripts":[{"name":"ssh","kind":"lua","entry":"filter","on_error":"pass","generation":1,"calls":N,"passed":N,
 *              "blocked":N,"errors":N,"lua_errors":N,"budget_errors":N,"handler_errors":N,"time_ns":N,
 *              "last_error":"..."|null}],
 *  "workers":[{"index":0,"state":"running","frames":N,"passed":N,"blocked":N,"forwarded":N,"forward_failed":N,
 *              "output_errors":N,"kernel_packets":N,"kernel_drops":N,"freezes":N,"restarts":N,"aborted":N,
 *              "chain_swaps":N,"source_errors":N}]}
 * }</pre>
 * {@code ns_per_frame} is omitted before the first frame.
 */
public final class SnapshotJson {
    private SnapshotJson() {
    }

    /** The snapshot as compact JSON. */
    public static String render(EngineSnapshot s) {
        JsonWriter w = new JsonWriter();
        write(s, w);
        return w.toString();
    }

    /** Writes the snapshot object into {@code w} (as a value: call {@code w.name(..)} first inside an object). */
    public static void write(EngineSnapshot s, JsonWriter w) {
        w.beginObject()
                .field("frames", s.frames())
                .field("passed", s.passed())
                .field("blocked", s.blocked())
                .field("errors", s.errors())
                .field("forwarded", s.forwarded())
                .field("kernel_packets", s.kernelPackets())
                .field("kernel_drops", s.kernelDrops())
                .field("freezes", s.freezes())
                .field("restarts", s.restarts())
                .field("elapsed_ns", s.elapsedNs());
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
                    .field("calls", r.calls())
                    .field("passed", r.passed())
                    .field("blocked", r.blocked())
                    .field("errors", r.errors())
                    .field("lua_errors", r.luaErrors())
                    .field("budget_errors", r.budgetErrors())
                    .field("handler_errors", r.handlerErrors())
                    .field("time_ns", r.timeNs())
                    .field("last_error", r.lastError())
                    .endObject();
        }
        w.endArray();
        w.name("workers").beginArray();
        for (WorkerSnapshot k : s.workers()) {
            w.beginObject()
                    .field("index", k.index())
                    .field("state", k.state())
                    .field("frames", k.seen())
                    .field("passed", k.passed())
                    .field("blocked", k.blocked())
                    .field("forwarded", k.forwarded())
                    .field("forward_failed", k.forwardFailed())
                    .field("output_errors", k.outputErrors())
                    .field("kernel_packets", k.kernelPackets())
                    .field("kernel_drops", k.kernelDrops())
                    .field("freezes", k.freezes())
                    .field("restarts", k.restarts())
                    .field("aborted", k.aborted())
                    .field("chain_swaps", k.chainSwaps())
                    .field("source_errors", k.sourceErrors())
                    .endObject();
        }
        w.endArray();
        w.endObject();
    }
}
