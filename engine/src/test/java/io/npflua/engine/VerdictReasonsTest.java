package io.npflua.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.ReasonCounts;
import io.npflua.engine.counter.ScriptSnapshot;
import io.npflua.engine.counter.SnapshotJson;
import io.npflua.engine.json.Json;
import io.npflua.engine.rule.ScriptSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reasons returned with verdicts are counted per script, summed over workers, and listed in stats and JSON. */
class VerdictReasonsTest {
    static final Path DEMO = Path.of("")
            .toAbsolutePath()
            .getParent()
            .resolve("engine/src/main/resources/io/npflua/engine/demo/demo.pcap");

    static final String BANNERS = """
            function filter(pkt)
              local tcp, pld = pkt:tcp(), pkt:payload()
              if not (tcp and pld) or tcp.src_port ~= 22 then return true end
              local software = pld:match('^SSH%-[%d.]+%-([^\\r\\n ]+)')
              if software == 'OpenSSH_6.4' then return false, 'OpenSSH 6.4 is banned' end
              if software then return true, 'ssh ' .. software end
              return true
            end
            """;

    /** The final counters of {@code script} run over the demo capture once with {@code workers} workers. */
    private static EngineSnapshot replayDemo(int workers, ScriptSpec script) throws Exception {
        try (Engine engine = Engine.builder()
                .tap(DEMO.toString())
                .workers(workers)
                .sources(EngineSources.pcap(1))
                .ruleFactory(EngineSources.lua())
                .script(script)
                .build()) {
            engine.start();
            engine.awaitEnd(20, TimeUnit.SECONDS);
            return engine.closeAndReport();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    @SuppressWarnings("unchecked")
    void shouldCountReasonsPerScriptAndListTheTopOnes(int workers) throws Exception {
        EngineSnapshot s = replayDemo(workers, ScriptSpec.of("banners", BANNERS));
        assertEquals(3, s.blocked());
        ScriptSnapshot script = s.scripts().get(0);
        assertEquals(
                List.of(
                        new ReasonCounts.ReasonCount("OpenSSH 6.4 is banned", 3),
                        new ReasonCounts.ReasonCount("ssh OpenSSH_9.6p1", 1)),
                script.topReasons());
        Map<String, Object> json = Json.parseObject(SnapshotJson.render(s));
        Map<String, Object> first = (Map<String, Object>) ((List<Object>) json.get("scripts")).get(0);
        assertEquals(
                List.of(
                        Map.of("reason", "OpenSSH 6.4 is banned", "count", 3L),
                        Map.of("reason", "ssh OpenSSH_9.6p1", "count", 1L)),
                first.get("top_reasons"));
    }

    /** One reason per call, 40 distinct in turn: more than a worker counts one by one (32). */
    static final String FORTY_REASONS = """
            local n = 0
            function filter(pkt)
              n = n + 1
              return true, 'r' .. (n % 40)
            end
            """;

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    @SuppressWarnings("unchecked")
    void shouldCountTheReasonsOutsideTheTopOnesAsOtherReasons(int workers) throws Exception {
        EngineSnapshot s = replayDemo(workers, ScriptSpec.of("many", FORTY_REASONS));
        ScriptSnapshot script = s.scripts().get(0);
        assertEquals(ScriptSnapshot.TOP_REASONS, script.topReasons().size());
        long listed = script.topReasons().stream()
                .mapToLong(ReasonCounts.ReasonCount::count)
                .sum();
        assertEquals(script.calls(), listed + script.otherReasons(), "every reason is listed or counted as other");
        if (workers == 1) {
            // 64 frames: r1..r24 twice, r25..r32 once in the table, r33..r39 and r0 once beyond it; the top ten are
            // ten of the reasons given twice.
            assertEquals(20, listed);
            assertEquals(44, script.otherReasons());
        }
        Map<String, Object> json = Json.parseObject(SnapshotJson.render(s));
        Map<String, Object> first = (Map<String, Object>) ((List<Object>) json.get("scripts")).get(0);
        assertEquals(script.otherReasons(), first.get("other_reasons"));
    }
}
