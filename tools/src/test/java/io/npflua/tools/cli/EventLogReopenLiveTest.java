package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.Engine;
import io.npflua.engine.EngineSources;
import io.npflua.engine.RecordingErrors;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.event.EventLogOptions;
import io.npflua.engine.json.Json;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.ffm.lab.LiveTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reopen (what SIGHUP and {@code npflua reopen} ask for) while the log's directory has become read-only (a bind
 * mount of it remounted read-only by the test, as root: root writes through permission bits, not through a read-only
 * mount). The failure is reported with its reason and the engine keeps filtering. After a rotation the events meanwhile
 * are counted as lost and a later reopen resumes writing in a new file; without one, writing goes on in the open file.
 */
@LiveTest
class EventLogReopenLiveTest {
    @TempDir
    Path dir;

    private final RecordingErrors errors = new RecordingErrors();
    private Path logs;
    private Path log;
    private EventLog events;
    private Engine engine;
    private boolean readOnly;

    /** An engine that blocks every frame of the demo capture, read over and over until close, logging each. */
    @BeforeEach
    void startEngine() throws Exception {
        logs = Files.createDirectory(dir.resolve("logs"));
        log = logs.resolve("eve.json");
        events = new EventLog(EventLogOptions.of(log).withRate(2000, 10), 1, errors);
        engine = Engine.builder()
                .tap(EventLogReplayTest.DEMO.toString())
                .workers(1)
                .sources(EngineSources.pcap(Long.MAX_VALUE))
                .ruleFactory(EngineSources.lua())
                .script(ScriptSpec.of("all", "function filter(p) return false, 'ro' end"))
                .errorHandler(errors)
                .events(events)
                .build()
                .start();
        await(() -> total(WorkerCounter.EVENTS_WRITTEN) > 10, "records are written");
    }

    @AfterEach
    void cleanUp() throws Exception {
        engine.close();
        if (readOnly) {
            writable();
        }
    }

    private void readOnlyThenReopen(String expected) throws Exception {
        EventLogFullDiskLiveTest.run("mount", "--bind", logs.toString(), logs.toString());
        readOnly = true;
        EventLogFullDiskLiveTest.run("mount", "-o", "remount,bind,ro", logs.toString());
        events.reopen();
        await(() -> reported("cannot open the file again"), "the failed reopen is reported");
        assertTrue(reported("Read-only file system") && reported(expected), errors.workerErrors.toString());
    }

    private void writable() throws Exception {
        EventLogFullDiskLiveTest.run("umount", logs.toString());
        readOnly = false;
    }

    private boolean reported(String text) {
        return errors.workerErrors.stream().anyMatch(r -> r.contains(text));
    }

    private long total(WorkerCounter c) {
        return engine.stats().total(c);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void shouldReportAndCountAFailedReopenAfterRotationKeepFilteringAndResumeWithALaterReopen() throws Exception {
        Path rotated = logs.resolve("eve.json.1");
        Files.move(log, rotated); // logrotate moved the file, then the directory became read-only
        readOnlyThenReopen("events_lost");
        long frames = engine.stats().frames();
        await(() -> total(WorkerCounter.EVENTS_LOST) > 10, "the events meanwhile are counted as lost");
        await(() -> engine.stats().frames() > frames + 1000, "the engine keeps filtering");

        writable();
        events.reopen();
        await(() -> Files.exists(log), "a later reopen creates the file");
        long written = total(WorkerCounter.EVENTS_WRITTEN);
        await(() -> total(WorkerCounter.EVENTS_WRITTEN) > written + 10, "and writing resumes");
        EngineSnapshot s = engine.closeAndReport();

        long lost = s.total(WorkerCounter.EVENTS_LOST);
        assertTrue(lost > 10, s.toString());
        assertEquals(s.total(WorkerCounter.EVENTS), s.total(WorkerCounter.EVENTS_WRITTEN) + lost);
        assertEquals(s.frames(), s.blocked(), "every frame filtered");
        List<String> after = Files.readAllLines(log);
        assertEquals(
                s.total(WorkerCounter.EVENTS_WRITTEN),
                Files.readAllLines(rotated).size() + after.size());
        for (String line : after) {
            Json.parseObject(line); // whole records only
        }
        assertEquals(0, events.writerRestarts());
    }

    @Test
    void shouldWriteOnToTheOpenFileWhenAReopenFailsAndThePathStillNamesIt() throws Exception {
        readOnlyThenReopen("writing on"); // new opens fail; the file the writer has open stays writable
        long written = total(WorkerCounter.EVENTS_WRITTEN);
        await(() -> total(WorkerCounter.EVENTS_WRITTEN) > written + 10, "writing goes on");
        EngineSnapshot s = engine.closeAndReport();

        assertEquals(0, s.total(WorkerCounter.EVENTS_LOST), "nothing lost: " + s);
        assertEquals(s.total(WorkerCounter.EVENTS), s.total(WorkerCounter.EVENTS_WRITTEN));
        assertEquals(
                s.total(WorkerCounter.EVENTS_WRITTEN), Files.readAllLines(log).size());
        assertEquals(0, events.reopens(), "the open failed; the file is the one opened at start");
    }
}
