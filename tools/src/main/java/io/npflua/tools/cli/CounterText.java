package io.npflua.tools.cli;

import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.ScriptCounter;
import io.npflua.engine.counter.SnapshotJson;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.json.Json;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counters for people: a totals line, a source line, a table of scripts and, with several workers, a table of
 * workers. Works on the JSON form ({@link SnapshotJson}), so the local engine's counters and those read over the
 * control socket print alike. {@code ns_per_frame} (wall time ÷ frames) is kept for offline runs only.
 */
final class CounterText {
    private CounterText() {}

    /** A snapshot's JSON form as counted offline (replay, demo): with {@code ns_per_frame}. */
    static Map<String, Object> offline(EngineSnapshot snapshot) {
        try {
            return Json.parseObject(SnapshotJson.render(snapshot));
        } catch (Json.JsonException e) {
            throw new IllegalStateException("SnapshotJson wrote invalid JSON: " + e.getMessage(), e);
        }
    }

    /** A snapshot's JSON form as counted live: {@code ns_per_frame} left out (wall time ÷ frames means nothing there). */
    static Map<String, Object> live(EngineSnapshot snapshot) {
        return live(offline(snapshot));
    }

    /** {@code stats} (a snapshot's JSON form) without {@code ns_per_frame}, for a live engine. */
    static Map<String, Object> live(Map<String, Object> stats) {
        Map<String, Object> copy = new LinkedHashMap<>(stats);
        copy.remove("ns_per_frame");
        return copy;
    }

    /**
     * Prints {@code stats} (the JSON form of a snapshot). Offline the second line counts the records read and the
     * time per frame; live it shows what the kernel counted and dropped, and ring freezes.
     */
    @SuppressWarnings("unchecked")
    static void print(Map<String, Object> stats, boolean offline, PrintWriter out) {
        long frames = JsonValues.number(stats, WorkerCounter.SEEN.json());
        StringBuilder head = new StringBuilder();
        head.append(frames)
                .append(" frames: ")
                .append(JsonValues.number(stats, WorkerCounter.PASSED.json()))
                .append(" passed, ")
                .append(JsonValues.number(stats, WorkerCounter.BLOCKED.json()))
                .append(" blocked, ")
                .append(JsonValues.number(stats, "errors"))
                .append(" script errors");
        long forwarded = JsonValues.number(stats, WorkerCounter.FORWARDED.json());
        if (forwarded > 0) {
            head.append(", ").append(forwarded).append(" forwarded");
        }
        out.println(head);
        long elapsedNs = JsonValues.number(stats, "elapsed_ns");
        String source = offline
                ? "read: " + JsonValues.number(stats, WorkerCounter.KERNEL_PACKETS.json()) + " records"
                : "kernel: " + JsonValues.number(stats, WorkerCounter.KERNEL_PACKETS.json()) + " packets, "
                        + JsonValues.number(stats, WorkerCounter.KERNEL_DROPS.json()) + " dropped, "
                        + JsonValues.number(stats, WorkerCounter.FREEZES.json())
                        + " ring freezes";
        out.println(source + "; " + JsonValues.number(stats, WorkerCounter.RESTARTS.json()) + " worker restarts; "
                + duration(elapsedNs)
                + (offline && stats.containsKey("ns_per_frame")
                        ? ", " + JsonValues.number(stats, "ns_per_frame") + " ns/frame"
                        : ""));
        events(stats, out);
        List<Object> scripts = (List<Object>) stats.getOrDefault("scripts", List.of());
        if (!scripts.isEmpty()) {
            int width = 6;
            for (Object o : scripts) {
                width = Math.max(
                        width, JsonValues.text((Map<String, Object>) o, "name").length());
            }
            String fmt = "%-" + width + "s %12s %12s %12s %8s  %s%n";
            out.printf(fmt, "script", "calls", "passed", "blocked", "errors", "last error");
            for (Object o : scripts) {
                Map<String, Object> s = (Map<String, Object>) o;
                Object last = s.get("last_error");
                out.printf(
                        fmt,
                        JsonValues.text(s, "name"),
                        JsonValues.number(s, ScriptCounter.CALLS.json()),
                        JsonValues.number(s, ScriptCounter.PASSED.json()),
                        JsonValues.number(s, ScriptCounter.BLOCKED.json()),
                        JsonValues.number(s, "errors"),
                        last == null ? "" : last);
            }
            for (Object o : scripts) {
                Map<String, Object> s = (Map<String, Object>) o;
                List<Object> reasons = (List<Object>) s.getOrDefault("top_reasons", List.of());
                long others = JsonValues.number(s, "other_reasons");
                if (!reasons.isEmpty() || others > 0) {
                    out.println("reasons of " + JsonValues.text(s, "name") + ":");
                    for (Object r : reasons) {
                        Map<String, Object> reason = (Map<String, Object>) r;
                        out.printf(
                                "  %12d  %s%n", JsonValues.number(reason, "count"), JsonValues.text(reason, "reason"));
                    }
                    if (others > 0) {
                        out.printf("  %12d  (other reasons)%n", others);
                    }
                }
            }
        }
        List<Object> workers = (List<Object>) stats.getOrDefault("workers", List.of());
        if (workers.size() > 1) {
            String fmt = "%-6s %-10s %12s %12s %12s %12s%n";
            out.printf(fmt, "worker", "state", "frames", "passed", "blocked", "kernel drops");
            for (Object o : workers) {
                Map<String, Object> w = (Map<String, Object>) o;
                out.printf(
                        fmt,
                        JsonValues.number(w, "index"),
                        JsonValues.text(w, "state"),
                        JsonValues.number(w, WorkerCounter.SEEN.json()),
                        JsonValues.number(w, WorkerCounter.PASSED.json()),
                        JsonValues.number(w, WorkerCounter.BLOCKED.json()),
                        JsonValues.number(w, WorkerCounter.KERNEL_DROPS.json()));
            }
        }
        out.flush();
    }

    /**
     * With an event log: one line per event type that had any, {@code events drop: 1200 written, 0 lost, 998800
     * suppressed, 0 dropped} (written + lost = handed over; suppressed and dropped were never handed over).
     */
    private static void events(Map<String, Object> stats, PrintWriter out) {
        Map<String, long[]> byType = new LinkedHashMap<>();
        for (WorkerCounter c : WorkerCounter.values()) {
            if (c.eventType() != null && stats.get(c.json()) instanceof Number n) {
                byType.computeIfAbsent(c.eventType(), t -> new long[WorkerCounter.EventCount.values().length])[
                                c.eventCount().ordinal()] =
                        n.longValue();
            }
        }
        long restarts = JsonValues.number(stats, SnapshotJson.EVENTS_WRITER_RESTARTS);
        if (restarts > 0) {
            out.println("event log writer: " + restarts + " restarts (its thread died; see the reports above)");
        }
        byType.forEach((type, v) -> {
            if (Arrays.stream(v).anyMatch(x -> x != 0)) {
                out.println("events " + type + ": " + v[WorkerCounter.EventCount.WRITTEN.ordinal()] + " written, "
                        + v[WorkerCounter.EventCount.LOST.ordinal()] + " lost, "
                        + v[WorkerCounter.EventCount.SUPPRESSED.ordinal()] + " suppressed, "
                        + v[WorkerCounter.EventCount.DROPPED.ordinal()] + " dropped (queue full)");
            }
        });
    }

    /** {@code 1.234 s}, {@code 12.3 ms} or {@code 456 µs}. */
    static String duration(long ns) {
        if (ns >= 1_000_000_000L) {
            return String.format("%.3f s", ns / 1e9);
        }
        if (ns >= 1_000_000L) {
            return String.format("%.1f ms", ns / 1e6);
        }
        return (ns / 1000) + " µs";
    }
}
