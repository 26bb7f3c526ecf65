package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.Engine;
import io.npflua.engine.RuleInfo;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.rule.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RuleSync} against a real engine (Lua rules, the demo capture as its source): what SIGHUP does to the chain
 * for each kind of change of a rules directory, and what it says. The same path runs in a real {@code npflua run}
 * process in {@code RunReloadLiveTest} (root).
 */
class RuleSyncTest {
    private static final String PASS = "function filter(p) return true end\n";

    @TempDir
    Path dir;

    private Path rules;
    private Engine engine;
    private final StringWriter out = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        rules = Files.createDirectory(dir.resolve("rules.d"));
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    /** An engine started with the rules the directory holds now, and a RuleSync that reads the directory again. */
    private RuleSync start() {
        return start(wanted(), b -> {});
    }

    /**
     * An engine started with the rules {@code wanted} names now (plus what {@code extra} adds to its builder), and a
     * RuleSync that asks {@code wanted} again.
     */
    private RuleSync start(Supplier<RuleSync.Wanted> wanted, java.util.function.Consumer<Engine.Builder> extra) {
        List<ScriptPlan> atStart = wanted.get().scripts();
        Engine.Builder b = Engine.builder()
                .workers(1)
                .sources(new EngineFactories().pcapSources(1))
                .ruleFactory(new EngineFactories().luaRules())
                .tap(EventLogReplayTest.DEMO.toString());
        EngineSetup.addScripts(b, atStart, null, null);
        extra.accept(b);
        engine = EngineSetup.build(b, atStart);
        return new RuleSync(engine, atStart, wanted, new PrintWriter(out));
    }

    private Supplier<RuleSync.Wanted> wanted() {
        return () -> {
            List<ScriptPlan> plans = new ArrayList<>();
            for (Path p : ScriptFiles.rulesDir(rules)) {
                plans.add(new ScriptPlan(ScriptArgument.baseName(p), p, null, null, null));
            }
            return new RuleSync.Wanted(plans, null, null);
        };
    }

    private Map<String, Long> chain() {
        return engine.list().stream()
                .collect(Collectors.toMap(
                        RuleInfo::name, RuleInfo::generation, (a, b) -> a, java.util.LinkedHashMap::new));
    }

    @Test
    void shouldLoadNewReloadChangedUnloadRemovedAndLeaveUnchangedRulesAlone() throws Exception {
        Files.writeString(rules.resolve("10-a.lua"), PASS);
        Files.writeString(rules.resolve("20-b.lua"), PASS);
        Files.writeString(rules.resolve("30-c.lua"), PASS);
        RuleSync sync = start();
        Files.writeString(rules.resolve("10-a.lua"), "-- changed\n" + PASS);
        Files.delete(rules.resolve("20-b.lua"));
        Files.writeString(rules.resolve("40-d.lua"), "function filter(p) return false, 'd' end\n");

        RuleSync.Result r = sync.sync();

        assertEquals(new RuleSync.Result(1, 1, 1, 1, 0), r);
        assertEquals(Map.of("10-a", 2L, "30-c", 1L, "40-d", 1L), chain());
        assertEquals(List.of("10-a", "30-c", "40-d"), new ArrayList<>(chain().keySet()), "new rules go last");
        assertTrue(engine.script("10-a").source().startsWith("-- changed"));
        String said = out.toString();
        assertTrue(said.contains("npflua: rule 20-b unloaded (no longer in the rule list)"), said);
        assertTrue(said.contains("npflua: rule 10-a reloaded from " + rules.resolve("10-a.lua") + " (generation 2)"));
        assertTrue(said.contains("npflua: rule 40-d loaded from " + rules.resolve("40-d.lua") + " (generation 1)"));
        assertTrue(!said.contains("30-c"), "an unchanged rule gets no line: " + said);
        assertTrue(said.contains("npflua: rules reloaded: 1 loaded, 1 reloaded, 1 unloaded, 1 unchanged, 0 failed"));

        // Nothing changed since: a second pass touches nothing.
        assertEquals(new RuleSync.Result(0, 0, 0, 3, 0), sync.sync());
        assertEquals(Map.of("10-a", 2L, "30-c", 1L, "40-d", 1L), chain());
    }

    @Test
    void shouldKeepTheRunningVersionOfABrokenRuleAndTakeItOnceFixed() throws Exception {
        Files.writeString(rules.resolve("10-a.lua"), PASS);
        RuleSync sync = start();
        Files.writeString(rules.resolve("10-a.lua"), "function filter(p)\n  return = 1\nend\n");
        Files.writeString(rules.resolve("20-new.lua"), "function filter(p\n");
        Files.writeString(rules.resolve("30-ok.lua"), PASS);

        assertEquals(new RuleSync.Result(1, 0, 0, 0, 2), sync.sync());

        assertEquals(Map.of("10-a", 1L, "30-ok", 1L), chain(), "the broken ones changed nothing");
        assertEquals(PASS, engine.script("10-a").source(), "the running version stays");
        String said = out.toString();
        assertTrue(
                said.contains("npflua: rule 10-a not reloaded: " + rules.resolve("10-a.lua")
                        + ":2: unexpected symbol near '='; generation 1 keeps running"),
                said);
        assertTrue(said.contains("npflua: rule 20-new not loaded: " + rules.resolve("20-new.lua") + ":"), said);

        Files.writeString(rules.resolve("10-a.lua"), "-- fixed\n" + PASS);
        Files.writeString(rules.resolve("20-new.lua"), PASS);
        assertEquals(new RuleSync.Result(1, 1, 0, 1, 0), sync.sync());
        assertEquals(Map.of("10-a", 2L, "20-new", 1L, "30-ok", 1L), chain());
    }

    @Test
    void shouldChangeNothingWhenTheRuleListCannotBeRead() throws Exception {
        Files.writeString(rules.resolve("10-a.lua"), PASS);
        RuleSync sync = start();
        Files.delete(rules.resolve("10-a.lua"));
        Files.delete(rules);

        assertEquals(new RuleSync.Result(0, 0, 0, 0, 1), sync.sync());

        assertEquals(Map.of("10-a", 1L), chain());
        String said = out.toString();
        assertTrue(said.contains("npflua: reload failed: cannot use rules directory " + rules + ": no such directory"));
        assertTrue(said.contains("; the running rules are unchanged"), said);
    }

    @Test
    void shouldLeaveARuleLoadedOverTheControlSocketAlone() throws Exception {
        Files.writeString(rules.resolve("10-a.lua"), PASS);
        RuleSync sync = start();
        engine.load(new ScriptSpec("manual", PASS, null, null, 0));
        Files.delete(rules.resolve("10-a.lua"));

        assertEquals(new RuleSync.Result(0, 0, 1, 0, 0), sync.sync());

        assertEquals(Map.of("manual", 1L), chain());
    }

    @Test
    void shouldNeitherReplaceNorUnloadAJavaHandlerWhoseNameTheListTakesUp() throws Exception {
        Files.writeString(rules.resolve("10-a.lua"), PASS);
        RuleSync sync = start(wanted(), b -> b.handler("20-h", f -> Verdict.BLOCK));
        Files.writeString(rules.resolve("20-h.lua"), PASS);

        assertEquals(new RuleSync.Result(0, 0, 0, 1, 1), sync.sync());

        assertEquals(Map.of("10-a", 1L, "20-h", 1L), chain());
        assertEquals(null, engine.script("20-h"), "still the Java handler");
        assertTrue(
                out.toString().contains("npflua: rule 20-h not loaded: a Java handler of that name is loaded"),
                out.toString());

        // The file goes again: the list never loaded that rule, so it has nothing to unload.
        Files.delete(rules.resolve("20-h.lua"));
        assertEquals(new RuleSync.Result(0, 0, 0, 1, 0), sync.sync());
        assertEquals(Map.of("10-a", 1L, "20-h", 1L), chain(), "the handler stays: " + out);
        assertEquals("java", engine.list().get(1).kind());
    }

    @Test
    void shouldChangeNothingWhenTwoRulesOfTheListShareAName() throws Exception {
        Files.writeString(rules.resolve("10-a.lua"), PASS);
        Path other = Files.writeString(dir.resolve("elsewhere.lua"), "function filter(p) return false end\n");
        List<ScriptPlan> extra = new ArrayList<>();
        Supplier<RuleSync.Wanted> withExtra = () -> {
            List<ScriptPlan> plans = new ArrayList<>(wanted().get().scripts());
            plans.addAll(extra);
            return new RuleSync.Wanted(plans, null, null);
        };
        RuleSync sync = start(withExtra, b -> {});
        Files.writeString(rules.resolve("20-b.lua"), PASS);
        extra.add(new ScriptPlan("10-a", other, null, null, null));

        assertEquals(new RuleSync.Result(0, 0, 0, 0, 1), sync.sync());

        assertEquals(Map.of("10-a", 1L), chain(), "neither the duplicate nor the new rule was taken");
        assertEquals(PASS, engine.script("10-a").source());
        String said = out.toString();
        assertTrue(
                said.contains("npflua: reload failed: two scripts named '10-a' in the rule list: "
                        + rules.resolve("10-a.lua") + " and " + other),
                said);
        assertTrue(said.contains("; the running rules are unchanged"), said);

        extra.clear();
        assertEquals(new RuleSync.Result(1, 0, 0, 1, 0), sync.sync(), "once the list is fixed, the next pass applies");
        assertEquals(Map.of("10-a", 1L, "20-b", 1L), chain());
    }

    @Test
    void shouldLoadAgainARuleUnloadedOverTheControlSocketWhileTheListStillNamesIt() throws Exception {
        Files.writeString(rules.resolve("10-a.lua"), PASS);
        Files.writeString(rules.resolve("20-b.lua"), PASS);
        RuleSync sync = start();
        engine.unload("10-a");
        engine.unload("20-b");
        Files.delete(rules.resolve("20-b.lua"));

        // The list is what the engine runs after SIGHUP: 10-a is back (a new rule, at the end); 20-b left the list
        // and is gone already.
        assertEquals(new RuleSync.Result(1, 0, 0, 0, 0), sync.sync());

        assertEquals(Map.of("10-a", 1L), chain());
        String said = out.toString();
        assertTrue(
                said.contains("npflua: rule 10-a loaded from " + rules.resolve("10-a.lua") + " (generation 1)"), said);
        assertTrue(said.contains("npflua: rule 20-b left the rule list; it was not loaded ("), said);
        assertTrue(!said.contains("rule 20-b unloaded"), said);
        assertEquals(new RuleSync.Result(0, 0, 0, 1, 0), sync.sync());
    }
}
