package io.npflua.tools.cli;

import io.npflua.engine.Engine;
import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.bridge.BridgePorts;
import io.npflua.engine.bridge.OffloadPolicy;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.flow.FlowTracking;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.ffm.socket.FanoutMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code npflua run}: live capture on interfaces (tap) or between two (inline bridge), with scripts from the command
 * line, a Lua configuration and a rules directory; a control socket for runtime changes; SIGHUP reads the rule list
 * again ({@link RuleSync}) and reopens the event log; Prometheus metrics; final counters at exit (also on
 * SIGINT/SIGTERM).
 *
 * <p>Everything is validated before the first frame: interfaces (through the source factory), scripts (compiled and
 * their top-level chunks run), outputs (writable), then the engine starts.
 */
@Command(
        name = "run",
        description = {
            "Capture on interfaces (or bridge two) and run scripts on every frame.",
            "Stops on Ctrl-C / SIGTERM, after -c frames or --duration seconds, and prints the final counters."
        })
final class RunCommand extends BaseCommand {
    @Option(
            names = {"-i", "--interface"},
            paramLabel = "IFACE",
            description = "Capture on IFACE (repeatable).")
    List<String> interfaces = new ArrayList<>();

    @Option(
            names = "--bridge",
            paramLabel = "IFACE_A,IFACE_B",
            converter = Options.BridgeConverter.class,
            description = "Inline bridge: frames that pass go from A out of B and back; blocked frames do not.")
    Options.Bridge bridge;

    @Option(
            names = "--offloads",
            paramLabel = "auto|off|leave",
            converter = Options.OffloadsConverter.class,
            description = "Bridge: GSO/GRO super-frames. auto (default): forwarded whole with vnet headers where the"
                    + " kernel can, else receive offloads turned off for the run; off: always turn them off for the"
                    + " run (restored on exit); leave: never touch them.")
    OffloadPolicy offloads;

    @Mixin
    Options.Scripts scripts;

    @Mixin
    Options.Workers workers;

    @Mixin
    Options.Flows flows;

    @Option(
            names = "--fanout",
            paramLabel = "hash|lb|cpu|qm|rollover",
            converter = Options.FanoutConverter.class,
            description = "How the kernel spreads frames over workers (default hash: a flow stays on one worker).")
    FanoutMode fanout;

    @Option(
            names = {"-c", "--count"},
            paramLabel = "N",
            description = "Stop after N frames.")
    Long count;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds.")
    Double duration;

    @Option(names = "-w", paramLabel = "FILE.pcap", description = "Write passed frames here.")
    Path passedPcap;

    @Option(names = "--write-blocked", paramLabel = "FILE.pcap", description = "Write blocked frames here.")
    Path blockedPcap;

    @Option(
            names = "--snaplen",
            paramLabel = "BYTES",
            description = "Bytes captured per frame (default: whole" + " frames).")
    Integer snapLength;

    @Option(
            names = "--bpf",
            paramLabel = "EXPR",
            description = "Kernel prefilter in tcpdump syntax; frames it" + " rejects never reach the scripts.")
    String bpf;

    @Mixin
    Options.Warmup warmup;

    @Mixin
    Options.Control control;

    @Option(names = "--no-control", description = "Do not open a control socket.")
    boolean noControl;

    @Option(
            names = "--config",
            paramLabel = "FILE.lua",
            description = "Lua configuration (see docs/config.md);" + " command-line options override it.")
    Path config;

    @Option(
            names = "--rules-dir",
            paramLabel = "DIR",
            description = "Load every *.lua in DIR at start, in file" + " name order, each named after its file.")
    Path rulesDir;

    @Option(
            names = "--metrics-port",
            paramLabel = "PORT",
            description = "Serve Prometheus metrics at" + " http://HOST:PORT/metrics.")
    Integer metricsPort;

    @Mixin
    Options.Events events;

    @Mixin
    Options.Json json;

    @Override
    public Integer call() throws Exception {
        RunConfig cfg = config == null ? RunConfig.empty() : LuaConfig.read(config);
        Plan plan = plan(cfg);
        EngineFactories f = factories();
        // The configuration's limits apply where the command line sets none.
        if (scripts.maxCallMillis == null) {
            scripts.maxCallMillis = cfg.maxCallMillis();
        }
        if (scripts.maxCallMegabytes == null) {
            scripts.maxCallMegabytes = cfg.maxCallMegabytes();
        }
        if (scripts.maxStateMegabytes == null) {
            scripts.maxStateMegabytes = cfg.maxStateMegabytes();
        }

        FlowTracking flowTracking = flows.settings().over(cfg.flows()).tracking();
        if (flowTracking.enabled() && plan.workers > 1 && plan.fanout != FanoutMode.HASH) {
            // Only the hash keeps both directions of a flow on one worker; others split a flow over two tables.
            err().println("npflua: warning: --fanout " + plan.fanout.name().toLowerCase()
                    + " spreads the two directions of a flow over different workers: each worker tracks what it"
                    + " sees, and flow decisions hold for one direction only (use --fanout hash, or --no-flows)");
            err().flush();
        }
        Engine.Builder b = Engine.builder()
                .workers(plan.workers)
                .fanout(plan.fanout)
                .snapLength(plan.snapLength)
                .ruleFactory(f.luaRules(scripts))
                .flows(flowTracking)
                .events(events.open(
                        cfg.events(), cfg.eventsRate(), cfg.eventsBurst(), plan.workers, ErrorHandler.STDERR));
        warmup.applyTo(b, Options.Warmup.RUN_DEFAULT_FRAMES);
        if (plan.count != null && plan.count > 0) {
            b.frameLimit(plan.count); // exactly -c frames reach the scripts and the outputs, as with tcpdump -c
        }
        if (plan.bridge != null) {
            EngineFactories.LiveBridge ports = f.liveBridge(plan.bpf, plan.offloads, line -> {
                err().println("npflua: " + line);
                err().flush();
            });
            b.bridge(plan.bridge.get(0), plan.bridge.get(1))
                    .sources(ports.sources())
                    .forwarders(ports.forwarders());
            if (ports.sources() instanceof BridgePorts bridgePorts) {
                // Wake on a frame from either port instead of parking up to 1 ms (docs/engine.md, inline latency).
                b.idleStrategy(bridgePorts.idleStrategies());
            }
        } else {
            b.tap(plan.interfaces.toArray(String[]::new)).sources(f.liveSources(plan.bpf));
        }
        EngineSetup.outputs(
                b,
                plan.passed == null ? null : f.pcapSink(plan.passed),
                plan.blocked == null ? null : f.pcapSink(plan.blocked));
        EngineSetup.addScripts(b, plan.scripts, plan.onError, plan.maxInstructions);
        Engine engine = EngineSetup.build(b, plan.scripts);

        List<AutoCloseable> services = new ArrayList<>();
        try {
            if (plan.control != null) {
                services.add(startControl(f, engine, plan.control));
            }
            if (plan.metricsPort != null) {
                services.add(MetricsExporter.start(engine, plan.metricsPort));
            }
            EngineSetup.start(engine);
            // SIGHUP (systemctl reload): the rule list read again and applied, then the event log reopened.
            RuleSync rules = new RuleSync(engine, plan.scripts, this::wantedRules, err());
            EventLog events = engine.config().events();
            services.add(HangupSignal.install(() -> {
                err().println("npflua: SIGHUP: reading the rule list again"
                        + (config == null ? "" : " (" + config + ")"));
                err().flush();
                rules.sync();
                if (events != null) {
                    events.reopen();
                }
            }));
            StatusLine status = StatusLine.onTerminal() ? new StatusLine(err()) : null;
            long durationNs = plan.durationSeconds == null ? 0 : (long) (plan.durationSeconds * 1e9);
            new EngineRunner(engine, plan.count == null ? 0 : plan.count, durationNs, status)
                    .run(true, () -> listening(plan), this::report);
        } catch (RuntimeException | Error e) {
            engine.closeAndReport();
            throw e;
        } finally {
            for (int i = services.size() - 1; i >= 0; i--) {
                services.get(i).close();
            }
        }
        return ExitCodes.OK;
    }

    private AutoCloseable startControl(EngineFactories f, Engine engine, Path socket) throws Exception {
        try {
            Path dir = socket.toAbsolutePath().getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                try {
                    Files.createDirectories(
                            dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (IOException e) {
                    throw new CliFailure(
                            "cannot create the control socket's directory " + dir,
                            String.valueOf(e.getMessage()),
                            "pass --control PATH in a directory you may write, or" + " --no-control");
                }
            }
            AutoCloseable server = f.controlServer(engine, socket, ErrorHandler.STDERR);
            if (!json.json) {
                err().println("npflua: control socket " + socket + " (npflua list --control " + socket + ")");
                err().flush();
            }
            return server;
        } catch (IOException e) {
            throw new CliFailure(
                    "cannot open the control socket " + socket,
                    String.valueOf(e.getMessage()),
                    "pass another --control PATH, or --no-control",
                    ExitCodes.FAILURE,
                    e);
        }
    }

    /** The rule list as the configuration file, the rules directory and -s say now (for {@link RuleSync}). */
    private RuleSync.Wanted wantedRules() {
        Plan p = plan(config == null ? RunConfig.empty() : LuaConfig.read(config));
        return new RuleSync.Wanted(p.scripts(), p.onError(), p.maxInstructions());
    }

    /** Like tcpdump's "listening on ...": on standard error, so that --json output stays one object. */
    private void listening(Plan plan) {
        err().println("npflua: "
                + (plan.bridge != null
                        ? "bridging " + String.join(" <-> ", plan.bridge)
                        : "listening on " + String.join(", ", plan.interfaces))
                + " (" + plan.workers + " worker"
                + (plan.workers == 1 ? "" : "s") + ", fanout "
                + plan.fanout.name().toLowerCase() + ", "
                + plan.scripts.size() + " script" + (plan.scripts.size() == 1 ? "" : "s") + "); Ctrl-C stops");
        err().flush();
    }

    private void report(EngineSnapshot s) {
        Map<String, Object> counters = CounterText.live(s);
        printJsonOrText(json.json, () -> JsonValues.render(counters), () -> CounterText.print(counters, false, err()));
    }

    /** The merged settings: command line over configuration over defaults, validated. */
    record Plan(
            List<String> interfaces,
            List<String> bridge,
            int workers,
            FanoutMode fanout,
            int snapLength,
            String bpf,
            List<ScriptPlan> scripts,
            ErrorPolicy onError,
            Long maxInstructions,
            Long count,
            Double durationSeconds,
            Path passed,
            Path blocked,
            Integer metricsPort,
            Path control,
            OffloadPolicy offloads) {}

    Plan plan(RunConfig cfg) {
        List<String> ifs = interfaces;
        List<String> br = bridge == null ? null : bridge.interfaces();
        if (!ifs.isEmpty() && br != null) {
            throw CliFailure.usage(
                    "-i and --bridge together",
                    "capture (-i) and inline bridge (--bridge) are" + " different modes",
                    "choose one");
        }
        if (ifs.isEmpty() && br == null) {
            ifs = cfg.interfaces();
            br = cfg.bridge();
        }
        if (ifs.isEmpty() && br == null) {
            throw CliFailure.usage(
                    "nothing to capture",
                    "no interface given",
                    "add -i IFACE (e.g. -i eth0), --bridge" + " A,B, or set interfaces in --config");
        }
        if (offloads != null && br == null) {
            throw CliFailure.usage(
                    "--offloads " + offloads.label(),
                    "offloads are handled by an inline bridge only",
                    "use it with --bridge A,B (capture sees super-frames as they are)");
        }
        int w = pick(workers.workers, cfg.workers(), 1);
        if (w < 1 || w > 256) {
            throw CliFailure.usage("--workers " + w, "must be 1..256", null);
        }
        int snap = pick(snapLength, cfg.snapLength(), 0);
        if (snap < 0 || snap > 262_144) {
            throw CliFailure.usage("--snaplen " + snap, "must be 0..262144 (0 = whole frames)", null);
        }
        Long cnt = count != null ? count : cfg.count();
        if (cnt != null && cnt < 0) {
            throw CliFailure.usage("--count " + cnt, "must be >= 0 (0 = no limit)", null);
        }
        Double dur = duration != null ? duration : cfg.durationSeconds();
        if (dur != null && (dur < 0 || dur.isNaN() || dur.isInfinite())) {
            throw CliFailure.usage("--duration " + dur, "must be a number of seconds >= 0", null);
        }
        Long max = scripts.maxInstructions != null ? scripts.maxInstructions : cfg.maxInstructions();
        if (max != null && max < 0) {
            throw CliFailure.usage("--max-instructions " + max, "must be >= 0 (0 = default)", null);
        }
        Integer port = metricsPort != null ? metricsPort : cfg.metricsPort();
        if (port != null && (port < 0 || port > 65535)) {
            throw CliFailure.usage("--metrics-port " + port, "must be 0..65535", null);
        }

        List<ScriptPlan> plans = new ArrayList<>(cfg.scripts());
        Path dir = rulesDir != null ? rulesDir : cfg.rulesDir();
        if (dir != null) {
            List<ScriptPlan> fromDir = new ArrayList<>();
            for (Path p : ScriptFiles.rulesDir(dir)) {
                String name = ScriptArgument.baseName(p);
                try {
                    ScriptArgument.checkName(name);
                } catch (IllegalArgumentException e) {
                    throw CliFailure.usage("rules directory " + dir, e.getMessage(), "rename " + p);
                }
                fromDir.add(new ScriptPlan(name, p, null, null, null));
            }
            ScriptPlan.checkUnique(ScriptPlan.merge(List.of(), fromDir), "in " + dir);
            plans = ScriptPlan.merge(plans, fromDir);
        }
        plans = ScriptPlan.merge(plans, ScriptPlan.of(scripts.scripts));

        Path passed = passedPcap != null ? passedPcap : cfg.passedPcap();
        Path blocked = blockedPcap != null ? blockedPcap : cfg.blockedPcap();
        EngineSetup.checkDistinct(passed, blocked);
        if (passed != null) {
            EngineSetup.checkWritable(passed, "-w");
        }
        if (blocked != null) {
            EngineSetup.checkWritable(blocked, "--write-blocked");
        }
        Path socket = noControl
                ? null
                : control.path != null
                        ? control.path
                        : cfg.control() != null ? cfg.control() : ControlPaths.defaultPath();
        return new Plan(
                List.copyOf(ifs),
                br == null ? null : List.copyOf(br),
                w,
                fanout != null ? fanout : cfg.fanout() != null ? cfg.fanout() : FanoutMode.HASH,
                snap,
                bpf != null ? bpf : cfg.bpf(),
                List.copyOf(plans),
                scripts.onError != null ? scripts.onError : cfg.onError(),
                max,
                cnt,
                dur,
                passed,
                blocked,
                port,
                socket,
                offloads != null ? offloads : cfg.offloads() != null ? cfg.offloads() : OffloadPolicy.AUTO);
    }

    private static int pick(Integer flag, Integer cfg, int dflt) {
        return flag != null ? flag : cfg != null ? cfg : dflt;
    }
}
