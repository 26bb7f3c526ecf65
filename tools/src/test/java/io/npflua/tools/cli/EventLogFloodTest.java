package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.event.EventLogOptions;
import io.npflua.engine.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of blocked frames cannot flood the log: 1,000,000 frames (the demo capture 15,625 times) all blocked, with
 * flows on, the log holds at most what the rate limit lets through per event type, and each type's suppression and
 * drop counters account for the rest of its events.
 * Then SIGHUP to a real process after {@code mv} of its log: later records go to a new file, none is lost.
 */
class EventLogFloodTest {
    @TempDir
    Path dir;

    @Test
    void shouldHoldAtMostTheRateLimitedNumberAndCountTheRestPerEventType() throws Exception {
        Path script = Files.writeString(dir.resolve("all.lua"), "function filter(p) return false, 'flood' end\n");
        Path log = dir.resolve("eve.json");
        // Flows on (the default): each pass of the capture is a source of its own, its flows end when the table
        // fills or they idle out, and their flow records share the log with the drop records, under their own
        // rate limit and counters.
        Cli.Result r = Cli.run(
                "replay",
                EventLogReplayTest.DEMO.toString(),
                "--repeat",
                "15625",
                "-s",
                script.toString(),
                "--events",
                log.toString(),
                "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> c = Json.parseObject(r.out().trim());
        long frames = (Long) c.get("frames");
        assertEquals(1_000_000L, frames);
        assertEquals(frames, c.get("blocked"));
        Map<String, Long> records = new HashMap<>();
        Map<String, Long> reported = new HashMap<>();
        List<String> lines = Files.readAllLines(log);
        for (String line : lines) {
            Map<String, Object> record = Json.parseObject(line);
            String type = (String) record.get("event_type");
            records.merge(type, 1L, Long::sum);
            Object s = ((Map<?, ?>) record.get("npflua")).get("suppressed");
            reported.merge(type, s == null ? 0 : (Long) s, Long::sum);
        }
        long elapsedNs = (Long) c.get("elapsed_ns");
        double allowed = EventLogOptions.DEFAULT_BURST + EventLogOptions.DEFAULT_RATE * (elapsedNs / 1e9 + 1);

        // Drop records: one generated per blocked frame.
        long drops = records.getOrDefault("drop", 0L);
        assertTrue(drops <= allowed, drops + " drop records in " + elapsedNs / 1e6 + " ms; at most " + allowed);
        assertTrue(drops >= EventLogOptions.DEFAULT_BURST, "the burst gets through: " + drops);
        assertEquals(
                frames,
                (Long) c.get("drop_events")
                        + (Long) c.get("drop_events_suppressed")
                        + (Long) c.get("drop_events_dropped"),
                "every blocked frame is logged, suppressed or dropped: " + c);
        assertEquals(drops, c.get("drop_events_written"));
        assertEquals(c.get("drop_events"), (Long) c.get("drop_events_written") + (Long) c.get("drop_events_lost"));
        long dropsReported = reported.getOrDefault("drop", 0L);
        assertTrue(
                dropsReported <= (Long) c.get("drop_events_suppressed") && dropsReported > 0,
                dropsReported + " reported of " + c.get("drop_events_suppressed"));

        // Flow records: one generated per flow that ended (expired or evicted; those still active at the end are not
        // logged), under the flows' own rate limit.
        long flows = records.getOrDefault("flow", 0L);
        long ended = (Long) c.get("flows_expired") + (Long) c.get("flows_evicted");
        assertTrue(ended > EventLogOptions.DEFAULT_BURST, "the flood ends many flows: " + c);
        assertEquals(
                ended,
                (Long) c.get("flow_events")
                        + (Long) c.get("flow_events_suppressed")
                        + (Long) c.get("flow_events_dropped"),
                "every ended flow is logged, suppressed or dropped: " + c);
        assertEquals(flows, c.get("flow_events_written"));
        assertEquals(c.get("flow_events"), (Long) c.get("flow_events_written") + (Long) c.get("flow_events_lost"));
        assertTrue(flows >= EventLogOptions.DEFAULT_BURST && flows <= allowed, flows + " flow records");
        assertTrue(reported.getOrDefault("flow", 0L) <= (Long) c.get("flow_events_suppressed"));

        // Nothing else was logged, and the totals are the sums over the types.
        assertEquals(Set.of("drop", "flow"), records.keySet(), records.toString());
        for (String count : List.of("events", "events_suppressed", "events_dropped", "events_written", "events_lost")) {
            long sum = 0;
            for (String type : List.of("drop", "alert", "script_error", "flow")) {
                sum += (Long) c.get(type + "_" + count);
            }
            assertEquals(sum, c.get(count), count + " is the sum over the event types: " + c);
        }
        assertEquals((long) lines.size(), c.get("events_written"));
        assertEquals(0L, c.get("events_lost"));
    }

    @Test
    void shouldWriteToANewFileAfterMoveAndSighupWithoutLosingRecords() throws Exception {
        Path script = Files.writeString(dir.resolve("all.lua"), "function filter(p) return false end\n");
        Path log = dir.resolve("eve.json");
        Path rotated = dir.resolve("eve.json.1");
        Path stdout = dir.resolve("stdout.json");
        Path stderr = dir.resolve("stderr.txt");
        // 64 x 2,000,000 frames: far more than the test waits for; SIGTERM ends it.
        Process p = new ProcessBuilder(CliJvm.command(
                        Main.class,
                        "replay",
                        EventLogReplayTest.DEMO.toString(),
                        "--repeat",
                        "2000000",
                        "-s",
                        script.toString(),
                        "--events",
                        log.toString(),
                        "--events-rate",
                        "2000",
                        "--events-burst",
                        "10",
                        "--json"))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        try {
            waitFor(() -> Files.exists(log) && Files.size(log) > 10_000, p, stderr);
            Files.move(log, rotated);
            long before = Files.readAllLines(rotated).size();
            new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();
            waitFor(() -> Files.exists(log) && Files.size(log) > 10_000, p, stderr);
            assertTrue(p.isAlive(), "SIGHUP did not stop the engine");
            p.destroy(); // SIGTERM: final counters, log flushed
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            Map<String, Object> c = Json.parseObject(Files.readString(stdout).trim());
            List<String> old = Files.readAllLines(rotated);
            List<String> fresh = Files.readAllLines(log);
            assertTrue(old.size() >= before, "the moved file kept its records");
            assertTrue(fresh.size() > 0);
            assertEquals((long) old.size() + fresh.size(), c.get("events_written"), "none lost: " + c);
            assertEquals(0L, c.get("events_lost"));
            for (String line : fresh) {
                Json.parseObject(line); // every line of the new file is whole JSON
            }
        } finally {
            p.destroyForcibly();
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check check, Process p, Path stderr) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!check.ok()) {
            assertTrue(p.isAlive(), () -> "process ended: " + read(stderr));
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(20);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
