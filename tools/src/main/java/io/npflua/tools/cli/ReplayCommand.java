package io.npflua.tools.cli;

import io.npflua.engine.Engine;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.SnapshotJson;
import io.npflua.engine.rule.RuleFactory;
import io.npflua.engine.rule.lua.LuaRuleFactory;
import io.npflua.engine.worker.CaptureClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code npflua replay FILE.pcap ... -s SCRIPT ...}: the offline mode. The files go through the same workers and rule
 * chains as live capture, as fast as possible, then the counters are printed ({@code --json} adds
 * {@code ns_per_frame}: wall time of the run ÷ frames). A damaged capture (a corrupt record header, or a last record
 * the file ends inside) ends that file: the records before it are processed and counted, the damage is reported once
 * after the counters, with file and byte offset, and the exit code is {@link ExitCodes#INPUT_DAMAGED}.
 */
@Command(
        name = "replay",
        description = {
            "Run scripts over pcap/pcapng files (offline mode), as fast as possible," + " and print the counters.",
            "Use --repeat to time scripts on a small capture, -w/--write-blocked to split a capture by verdict."
        })
final class ReplayCommand extends BaseCommand {
    @Parameters(arity = "1..*", paramLabel = "FILE.pcap", description = "Captures to read (pcap or pcapng).")
    List<Path> files = new ArrayList<>();

    @Mixin
    Options.Scripts scripts;

    @Mixin
    Options.Workers workers;

    @Mixin
    Options.Flows flows;

    @Option(names = "-w", paramLabel = "PASS.pcap", description = "Write passed frames here.")
    Path passedPcap;

    @Option(names = "--write-blocked", paramLabel = "BLOCKED.pcap", description = "Write blocked frames here.")
    Path blockedPcap;

    @Option(
            names = "--repeat",
            paramLabel = "N",
            defaultValue = "1",
            description = "Run the captures N times in a row in-process (default 1).")
    long repeat;

    @Mixin
    Options.Warmup warmup;

    @Mixin
    Options.Events events;

    @Mixin
    Options.Json json;

    @Override
    public Integer call() {
        if (repeat < 1) {
            throw CliFailure.usage("--repeat " + repeat, "must be at least 1", null);
        }
        warmup.frames(0);
        int n = workers.workers == null ? 1 : workers.workers;
        if (n < 1 || n > 256) {
            throw CliFailure.usage("--workers " + n, "must be 1..256", null);
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                throw new CliFailure(
                        "cannot read capture " + f,
                        Files.exists(f) ? "not a readable file" : "no such file",
                        "check the path");
            }
        }
        EngineSetup.checkDistinct(passedPcap, blockedPcap);
        if (passedPcap != null) {
            EngineSetup.checkWritable(passedPcap, "-w");
        }
        if (blockedPcap != null) {
            EngineSetup.checkWritable(blockedPcap, "--write-blocked");
        }
        List<ScriptPlan> plans = ScriptPlan.of(scripts.scripts);
        EngineFactories f = factories();
        EngineReports reports = new EngineReports(err());
        // The shared tables' TTLs run on the capture's time, not the wall clock: a 10 s window is 10 s of the file.
        CaptureClock clock = new CaptureClock(n);
        RuleFactory rules = f.luaRules(scripts);
        if (rules instanceof LuaRuleFactory lua) {
            rules = lua.withSharedClock(clock::nowNs);
        }
        Engine.Builder b = Engine.builder()
                .workers(n)
                .sources(f.pcapSources(repeat))
                .ruleFactory(rules)
                .captureClock(clock)
                .flows(flows.settings().tracking())
                .errorHandler(reports)
                .events(events.open(null, null, null, n, reports));
        warmup.applyTo(b, 0);
        for (Path file : files) {
            b.tap(file.toString());
        }
        EngineSetup.outputs(
                b,
                passedPcap == null ? null : f.pcapSink(passedPcap),
                blockedPcap == null ? null : f.pcapSink(blockedPcap));
        EngineSetup.addScripts(b, plans, scripts.onError, scripts.maxInstructions);
        Engine engine = EngineSetup.build(b, plans);
        EngineSetup.start(engine);
        AutoCloseable hup = engine.config().events() == null
                ? () -> {}
                : HangupSignal.install(engine.config().events()::reopen);
        try {
            new EngineRunner(engine, 0, 0, null).run(true, this::report);
        } finally {
            try {
                hup.close();
            } catch (Exception ignored) {
                // Restoring the default handler cannot fail in a way worth reporting.
            }
        }
        // A damaged capture (corrupt record, truncated last record): after the counters of what was read, like
        // tcpdump's "truncated dump file", one line per file, and an exit code that says the input was damaged.
        return reports.reportSourceFailures();
    }

    private void report(EngineSnapshot s) {
        printJsonOrText(
                json.json, () -> SnapshotJson.render(s), () -> CounterText.print(CounterText.offline(s), true, out()));
    }
}
