package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.json.Json;
import io.npflua.engine.pcap.PcapWriter;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.VethLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code systemctl reload} of the deployed unit (SIGHUP) to a real {@code npflua run --config} process capturing on a
 * veth: the rules directory changes (one rule edited, one removed, one added, one added broken) and the event log is
 * moved away; after SIGHUP the process says per rule what changed, reports the broken one with its file and line,
 * keeps running, filters with the new rule (its drop records land in a new log file) and, once the broken file is
 * fixed, a second SIGHUP loads it and leaves the others alone. The final counters list exactly the rules the
 * directory has.
 */
@LiveTest
class RunReloadLiveTest {
    private static final String PASS = "function filter(p) return true end\n";

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void shouldLoadNewReloadChangedAndUnloadRemovedRulesOnSighupAndReportABrokenOne(VethLab lab) throws Exception {
        VethLab.VethPair pair = lab.addPair(true);
        Path input = dir.resolve("udp.pcap");
        int frames = 20;
        try (PcapWriter w = PcapWriter.create(input)) {
            for (int i = 0; i < frames; i++) {
                w.write(
                        1_750_000_000_000_000_000L + i * 1000L,
                        FrameBuilder.ethernet("02:00:00:00:0d:01", "02:00:00:00:0d:02")
                                .ipv4("198.18.9.1", "198.18.9.2")
                                .udp(30_000 + i, 7777)
                                .payload(new byte[16])
                                .build());
            }
        }
        Path rules = Files.createDirectory(dir.resolve("rules.d"));
        Files.writeString(rules.resolve("10-keep.lua"), PASS);
        Files.writeString(rules.resolve("20-old.lua"), PASS);
        Files.writeString(rules.resolve("50-same.lua"), PASS);
        Path log = dir.resolve("eve.json");
        Path config = Files.writeString(
                dir.resolve("npflua.lua"),
                "interfaces = { '" + pair.a() + "' }\n"
                        + "rules_dir = 'rules.d'\n"
                        + "outputs = { events = 'eve.json' }\n");
        Path stdout = dir.resolve("stdout.json");
        Path stderr = dir.resolve("stderr.txt");
        Process run = new ProcessBuilder(CliJvm.command(
                        Main.class,
                        "run",
                        "--config",
                        config.toString(),
                        "--no-control",
                        "--json",
                        "--duration",
                        "120"))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        try {
            LiveRuns.awaitText(stderr, "listening on", 1, run);
            // The rule list changes: edited, removed, added, added broken (line 2 does not parse); 50-same stays.
            Files.writeString(rules.resolve("10-keep.lua"), "-- edited\n" + PASS);
            Files.delete(rules.resolve("20-old.lua"));
            Files.writeString(
                    rules.resolve("30-new.lua"),
                    "function filter(p)\n  local u = p:udp()\n  if u and u.dst_port == 7777 then return false,"
                            + " 'port 7777 closed' end\n  return true\nend\n");
            Files.writeString(rules.resolve("40-broken.lua"), "function filter(p)\n  return = true\nend\n");
            Files.move(log, dir.resolve("eve.json.1")); // logrotate's move: SIGHUP opens a new file
            hangup(run);
            LiveRuns.awaitText(stderr, "rules reloaded:", 1, run);
            String err = Files.readString(stderr);
            assertTrue(err.contains("npflua: rule 20-old unloaded (no longer in the rule list)"), err);
            assertTrue(err.contains("npflua: rule 10-keep reloaded from "), err);
            assertTrue(err.contains("10-keep.lua (generation 2)"), err);
            assertTrue(err.contains("npflua: rule 30-new loaded from "), err);
            assertTrue(
                    err.contains("npflua: rule 40-broken not loaded: " + rules.resolve("40-broken.lua") + ":2:"), err);
            assertTrue(err.contains("rules reloaded: 1 loaded, 1 reloaded, 1 unloaded, 1 unchanged, 1 failed"), err);
            assertTrue(run.isAlive(), "a broken rule does not stop the engine: " + err);

            // The new rule filters: every frame to port 7777 blocked, one drop record each, in the new log file.
            String replayed = lab.execInNamespace("tcpreplay", "-q", "-i", pair.b(), input.toString());
            List<Map<String, Object>> drops = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (drops.size() < frames) {
                assertTrue(
                        System.nanoTime() < deadline,
                        "drop records in " + log + ": " + drops.size() + "; " + replayed + Files.readString(stderr));
                Thread.sleep(50);
                drops.clear();
                if (Files.exists(log)) {
                    for (String line : Files.readAllLines(log)) {
                        Map<String, Object> r = Json.parseObject(line);
                        if ("drop".equals(r.get("event_type"))) {
                            drops.add(r);
                        }
                    }
                }
            }
            for (Map<String, Object> r : drops) {
                assertEquals("port 7777 closed", ((Map<String, Object>) r.get("alert")).get("signature"));
                assertEquals("30-new", ((Map<String, Object>) r.get("npflua")).get("script"));
                assertEquals(7777L, r.get("dest_port"));
            }

            // Fixed, then a second SIGHUP: loaded now; the rest unchanged.
            Files.writeString(rules.resolve("40-broken.lua"), PASS);
            hangup(run);
            LiveRuns.awaitText(stderr, "rules reloaded:", 2, run);
            err = Files.readString(stderr);
            assertTrue(err.contains("npflua: rule 40-broken loaded from "), err);
            assertTrue(err.contains("rules reloaded: 1 loaded, 0 reloaded, 0 unloaded, 3 unchanged, 0 failed"), err);

            run.destroy(); // SIGTERM: final counters
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "npflua run exits after SIGTERM");
        } finally {
            run.destroyForcibly();
        }
        Map<String, Object> last = Json.parseObject(Files.readString(stdout).trim());
        List<String> names = new ArrayList<>();
        Map<String, Long> generations = new java.util.HashMap<>();
        for (Object o : (List<Object>) last.get("scripts")) {
            Map<String, Object> s = (Map<String, Object>) o;
            names.add((String) s.get("name"));
            generations.put((String) s.get("name"), (Long) s.get("generation"));
        }
        assertEquals(List.of("10-keep", "50-same", "30-new", "40-broken"), names, last.toString());
        assertEquals(2L, generations.get("10-keep"));
        assertEquals(1L, generations.get("50-same"));
        assertEquals((long) frames, last.get("blocked"), last.toString());
        assertEquals((long) frames, last.get("drop_events_written"), last.toString());
    }

    private static void hangup(Process p) throws Exception {
        assertEquals(
                0,
                new ProcessBuilder("kill", "-HUP", Long.toString(p.pid()))
                        .start()
                        .waitFor());
    }
}
