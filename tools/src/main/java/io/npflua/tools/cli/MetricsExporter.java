package io.npflua.tools.cli;

import io.npflua.engine.Engine;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.ScriptCounter;
import io.npflua.engine.counter.ScriptSnapshot;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerSnapshot;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Serves the engine's counters in the Prometheus text format at {@code /metrics} through the official client's HTTP
 * server. Nothing is counted twice: a collector reads one {@link EngineSnapshot} per scrape and turns it into
 * counters labelled by {@code worker} (one per {@link WorkerCounter}, e.g. {@code npflua_frames_total{worker="0"}};
 * the event log's counts by {@code worker} and {@code event_type}: {@code npflua_events_written_total{worker="0",
 * event_type="flow"}}, whose sum over {@code event_type} is the JSON total {@code events_written})
 * and by {@code script} (one per {@link ScriptCounter}: {@code npflua_script_calls_total{script="ssh"}}, the failure
 * kinds as {@code npflua_script_errors_total{script, kind=lua|budget|handler}}, {@code npflua_script_seconds_total}),
 * plus {@code npflua_script_generation{script}}, {@code npflua_errors_total} and
 * {@code npflua_events_writer_restarts_total}. The names and help texts are the
 * counters' own.
 */
final class MetricsExporter implements AutoCloseable {
    private final HTTPServer server;

    private MetricsExporter(HTTPServer server) {
        this.server = server;
    }

    /** Starts serving {@code engine}'s counters on {@code port} (0 = any free port, see {@link #port()}). */
    static MetricsExporter start(Engine engine, int port) {
        return start(engine::stats, port);
    }

    /** Starts serving the snapshots {@code stats} returns. */
    static MetricsExporter start(Supplier<EngineSnapshot> stats, int port) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector(stats));
        try {
            return new MetricsExporter(
                    HTTPServer.builder().port(port).registry(registry).buildAndStart());
        } catch (IOException e) {
            throw new CliFailure(
                    "cannot serve metrics on port " + port,
                    String.valueOf(e.getMessage()),
                    "choose a free port with --metrics-port",
                    ExitCodes.FAILURE,
                    e);
        }
    }

    /** The collector (also used by tests without HTTP). */
    static MultiCollector collector(Supplier<EngineSnapshot> stats) {
        return () -> snapshots(stats.get());
    }

    static MetricSnapshots snapshots(EngineSnapshot s) {
        MetricSnapshots.Builder b = MetricSnapshots.builder();
        // The event counts: one metric per count, told apart by the event_type label (their sum is the total).
        Map<String, CounterSnapshot.Builder> perType = new LinkedHashMap<>();
        for (WorkerCounter c : WorkerCounter.values()) {
            if (c.eventCount() != null) {
                if (c.derived()) {
                    continue;
                }
                CounterSnapshot.Builder m = perType.computeIfAbsent(
                        c.metric(), n -> CounterSnapshot.builder().name(n).help(c.help()));
                for (WorkerSnapshot w : s.workers()) {
                    m.dataPoint(point(w.get(c), "worker", Integer.toString(w.index()), "event_type", c.eventType()));
                }
                continue;
            }
            if (c.gauge()) {
                GaugeSnapshot.Builder g =
                        GaugeSnapshot.builder().name(c.metric()).help(c.help());
                for (WorkerSnapshot w : s.workers()) {
                    g.dataPoint(GaugeDataPointSnapshot.builder()
                            .value(w.get(c))
                            .labels(Labels.of("worker", Integer.toString(w.index())))
                            .build());
                }
                b.metricSnapshot(g.build());
                continue;
            }
            CounterSnapshot.Builder m =
                    CounterSnapshot.builder().name(c.metric()).help(c.help());
            for (WorkerSnapshot w : s.workers()) {
                m.dataPoint(point(w.get(c), "worker", Integer.toString(w.index())));
            }
            b.metricSnapshot(m.build());
        }
        perType.values().forEach(m -> b.metricSnapshot(m.build()));
        // Per script: one metric per name; the failure kinds share one, told apart by the kind label.
        Map<String, CounterSnapshot.Builder> perScript = new LinkedHashMap<>();
        for (ScriptCounter c : ScriptCounter.values()) {
            if (c.metric() == null) {
                continue;
            }
            CounterSnapshot.Builder m = perScript.computeIfAbsent(
                    c.metric(), n -> CounterSnapshot.builder().name(n).help(c.help()));
            for (ScriptSnapshot r : s.scripts()) {
                double value = c == ScriptCounter.TIME_NS ? r.get(c) / 1e9 : r.get(c);
                m.dataPoint(
                        c.kind() == null
                                ? point(value, "script", r.name())
                                : point(value, "script", r.name(), "kind", c.kind()));
            }
        }
        perScript.values().forEach(m -> b.metricSnapshot(m.build()));
        GaugeSnapshot.Builder generation =
                GaugeSnapshot.builder().name("npflua_script_generation").help("1 at load, +1 per reload");
        for (ScriptSnapshot r : s.scripts()) {
            generation.dataPoint(GaugeDataPointSnapshot.builder()
                    .value(r.generation())
                    .labels(Labels.of("script", r.name()))
                    .build());
        }
        b.metricSnapshot(generation.build());
        b.metricSnapshot(CounterSnapshot.builder()
                .name("npflua_errors")
                .help("Script failures over all scripts, including unloaded ones")
                .dataPoint(CounterDataPointSnapshot.builder().value(s.errors()).build())
                .build());
        b.metricSnapshot(CounterSnapshot.builder()
                .name("npflua_events_writer_restarts")
                .help("Times the event log's writer thread died and was run again")
                .dataPoint(CounterDataPointSnapshot.builder()
                        .value(s.eventWriterRestarts())
                        .build())
                .build());
        return b.build();
    }

    private static CounterDataPointSnapshot point(double value, String... labels) {
        return CounterDataPointSnapshot.builder()
                .value(value)
                .labels(Labels.of(labels))
                .build();
    }
    /** The port served. */
    int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
