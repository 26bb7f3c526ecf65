package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.RecordingErrors;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.event.EventFixtures;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.event.EventLogOptions;
import io.npflua.engine.json.Json;
import io.npflua.ffm.lab.LiveTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk (a 64 KiB tmpfs, mounted by the test as root and unmounted after): writes that fail are reported and
 * counted as {@code events_lost}, no half record stays in the file, the engine keeps filtering every frame, and the
 * writer resumes once there is room again.
 */
@LiveTest
class EventLogFullDiskLiveTest {
    @TempDir
    Path dir;

    private Path mount;

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        mount = Files.createDirectory(dir.resolve("small"));
        run("mount", "-t", "tmpfs", "-o", "size=64k", "npflua-test", mount.toString());
    }

    @AfterEach
    void unmount() throws Exception {
        run("umount", mount.toString());
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }

    @Test
    void shouldCountAndReportLostEventsAndKeepFilteringWhenTheDiskIsFull() throws Exception {
        Path script = Files.writeString(dir.resolve("all.lua"), "function filter(p) return false, 'full' end\n");
        Path log = mount.resolve("eve.json");
        Cli.Result r = Cli.run(
                "replay",
                EventLogReplayTest.DEMO.toString(),
                "--repeat",
                "200",
                "-s",
                script.toString(),
                "--events",
                log.toString(),
                "--events-rate",
                "1000000",
                "--events-burst",
                "1000000",
                "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> c = Json.parseObject(r.out().trim());
        assertEquals(12_800L, c.get("frames"), "every frame filtered");
        assertEquals(12_800L, c.get("blocked"));
        long lost = (Long) c.get("events_lost");
        assertTrue(lost > 0, "a 64 KiB disk cannot hold 12,800 records: " + c);
        assertTrue(r.err().contains("write failed"), r.err());
        assertTrue(r.err().contains("events_lost"), r.err());
        List<String> lines = Files.readAllLines(log);
        for (String line : lines) {
            Json.parseObject(line); // no half record left behind
        }
        assertEquals((long) lines.size(), c.get("events_written"));
        assertEquals(c.get("events"), (Long) c.get("events_written") + lost);
    }

    @Test
    void shouldResumeWritingOnceThereIsRoomAgain() throws Exception {
        Path filler = mount.resolve("filler");
        Files.write(filler, new byte[60 * 1024]);
        Path log = mount.resolve("eve.json");
        RecordingErrors errors = new RecordingErrors();
        List<String> reports = errors.workerErrors;
        EventLog events = new EventLog(EventLogOptions.of(log).withRate(1e9, 1_000_000), 1, errors);
        EventFixtures worker = EventFixtures.start(events);
        WorkerCounters counters = worker.counters();
        try {
            worker.produce("why", 200);
            assertTrue(counters.get(WorkerCounter.EVENTS_LOST) > 0, "the disk is full");
            assertTrue(reports.stream().anyMatch(s -> s.contains("write failed")), reports.toString());
            Files.delete(filler);
            long written = counters.get(WorkerCounter.EVENTS_WRITTEN);
            worker.produce("why", 20);
            assertEquals(written + 20, counters.get(WorkerCounter.EVENTS_WRITTEN), "writing resumed");
        } finally {
            events.close();
        }
        assertEquals(
                counters.get(WorkerCounter.EVENTS_WRITTEN),
                Files.readAllLines(log).size());
    }
}
