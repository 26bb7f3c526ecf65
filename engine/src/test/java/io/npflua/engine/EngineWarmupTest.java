package io.npflua.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.event.EventLogOptions;
import io.npflua.engine.flow.FlowTracking;
import io.npflua.engine.rule.RuleFactory;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.rule.lua.LuaRuleFactory;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.FrameSourceFactory;
import io.npflua.engine.source.SourceRequest;
import io.npflua.engine.worker.JitWarmup;
import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.ModuleRegistry;
import io.npflua.lua.sandbox.PrintSink;
import io.npflua.lua.shared.SharedModule;
import io.npflua.lua.shared.SharedTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JIT warm-up at {@link Engine#start()} runs the scripts on synthetic frames in throwaway states: the real states,
 * the real {@code shared} tables, the user's {@code print} output and the engine's counters see none of it.
 */
class EngineWarmupTest {
    private static final String SCRIPT = """
            local t = shared.table("warm")
            calls = 0
            function filter(p)
              calls = calls + 1
              t:incr("frames", 1)
              print("call " .. calls)
              return true
            end
            """;

    @TempDir
    Path dir;

    private final List<String> printed = new CopyOnWriteArrayList<>();
    private final SharedTables tables = new SharedTables(System::nanoTime);

    private RuleFactory factory() {
        PrintSink sink = (script, line) -> printed.add(line);
        ModuleRegistry modules = new ModuleRegistry()
                .register("data", ModuleRegistry.standard().find("data"))
                .register(SharedModule.NAME, new SharedModule(tables));
        return new LuaRuleFactory(sink, modules);
    }

    private Engine run(long warmupFrames, int realFrames) throws Exception {
        Path file = dir.resolve("frames.pcap");
        LiveFrames.write(file, LiveFrames.udpFrames(realFrames));
        Engine engine = Engine.builder()
                .tap(file.toString())
                .sources(EngineSources.pcap(1))
                .ruleFactory(factory())
                .script(ScriptSpec.of("count", SCRIPT))
                .warmup(warmupFrames, 10, TimeUnit.SECONDS)
                .build();
        engine.start();
        assertTrue(engine.awaitEnd(20, TimeUnit.SECONDS), "the capture file should be read to its end");
        return engine;
    }

    /** {@code pcap}'s sources, with {@code forWarmup} answering {@link FrameSourceFactory#openForWarmup}. */
    private static FrameSourceFactory withWarmupFrames(
            FrameSourceFactory pcap, Function<String, FrameSource> forWarmup) {
        return new FrameSourceFactory() {
            @Override
            public void validate(String name) {
                pcap.validate(name);
            }

            @Override
            public FrameSource open(SourceRequest request) {
                return pcap.open(request);
            }

            @Override
            public FrameSource openForWarmup(String name) {
                return forWarmup.apply(name);
            }
        };
    }

    private record WarmedUp(JitWarmup.Result warmup, EngineSnapshot snapshot) {}

    /** The counting script over {@code file} through {@code sources}, with a warm-up of 2,000 frames, run to its end. */
    private WarmedUp warmedUpRun(Path file, FrameSourceFactory sources) throws Exception {
        Engine engine = Engine.builder()
                .tap(file.toString())
                .sources(sources)
                .ruleFactory(factory())
                .script(ScriptSpec.of("count", SCRIPT))
                .warmup(2_000, 10, TimeUnit.SECONDS)
                .build();
        engine.start();
        assertTrue(engine.awaitEnd(20, TimeUnit.SECONDS), "the engine started and read the file");
        JitWarmup.Result w = engine.warmup();
        return new WarmedUp(w, engine.closeAndReport());
    }

    /**
     * {@link #warmedUpRun} over a capture of 5 frames ({@link #OWN}) whose pcap sources answer a request for warm-up
     * frames with {@code forWarmup}; every name asked for is added to {@code asked}.
     */
    private WarmedUp warmedUpOverOwnCapture(
            List<String> asked, BiFunction<FrameSourceFactory, String, FrameSource> forWarmup) throws Exception {
        Path file = dir.resolve(OWN);
        LiveFrames.write(file, LiveFrames.udpFrames(5));
        FrameSourceFactory pcap = EngineSources.pcap(1);
        return warmedUpRun(file, withWarmupFrames(pcap, name -> {
            asked.add(name);
            return forWarmup.apply(pcap, name);
        }));
    }

    private static final String OWN = "own.pcap";

    @Test
    void shouldWarmUpOverTheCaptureFileItselfWhenTheSourcesCanGiveItsFrames() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        WarmedUp run = warmedUpOverOwnCapture(asked, FrameSourceFactory::openForWarmup);
        JitWarmup.Result w = run.warmup();
        assertEquals(List.of(dir.resolve(OWN).toString()), asked, "the warm-up asked for the file's own frames");
        assertTrue(w.frames() >= 2_000, "and ran them: " + w.frames());
    }

    @Test
    void shouldWarmUpOverTheSyntheticRingWhenTheFileCannotBeOpenedForIt() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        WarmedUp run = warmedUpOverOwnCapture(asked, (pcap, name) -> {
            throw new IllegalStateException("the file is gone for the warm-up");
        });
        JitWarmup.Result w = run.warmup();
        EngineSnapshot s = run.snapshot();
        assertEquals(List.of(dir.resolve(OWN).toString()), asked, "the warm-up asked for the file's frames");
        assertTrue(w.frames() >= 2_000, "and warmed up over the synthetic ring instead: " + w.frames());
        assertEquals(5, s.frames(), "the real run saw the file's frames: " + s);
    }

    @Test
    void shouldRunTheRequestedWarmupFramesBeforeStart() throws Exception {
        Engine engine = run(5_000, 3);
        JitWarmup.Result w = engine.warmup();
        engine.closeAndReport();
        // Each round's throwaway worker stops between batches of 64 frames.
        assertTrue(w.frames() >= 5_000 && w.frames() < 5_000 + 40 * 64, "warm-up frames: " + w.frames());
        assertTrue(w.elapsedNs() > 0);
    }

    @Test
    void shouldLeaveRealStatesSharedTablesPrintAndCountersUntouchedByWarmup() throws Exception {
        Engine engine = run(5_000, 3);
        EngineSnapshot s = engine.closeAndReport();
        assertEquals(3, s.frames(), "only the real frames are counted");
        assertEquals(3, s.scripts().get(0).calls(), "only the real frames reach the real state");
        // The real state's global counter started at 0: the last line printed is the third call.
        assertEquals(List.of("call 1", "call 2", "call 3"), printed, "warm-up prints go nowhere");
        assertNotNull(tables.find("warm"));
        assertEquals(
                3.0,
                ((Number) tables.find("warm").get("frames")).doubleValue(),
                "the warm-up has its own shared tables");
    }

    @Test
    void shouldWarmUpTheFirstScriptLoadedIntoAnEngineThatStartedWithoutOne() throws Exception {
        // npflua run with no script, then npflua load: the first load is warmed up before it goes live, without a
        // trace in the real state or the counters; later loads are not (the code is compiled by then).
        MemorySourceFactory sources = new MemorySourceFactory(java.util.Set.of("veth-a"), 10, Long.MAX_VALUE, 0);
        Engine engine = Engine.builder()
                .tap("veth-a")
                .sources(sources)
                .ruleFactory(factory())
                .warmup(5_000, 10, TimeUnit.SECONDS)
                .build()
                .start();
        try {
            JitWarmup.Result atStart = engine.warmup();
            assertTrue(atStart.frames() >= 5_000, "the worker loop alone is warmed up at start: " + atStart);
            engine.load(ScriptSpec.of("count", SCRIPT));
            JitWarmup.Result first = engine.warmup();
            assertTrue(first != atStart && first.frames() >= 5_000, "the first runtime load was warmed up: " + first);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (printed.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals("call 1", printed.get(0), "the real state starts from its own first call");
            engine.load(ScriptSpec.of("second", "function filter(p) return true end"));
            assertEquals(first, engine.warmup(), "a later load is not warmed up again");
        } finally {
            engine.closeAndReport();
        }
    }

    @Test
    void shouldSkipWarmupWhenOff() throws Exception {
        Engine engine = run(0, 1);
        engine.closeAndReport();
        assertEquals(JitWarmup.Result.NONE, engine.warmup());
    }

    @Test
    void shouldGiveLuaWarmupStatesTheirOwnSharedTablesAndSilentPrint() throws Exception {
        RuleFactory warm = factory().warmupFactory();
        assertNotNull(warm);
        var rule = warm.prepare(ScriptSpec.of("count", SCRIPT)).newInstance(0);
        try {
            for (byte[] f : JitWarmup.frames()) {
                var frame = new io.npflua.engine.source.Frame();
                var seg = java.lang.foreign.MemorySegment.ofArray(f);
                frame.wrap(
                        seg,
                        0,
                        f.length,
                        f.length,
                        false,
                        io.npflua.engine.source.Frame.header(0, 1, io.npflua.engine.source.Frame.DIRECTION_INBOUND));
                rule.evaluate(frame);
            }
        } finally {
            rule.close();
        }
        assertTrue(printed.isEmpty(), "warm-up states print to nowhere");
        assertNull(tables.find("warm"), "warm-up states use a private shared registry");
    }

    /**
     * With an event log, the warm-up's alerts and script failures go to its rounds' throwaway logs (formatted and
     * dropped, counted in the warm-up's result), so that their paths are compiled before the first real one; none of
     * it reaches the real log, its error handler or the engine's.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"function filter(p) alert('seen') return true end", "function filter(p) error('x') end"})
    void shouldHandWarmupAlertsAndFailuresToTheRoundsThrowawayLogs(String script) throws Exception {
        MemorySourceFactory sources = new MemorySourceFactory(Set.of("veth-a"), 1, 0, 0);
        Path file = dir.resolve("eve.json");
        List<String> reports = new CopyOnWriteArrayList<>();
        ErrorHandler recording = new ErrorHandler() {
            @Override
            public void onRuleError(int worker, String rule, CallOutcome kind, String message, long suppressed) {
                reports.add(rule + ": " + message);
            }

            @Override
            public void onWorkerError(int worker, String what, Throwable cause, boolean restarting) {
                reports.add(what);
            }
        };
        EventLog log = new EventLog(EventLogOptions.of(file), 1, recording);
        Engine engine = Engine.builder()
                .tap("veth-a")
                .sources(sources)
                .ruleFactory(factory())
                .flows(FlowTracking.off())
                .events(log)
                .errorHandler(recording)
                .script(ScriptSpec.of("warm", script))
                .warmup(5_000, 10, TimeUnit.SECONDS)
                .build()
                .start();
        EngineSnapshot s;
        try {
            JitWarmup.Result w = engine.warmup();
            assertTrue(w.frames() >= 5_000, "warmed up: " + w);
            // Frames pass or fail without a block, flows are off: only alerts or failures can be events.
            assertTrue(w.events() > 0, "handed to the throwaway logs: " + w);
        } finally {
            s = engine.closeAndReport();
        }
        assertEquals(0, s.frames(), "no real frame");
        assertEquals(0, Files.size(file), "nothing of the warm-up in the real log");
        assertEquals(List.of(), reports, "nothing reported to the real handlers");
    }

    /**
     * The warm-up's frames are writable exactly when the real ones are: a script that writes a header field fails on
     * every warm-up frame of a tap (read-only, as its real frames) and on none of a bridge's (so that its write path,
     * not its error path, is what gets compiled before the first real frame); and a bridge's warm-up frames are as
     * built on every pass over them (the script fails on a frame it wrote before).
     */
    @ParameterizedTest(name = "bridge {0}")
    @ValueSource(booleans = {false, true})
    void shouldHandTheWarmupFramesWritableExactlyWhenTheRealOnesAre(boolean bridge) throws Exception {
        MemorySourceFactory sources = new MemorySourceFactory(Set.of("veth-a", "veth-b"), 1, 0, 0);
        Path file = dir.resolve("eve.json");
        EventLog log = new EventLog(EventLogOptions.of(file), 1, ErrorHandler.STDERR);
        Engine.Builder b = Engine.builder()
                .sources(sources)
                .ruleFactory(factory())
                .flows(FlowTracking.off())
                .events(log)
                .script(ScriptSpec.of(
                        "ttl",
                        "function filter(p) local ip = p:ip() if ip and ip.version == 4 then"
                                + " if ip.ttl ~= 64 then error('written before: ttl ' .. ip.ttl) end ip.ttl = 1 end"
                                + " return true end"))
                .warmup(5_000, 10, TimeUnit.SECONDS);
        if (bridge) {
            b.bridge("veth-a", "veth-b").forwarders((egress, worker) -> frame -> true);
        } else {
            b.tap("veth-a");
        }
        Engine engine = b.build().start();
        try {
            JitWarmup.Result w = engine.warmup();
            assertTrue(w.frames() >= 5_000, "warmed up: " + w);
            // Nothing is blocked and flows are off: every event is a script failure (a write to a read-only frame).
            if (bridge) {
                assertEquals(0, w.events(), "writes to a bridge's warm-up frames succeed: " + w);
            } else {
                assertTrue(w.events() > 0, "writes to a tap's warm-up frames fail as they would live: " + w);
            }
        } finally {
            engine.closeAndReport();
        }
    }
}
