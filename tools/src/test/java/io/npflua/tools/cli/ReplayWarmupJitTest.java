package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a JIT warm-up is for: once it ran, the real worker does not fall back out of compiled code. A real {@code npflua
 * replay --warmup} with the event log, the capture clock and a script that blocks every frame with a reason, under
 * HotSpot's compilation and deoptimization logs: no method of the per-frame path may trap from the end of the warm-up
 * until the real worker stops
 * (a branch the warm-up never took: the event hand-off, the capture clock, the chain's decision slots; the
 * deoptimization log names the method that trapped even when it was inlined into another), nor be "made not
 * entrant" because a class loaded after the warm-up broke what the compiled code assumed (the first heap memory
 * segment, made by the event log's start, did that to every compiled segment access).
 */
class ReplayWarmupJitTest {
    /**
     * The per-frame path, as the compilation log ({@code Class::method}) and the deoptimization log
     * ({@code pkg.Class.method(}) name it; the source's poll and the worker's loop trap once at the end of the file, as
     * they should, and are left out.
     */
    private static final Pattern PER_FRAME = Pattern.compile("(Worker\\$RouteConsumer(::|\\.)onFrame|RuleChain(::|\\.)"
            + "|LuaRule(::|\\.)|EventProducer(::|\\.)|Worker(::|\\.)blockedEvent|PacketData(::|\\.)"
            + "|CaptureClock(::|\\.)|FlowStage(::|\\.)|FlowTable(::|\\.)|FlowKey(::|\\.)|PcapReader(::|\\.)"
            + "|SandboxGlobals[$\\w]*(::|\\.))");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"flows", "--no-flows", "alerts"})
    void shouldNotLeaveCompiledCodeWhileTheRealWorkerRuns(String kind) throws Exception {
        List<String> first = leftWhileTheRealWorkerRan(kind, 1);
        if (first.isEmpty()) {
            return;
        }
        // HotSpot's compilations are not the same from run to run (timing, queue order); a regression leaves code
        // behind in every run, a rare compilation of the moment in one. So a second run decides.
        List<String> second = leftWhileTheRealWorkerRan(kind, 2);
        assertEquals(
                List.of(), second, "compiled code left while the real worker ran, twice (first run: " + first + ")");
    }

    /** One real replay of {@code kind}: the lines of the per-frame path's compiled code left in the real run. */
    private List<String> leftWhileTheRealWorkerRan(String kind, int attempt) throws Exception {
        // The third case: a script that also alerts on every frame (the rate limit suppresses most): warmed up
        // without its alerts going anywhere, the sandbox's call of the sink traps on a class check in the real run.
        boolean alerts = kind.equals("alerts");
        String lua = alerts
                ? "function filter(p) alert('seen') return false, 'flood' end\n"
                : "function filter(p) return false, 'flood' end\n";
        Path script = Files.writeString(dir.resolve("all.lua"), lua);
        Path jitLog = dir.resolve("jit-" + attempt + ".txt");
        Path events = dir.resolve("eve-" + attempt + ".json");
        List<String> args = new ArrayList<>(List.of(
                "replay",
                EventLogReplayTest.DEMO.toString(),
                "--repeat",
                "3125",
                "--warmup",
                "100000",
                "-s",
                script.toString(),
                "--events",
                events.toString(),
                "--json"));
        if (kind.startsWith("--")) {
            args.add(kind);
        }
        Process p = new ProcessBuilder(CliJvm.command(JitLog.options(jitLog), Main.class, args.toArray(String[]::new)))
                .redirectOutput(dir.resolve("out.json").toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "replay ended");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("err.txt")));
        assertTrue(Files.readString(dir.resolve("out.json")).contains("\"frames\":200000"));
        if (alerts) {
            assertTrue(Files.readString(events).contains("\"event_type\":\"alert\""), "alert records in the log");
        }

        JitLog log = JitLog.read(jitLog);
        // From the end of the warm-up (its last round's thread) on: what is thrown away between the warm-up and the
        // worker's first frame (the event log's start loading a class, say) is lost to the real run just the same.
        return log.thrownAway(log.warmupEnd(), log.workerExit(), PER_FRAME);
    }
}
