package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.ScriptSnapshot;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Prometheus endpoint: per-worker and per-script counters from one snapshot per scrape. */
class MetricsExporterTest {
    private static EngineSnapshot snapshot() {
        return new EngineSnapshot(2_000_000, false,
                List.of(new WorkerSnapshot(0, "running", new long[] {10, 7, 3, 0, 0, 0, 12, 2, 1, 0, 0, 1, 0}),
                        new WorkerSnapshot(1, "running", new long[] {5, 5, 0, 0, 0, 0, 5, 0, 0, 1, 0, 1, 3})),
                List.of(new ScriptSnapshot("ssh", "lua", "filter", "pass", 2,
                        new long[] {15, 11, 3, 1, 0, 0, 1_500_000_000L, 64}, null)),
                4);
    }

    @Test
    void shouldServeCountersPerWorkerAndPerScriptOverHttp() throws Exception {
        try (MetricsExporter m = MetricsExporter.start(MetricsExporterTest::snapshot, 0)) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + m.port() + "/metrics")).build(),
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
            assertTrue(body.contains("# HELP npflua_blocked_total Frames a rule blocked"), body);
            assertTrue(body.contains("npflua_source_errors_total{worker=\"1\"} 3.0"), body);
            for (WorkerCounter c : WorkerCounter.values()) {
                assertTrue(body.contains("# HELP " + c.metric() + "_total " + c.help()), c + " exported: " + body);
            }
            assertTrue(body.contains("npflua_script_errors_total{kind=\"budget\",script=\"ssh\"} 0.0"), body);
            // 64 timed calls: a value no exported counter has (worker 0's kernel_packets is 12).
            assertTrue(!body.contains("timed_calls") && !body.contains(" 64.0"), "the timing sample is not exported");
        }
    }

    @Test
    void shouldExplainAPortInUse() throws Exception {
        try (MetricsExporter first = MetricsExporter.start(MetricsExporterTest::snapshot, 0)) {
            CliFailure f = org.junit.jupiter.api.Assertions.assertThrows(CliFailure.class,
                    () -> MetricsExporter.start(MetricsExporterTest::snapshot, first.port()));
            assertTrue(f.getMessage().contains("choose a free port with --metrics-port"), f.getMessage());
        }
    }
}
