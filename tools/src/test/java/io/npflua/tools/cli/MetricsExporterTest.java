package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.ScriptCounter;
import io.npflua.engine.counter.ScriptSnapshot;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Prometheus endpoint: per-worker and per-script counters from one snapshot per scrape. */
class MetricsExporterTest {
    private static EngineSnapshot snapshot() {
        return new EngineSnapshot(
                2_000_000,
                false,
                List.of(
                        WorkerSnapshot.of(
                                0,
                                "running",
                                Map.of(
                                        WorkerCounter.SEEN,
                                        10L,
                                        WorkerCounter.PASSED,
                                        7L,
                                        WorkerCounter.BLOCKED,
                                        3L,
                                        WorkerCounter.KERNEL_PACKETS,
                                        12L,
                                        WorkerCounter.KERNEL_DROPS,
                                        2L,
                                        WorkerCounter.FREEZES,
                                        1L,
                                        WorkerCounter.CHAIN_SWAPS,
                                        1L)),
                        WorkerSnapshot.of(
                                1,
                                "running",
                                Map.of(
                                        WorkerCounter.SEEN,
                                        5L,
                                        WorkerCounter.PASSED,
                                        5L,
                                        WorkerCounter.KERNEL_PACKETS,
                                        5L,
                                        WorkerCounter.RESTARTS,
                                        1L,
                                        WorkerCounter.CHAIN_SWAPS,
                                        1L,
                                        WorkerCounter.SOURCE_ERRORS,
                                        3L,
                                        WorkerCounter.FLOW_EVENTS_WRITTEN,
                                        4L,
                                        WorkerCounter.DROP_EVENTS_SUPPRESSED,
                                        6L))),
                List.of(ScriptSnapshot.of(
                        "ssh",
                        "lua",
                        "filter",
                        "pass",
                        2,
                        Map.of(
                                ScriptCounter.CALLS,
                                15L,
                                ScriptCounter.PASSED,
                                11L,
                                ScriptCounter.BLOCKED,
                                3L,
                                ScriptCounter.LUA_ERRORS,
                                1L,
                                ScriptCounter.TIME_NS,
                                1_500_000_000L,
                                ScriptCounter.TIMED_CALLS,
                                777L),
                        null)),
                4,
                2);
    }

    @Test
    void shouldServeCountersPerWorkerAndPerScriptOverHttp() throws Exception {
        try (MetricsExporter m = MetricsExporter.start(MetricsExporterTest::snapshot, 0)) {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.port() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            String body = r.body();
            assertTrue(body.contains("npflua_frames_total{worker=\"0\"} 10.0"), body);
            assertTrue(body.contains("npflua_frames_total{worker=\"1\"} 5.0"), body);
            assertTrue(body.contains("npflua_kernel_drops_total{worker=\"0\"} 2.0"), body);
            assertTrue(body.contains("npflua_worker_restarts_total{worker=\"1\"} 1.0"), body);
            assertTrue(body.contains("npflua_script_calls_total{script=\"ssh\"} 15.0"), body);
            assertTrue(body.contains("npflua_script_errors_total{kind=\"lua\",script=\"ssh\"} 1.0"), body);
            assertTrue(body.contains("npflua_script_seconds_total{script=\"ssh\"} 1.5"), body);
            assertTrue(body.contains("npflua_script_generation{script=\"ssh\"} 2.0"), body);
            assertTrue(body.contains("npflua_errors_total 5.0"), "unloaded rules' errors count too: " + body);
            assertTrue(body.contains("npflua_events_writer_restarts_total 2.0"), body);
            assertTrue(body.contains("# HELP npflua_blocked_total Frames a rule blocked"), body);
            assertTrue(body.contains("npflua_source_errors_total{worker=\"1\"} 3.0"), body);
            // Each event type its own series of each count; the totals are their sums, not series of their own.
            assertTrue(body.contains("npflua_events_written_total{event_type=\"flow\",worker=\"1\"} 4.0"), body);
            assertTrue(body.contains("npflua_events_written_total{event_type=\"drop\",worker=\"1\"} 0.0"), body);
            assertTrue(body.contains("npflua_events_suppressed_total{event_type=\"drop\",worker=\"1\"} 6.0"), body);
            assertTrue(!body.contains("npflua_events_written_total{worker="), "no unlabelled total: " + body);
            for (WorkerCounter c : WorkerCounter.values()) {
                if (c.derived()) {
                    continue;
                }
                // Counters get _total; gauges (flows in the table now) do not, and say they are gauges.
                String name = c.gauge() ? c.metric() : c.metric() + "_total";
                assertTrue(body.contains("# HELP " + name + " " + c.help()), c + " exported: " + body);
                assertTrue(
                        body.contains("# TYPE " + name + (c.gauge() ? " gauge" : " counter")), c + " typed: " + body);
            }
            assertTrue(body.contains("npflua_script_errors_total{kind=\"budget\",script=\"ssh\"} 0.0"), body);
            assertTrue(!body.contains("timed_calls") && !body.contains(" 777.0"), "the timing sample is not exported");
        }
    }

    @Test
    void shouldExplainAPortInUse() throws Exception {
        try (MetricsExporter first = MetricsExporter.start(MetricsExporterTest::snapshot, 0)) {
            CliFailure f = org.junit.jupiter.api.Assertions.assertThrows(
                    CliFailure.class, () -> MetricsExporter.start(MetricsExporterTest::snapshot, first.port()));
            assertTrue(f.getMessage().contains("choose a free port with --metrics-port"), f.getMessage());
        }
    }
}
