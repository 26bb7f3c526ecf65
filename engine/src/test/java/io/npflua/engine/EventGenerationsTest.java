package io.npflua.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.event.EventLogOptions;
import io.npflua.engine.json.Json;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.source.MemoryFrameSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code npflua.generation} comes from the chain the worker runs: a hot reload's records carry the new generation from
 * the new version's first call on (while the reload call has not even returned), and a rule that was not reloaded
 * keeps its own.
 */
class EventGenerationsTest {
    private static final int WORKERS = 2;

    /** Alerts on every 1000th frame: records before and after the other rule's reload. */
    private static final String KEEP = """
            local n = 0
            function filter(pkt)
              n = n + 1
              if n % 1000 == 1 then alert('keep') end
              return true
            end
            """;

    /** On its first 100 frames (per worker): an alert, then a failure on the first, a block with a reason after. */
    private static String hot(String version) {
        return """
                local n = 0
                function filter(pkt)
                  n = n + 1
                  if n > 100 then return true end
                  alert('VERSION')
                  if n == 1 then error('VERSION fails') end
                  return false, 'VERSION'
                end
                """.replace("VERSION", version);
    }

    @TempDir
    Path dir;

    @Test
    void shouldTagTheNewVersionsRecordsWithTheNewGenerationAndLeaveTheOtherRulesAlone() throws Exception {
        Path log = dir.resolve("eve.json");
        // No rate limit in the way: every record the scripts make is written.
        EventLog events = new EventLog(EventLogOptions.of(log).withRate(1e12, 1 << 30), WORKERS, ErrorHandler.STDERR);
        EngineSnapshot s;
        try (Engine engine = Engine.builder()
                .tap("veth-a")
                .workers(WORKERS)
                .sources(new MemorySourceFactory(Set.of("veth-a"), 64, MemoryFrameSource.ENDLESS, 0))
                .ruleFactory(EngineSources.lua())
                .errorHandler(new RecordingErrors())
                .script(ScriptSpec.of("keep", KEEP))
                .script(ScriptSpec.of("hot", hot("v1")))
                .events(events)
                .build()) {
            engine.start();
            // Every worker past each version's first 100 frames (and then some) before the next reload.
            EngineFixtures.awaitFramesPerWorker(engine, null, 10_000);
            assertEquals(2, engine.reload("hot", hot("v2")).generation());
            EngineFixtures.awaitFramesPerWorker(engine, engine.stats(), 10_000);
            assertEquals(3, engine.reload("hot", hot("v3")).generation());
            EngineFixtures.awaitFramesPerWorker(engine, engine.stats(), 10_000);
            s = engine.closeAndReport();
        }
        assertEquals(0, s.total(WorkerCounter.EVENTS_DROPPED), "every record was handed over: " + s);
        assertEquals(0, s.total(WorkerCounter.EVENTS_LOST));
        Map<String, Long> expected = Map.of("keep", 1L, "v1", 1L, "v2", 2L, "v3", 3L);
        Map<String, Integer> seen = new HashMap<>();
        boolean keepAfterReloads = false;
        for (String line : Files.readAllLines(log)) {
            Map<String, Object> e = Json.parseObject(line);
            Map<?, ?> n = (Map<?, ?>) e.get("npflua");
            String type = (String) e.get("event_type");
            String version = switch (type) {
                case "alert", "drop" -> (String) ((Map<?, ?>) e.get("alert")).get("signature");
                case "script_error" -> ((String) n.get("message")).replaceAll(".*(v\\d) fails.*", "$1");
                default -> throw new AssertionError("unexpected record " + line);
            };
            assertEquals(expected.get(version), n.get("generation"), line);
            assertEquals(version.equals("keep") ? "keep" : "hot", n.get("script"), line);
            seen.merge(type + " " + version, 1, Integer::sum);
            keepAfterReloads |= version.equals("keep") && seen.containsKey("alert v3");
        }
        for (String v : List.of("v1", "v2", "v3")) {
            assertEquals(WORKERS * 100, seen.get("alert " + v), v + ": " + seen);
            assertEquals(WORKERS * 99, seen.get("drop " + v), v + ": " + seen);
            assertEquals(WORKERS, seen.get("script_error " + v), v + ": " + seen);
        }
        assertTrue(keepAfterReloads, "the untouched rule wrote records after the reloads: " + seen);
    }
}
