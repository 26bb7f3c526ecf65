package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.Engine;
import io.npflua.engine.EngineSources;
import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.event.EventLogOptions;
import io.npflua.engine.json.Json;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.lua.sandbox.CallOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reopen (what SIGHUP and {@code npflua reopen} ask for) while the log's directory has become read-only (a bind
 * mount of it remounted read-only by the test, as root: root writes through permission bits, not through a read-only
 * mount): the failure is reported with its reason, the events meanwhile are counted as lost, the engine keeps
 * filtering, and once the directory is writable again a later reopen resumes writing, no half line in the file.
 */
@LiveTest
class EventLogReopenLiveTest {
    @TempDir
    Path dir;

    private Path logs;
    private boolean mounted;

    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final ErrorHandler errors = new ErrorHandler() {
        @Override
        public void onRuleError(int worker, String rule, CallOutcome kind, String message, long suppressed) {}

        @Override
        public void onWorkerError(int worker, String what, Throwable cause, boolean restarting) {
            reports.add(what + ": " + cause);
        }
    };

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            run("umount", logs.toString());
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(5);
        }
    }

    /** An engine that blocks every frame of the demo capture, read over and over, logging to {@code log}. */
    private Engine engine(EventLog events) {
        return Engine.builder()
                .tap(EventLogReplayTest.DEMO.toString())
                .workers(1)
                .sources(EngineSources.pcap(Long.MAX_VALUE)) // until close
                .ruleFactory(EngineSources.lua())
                .script(ScriptSpec.of("all", "function filter(p) return false, 'ro' end"))
                .errorHandler(errors)
                .events(events)
                .build();
    }

    private void readOnly(Path directory) throws Exception {
        run("mount", "--bind", directory.toString(), directory.toString());
        mounted = true;
        run("mount", "-o", "remount,bind,ro", directory.toString());
    }

    private void writable(Path directory) throws Exception {
        run("umount", directory.toString());
        mounted = false;
    }

    private static long total(Engine engine, WorkerCounter c) {
        return engine.stats().total(c);
    }

    @Test
    void shouldReportAndCountAFailedReopenAfterRotationKeepFilteringAndResumeWithALaterReopen() throws Exception {
        logs = Files.createDirectory(dir.resolve("logs"));
        Path log = logs.resolve("eve.json");
        Path rotated = logs.resolve("eve.json.1");
        EventLog events = new EventLog(EventLogOptions.of(log).withRate(2000, 10), 1, errors);
        EngineSnapshot s;
        try (Engine engine = engine(events)) {
            engine.start();
            await(() -> total(engine, WorkerCounter.EVENTS_WRITTEN) > 10, "records are written");
            // logrotate moved the file, then the directory became read-only before the reopen
            Files.move(log, rotated);
            readOnly(logs);
            events.reopen();
            await(() -> reports.stream().anyMatch(r -> r.contains("cannot open the file again")), "it is reported");
            assertTrue(
                    reports.stream().anyMatch(r -> r.contains("Read-only file system") && r.contains("events_lost")),
                    "with the reason, and what becomes of the events: " + reports);
            long frames = engine.stats().frames();
            await(() -> total(engine, WorkerCounter.EVENTS_LOST) > 10, "the events meanwhile are counted as lost");
            await(() -> engine.stats().frames() > frames + 1000, "the engine keeps filtering");

            writable(logs);
            events.reopen();
            await(() -> Files.exists(log), "a later reopen creates the file");
            long written = total(engine, WorkerCounter.EVENTS_WRITTEN);
            await(() -> total(engine, WorkerCounter.EVENTS_WRITTEN) > written + 10, "and writing resumes");
            s = engine.closeAndReport();
        }
        long lost = s.total(WorkerCounter.EVENTS_LOST);
        assertTrue(lost > 10, s.toString());
        assertEquals(s.total(WorkerCounter.EVENTS), s.total(WorkerCounter.EVENTS_WRITTEN) + lost);
        assertEquals(s.frames(), s.blocked(), "every frame filtered");
        List<String> before = Files.readAllLines(rotated);
        List<String> after = Files.readAllLines(log);
        assertEquals(s.total(WorkerCounter.EVENTS_WRITTEN), before.size() + after.size());
        for (String line : after) {
            Json.parseObject(line); // whole records only
        }
        assertEquals(0, events.writerRestarts());
    }

    @Test
    void shouldWriteOnToTheOpenFileWhenAReopenFailsAndThePathStillNamesIt() throws Exception {
        logs = Files.createDirectory(dir.resolve("logs"));
        Path log = logs.resolve("eve.json");
        EventLog events = new EventLog(EventLogOptions.of(log).withRate(2000, 10), 1, errors);
        EngineSnapshot s;
        try (Engine engine = engine(events)) {
            engine.start();
            await(() -> total(engine, WorkerCounter.EVENTS_WRITTEN) > 10, "records are written");
            readOnly(logs); // new opens fail; the file the writer has open stays writable
            events.reopen();
            await(() -> reports.stream().anyMatch(r -> r.contains("cannot open the file again")), "it is reported");
            assertTrue(
                    reports.stream().anyMatch(r -> r.contains("Read-only file system") && r.contains("writing on")),
                    reports.toString());
            long written = total(engine, WorkerCounter.EVENTS_WRITTEN);
            await(() -> total(engine, WorkerCounter.EVENTS_WRITTEN) > written + 10, "writing goes on");
            s = engine.closeAndReport();
        }
        assertEquals(0, s.total(WorkerCounter.EVENTS_LOST), "nothing lost: " + s);
        assertEquals(s.total(WorkerCounter.EVENTS), s.total(WorkerCounter.EVENTS_WRITTEN));
        assertEquals(
                s.total(WorkerCounter.EVENTS_WRITTEN), Files.readAllLines(log).size());
        assertEquals(0, events.reopens(), "the open failed; the file is the one opened at start");
    }
}
