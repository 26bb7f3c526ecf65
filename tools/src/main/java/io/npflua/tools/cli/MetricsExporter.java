package io.npflua.tools.cli;

import io.npflua.engine.Engine;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.ScriptSnapshot;
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
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Serves the engine's counters in the Prometheus text format at {@code /metrics} through the official client's HTTP
 * server. Nothing is counted twice: a collector reads one {@link EngineSnapshot} per scrape and turns it into
 * counters labelled by {@code worker} and by {@code script}.
 *
 * <pre>
 * npflua_frames_total{worker="0"}             npflua_script_calls_total{script="ssh"}
 * npflua_passed_total / _blocked_total / _forwarded_total / _kernel_packets_total / _kernel_drops_total /
 * _ring_freezes_total / _worker_restarts_total {worker}
 * npflua_script_passed_total / _blocked_total {script}, npflua_script_errors_total{script, kind=lua|budget|handler},
 * npflua_script_seconds_total{script}, npflua_script_generation{script}, npflua_errors_total
 * </pre>
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
            return new MetricsExporter(HTTPServer.builder().port(port).registry(registry).buildAndStart());
        } catch (IOException e) {
            throw new CliFailure("cannot serve metrics on port " + port, String.valueOf(e.getMessage()),
                    "choose a free port with --metrics-port", ExitCodes.FAILURE, e);
        }
    }

    /** The collector (also used by tests without HTTP). */
    static MultiCollector collector(Supplier<EngineSnapshot> stats) {
        return () -> snapshots(stats.get());
    }

    static MetricSnapshots snapshots(EngineSnapshot s) {
        MetricSnapshots.Builder b = MetricSnapshots.builder();
        List<WorkerSnapshot> ws = s.workers();
        b.metricSnapshot(perWorker("npflua_frames", "Frames seen by the rule chain", ws, WorkerSnapshot::seen));
        b.metricSnapshot(perWorker("npflua_passed", "Frames every rule passed", ws, WorkerSnapshot::passed));
        b.metricSnapshot(perWorker("npflua_blocked", "Frames a rule blocked", ws, WorkerSnapshot::blocked));
        b.metricSnapshot(perWorker("npflua_forwarded", "Passed frames sent out of the other interface (bridge)", ws,
                WorkerSnapshot::forwarded));
        b.metricSnapshot(perWorker("npflua_kernel_packets", "Packets the kernel counted (including drops)", ws,
                WorkerSnapshot::kernelPackets));
        b.metricSnapshot(perWorker("npflua_kernel_drops", "Packets the kernel dropped", ws,
                WorkerSnapshot::kernelDrops));
        b.metricSnapshot(perWorker("npflua_ring_freezes", "Times the kernel froze a ring", ws,
                WorkerSnapshot::freezes));
        b.metricSnapshot(perWorker("npflua_worker_restarts", "Times a worker crashed and was restarted", ws,
                WorkerSnapshot::restarts));
        b.metricSnapshot(perWorker("npflua_output_errors", "Failures writing outputs or forwarding", ws,
                WorkerSnapshot::outputErrors));

        List<ScriptSnapshot> ss = s.scripts();
        b.metricSnapshot(perScript("npflua_script_calls", "Calls of the script", ss, ScriptSnapshot::calls));
        b.metricSnapshot(perScript("npflua_script_passed", "Frames the script passed", ss, ScriptSnapshot::passed));
        b.metricSnapshot(perScript("npflua_script_blocked", "Frames the script blocked", ss,
                ScriptSnapshot::blocked));
        CounterSnapshot.Builder errors = CounterSnapshot.builder().name("npflua_script_errors")
                .help("Script failures by kind (lua error, instruction budget, Java handler exception)");
        for (ScriptSnapshot r : ss) {
            errors.dataPoint(point(r.luaErrors(), "script", r.name(), "kind", "lua"));
            errors.dataPoint(point(r.budgetErrors(), "script", r.name(), "kind", "budget"));
            errors.dataPoint(point(r.handlerErrors(), "script", r.name(), "kind", "handler"));
        }
        b.metricSnapshot(errors.build());
        CounterSnapshot.Builder seconds = CounterSnapshot.builder().name("npflua_script_seconds")
                .help("Estimated time spent in the script (sampled)");
        GaugeSnapshot.Builder generation = GaugeSnapshot.builder().name("npflua_script_generation")
                .help("1 at load, +1 per reload");
        for (ScriptSnapshot r : ss) {
            seconds.dataPoint(CounterDataPointSnapshot.builder().value(r.timeNs() / 1e9)
                    .labels(Labels.of("script", r.name())).build());
            generation.dataPoint(GaugeDataPointSnapshot.builder().value(r.generation())
                    .labels(Labels.of("script", r.name())).build());
        }
        b.metricSnapshot(seconds.build());
        b.metricSnapshot(generation.build());
        b.metricSnapshot(CounterSnapshot.builder().name("npflua_errors")
                .help("Script failures over all scripts, including unloaded ones")
                .dataPoint(CounterDataPointSnapshot.builder().value(s.errors()).build()).build());
        return b.build();
    }

    private static CounterSnapshot perWorker(String name, String help, List<WorkerSnapshot> ws,
                                             ToLongFunction<WorkerSnapshot> value) {
        CounterSnapshot.Builder c = CounterSnapshot.builder().name(name).help(help);
        for (WorkerSnapshot w : ws) {
            c.dataPoint(point(value.applyAsLong(w), "worker", Integer.toString(w.index())));
        }
        return c.build();
    }

    private static CounterSnapshot perScript(String name, String help, List<ScriptSnapshot> ss,
                                             ToLongFunction<ScriptSnapshot> value) {
        CounterSnapshot.Builder c = CounterSnapshot.builder().name(name).help(help);
        for (ScriptSnapshot r : ss) {
            c.dataPoint(point(value.applyAsLong(r), "script", r.name()));
        }
        return c.build();
    }

    private static CounterDataPointSnapshot point(long value, String... labels) {
        return CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
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
