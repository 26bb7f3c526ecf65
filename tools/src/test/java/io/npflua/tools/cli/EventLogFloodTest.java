package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.event.EventLogOptions;
import io.npflua.engine.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of blocked frames cannot flood the log: 1,000,000 frames (the demo capture 15,625 times) all blocked, the
 * log holds at most what the rate limit lets through, and the suppression and drop counters account for the rest.
 * Then SIGHUP to a real process after {@code mv} of its log: later records go to a new file, none is lost.
 */
class EventLogFloodTest {
    @TempDir
    Path dir;

    @Test
    void shouldHoldAtMostTheRateLimitedNumberAndCountTheRest() throws Exception {
        Path script = Files.writeString(dir.resolve("all.lua"), "function filter(p) return false, 'flood' end\n");
        Path log = dir.resolve("eve.json");
        Cli.Result r = Cli.run(
                "replay",
                EventLogReplayTest.DEMO.toString(),
                "--repeat",
                "15625",
                "-s",
                script.toString(),
                "--events",
                log.toString(),
                // Drop records only: the flow records of the repeated connections have a rate limit of their own.
                "--no-flows",
                "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> c = Json.parseObject(r.out().trim());
        long frames = (Long) c.get("frames");
        assertEquals(1_000_000L, frames);
        assertEquals(frames, c.get("blocked"));
        long lines = Files.readAllLines(log).size();
        long events = (Long) c.get("events");
        long suppressed = (Long) c.get("events_suppressed");
        long dropped = (Long) c.get("events_dropped");
        long elapsedNs = (Long) c.get("elapsed_ns");
        double allowed = EventLogOptions.DEFAULT_BURST + EventLogOptions.DEFAULT_RATE * (elapsedNs / 1e9 + 1);
        assertTrue(lines <= allowed, lines + " records in " + elapsedNs / 1e6 + " ms; at most " + allowed);
        assertTrue(lines >= EventLogOptions.DEFAULT_BURST, "the burst gets through: " + lines);
        assertEquals(frames, events + suppressed + dropped, "every blocked frame is logged, suppressed or dropped");
        assertEquals(events, (Long) c.get("events_written") + (Long) c.get("events_lost"));
        assertEquals(lines, c.get("events_written"));
        // The records after the burst report how many were suppressed before them.
        long reported = 0;
        for (String line : Files.readAllLines(log)) {
            Object s = ((Map<?, ?>) Json.parseObject(line).get("npflua")).get("suppressed");
            reported += s == null ? 0 : (Long) s;
        }
        assertTrue(reported <= suppressed && reported > 0, reported + " reported of " + suppressed);
    }

    @Test
    void shouldWriteToANewFileAfterMoveAndSighupWithoutLosingRecords() throws Exception {
        Path script = Files.writeString(dir.resolve("all.lua"), "function filter(p) return false end\n");
        Path log = dir.resolve("eve.json");
        Path rotated = dir.resolve("eve.json.1");
        Path stdout = dir.resolve("stdout.json");
        Path stderr = dir.resolve("stderr.txt");
        // 64 x 2,000,000 frames: far more than the test waits for; SIGTERM ends it.
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
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
                        "--json")
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
