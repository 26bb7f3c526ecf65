package io.npflua.engine.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.Engine;
import io.npflua.engine.EngineFixtures;
import io.npflua.engine.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControlProtocolTest {
    private final Engine engine = EngineFixtures.idleEngine();
    private final ControlProtocol protocol = new ControlProtocol(engine);

    @AfterEach
    void close() {
        engine.close();
    }

    private Map<String, Object> call(String request) throws Exception {
        return Json.parseObject(protocol.handle(request));
    }

    private void assertError(String request, String code, String fragment) throws Exception {
        Map<String, Object> r = call(request);
        assertEquals(Boolean.FALSE, r.get("ok"), request);
        assertEquals(code, r.get("code"), request + " -> " + r);
        assertTrue(((String) r.get("error")).contains(fragment), r.get("error") + " should mention " + fragment);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldLoadReloadListAndUnloadScripts() throws Exception {
        Map<String, Object> loaded = call("{\"cmd\":\"load\",\"id\":7,\"name\":\"ssh\",\"source\":\"block-odd\","
                + "\"entry\":\"check\",\"on_error\":\"block\",\"max_instructions\":5000}");
        assertEquals(Boolean.TRUE, loaded.get("ok"));
        assertEquals(7L, loaded.get("id"));
        Map<String, Object> rule = (Map<String, Object>) loaded.get("rule");
        assertEquals("check", rule.get("entry"));
        assertEquals("block", rule.get("on_error"));
        assertEquals(5000L, rule.get("max_instructions"));

        Map<String, Object> reloaded = call("{\"cmd\":\"reload\",\"name\":\"ssh\",\"source\":\"pass\"}");
        rule = (Map<String, Object>) reloaded.get("rule");
        assertEquals(2L, rule.get("generation"));
        assertEquals("check", rule.get("entry"), "reload keeps what it is not told to change");
        assertEquals("pass", engine.script("ssh").source());
        assertEquals(
                3L,
                ((Map<String, Object>)
                                call("{\"cmd\":\"reload\",\"name\":\"ssh\"}").get("rule"))
                        .get("generation"),
                "reload without source recompiles the current one");

        List<Object> rules = (List<Object>) call("{\"cmd\":\"list\"}").get("rules");
        assertEquals(1, rules.size());
        assertEquals("ssh", ((Map<String, Object>) rules.get(0)).get("name"));

        assertEquals(
                "ssh",
                call("{\"cmd\":\"unload\",\"name\":\"ssh\",\"id\":\"x\"}").get("unloaded"));
        assertTrue(engine.list().isEmpty());
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldReportStatsWithTheDocumentedFields() throws Exception {
        call("{\"cmd\":\"load\",\"name\":\"a\",\"source\":\"pass\"}");
        Map<String, Object> stats =
                (Map<String, Object>) call("{\"cmd\":\"stats\"}").get("stats");
        for (String key : List.of(
                "frames", "passed", "blocked", "errors", "kernel_packets", "kernel_drops", "scripts", "workers")) {
            assertTrue(stats.containsKey(key), "stats has " + key + ": " + stats);
        }
        Map<String, Object> script = (Map<String, Object>) ((List<Object>) stats.get("scripts")).get(0);
        for (String key : List.of("name", "calls", "passed", "blocked", "errors")) {
            assertTrue(script.containsKey(key), "script has " + key);
        }
        assertEquals(1L, call("{\"cmd\":\"ping\"}").get("version"));
    }

    @Test
    void shouldRejectAScriptThatDoesNotCompileWithItsErrorAndKeepTheChain() throws Exception {
        call("{\"cmd\":\"load\",\"name\":\"a\",\"source\":\"pass\"}");
        assertError("{\"cmd\":\"reload\",\"name\":\"a\",\"source\":\"oops(\"}", "rejected", "a.lua:1: syntax error");
        assertEquals("pass", engine.script("a").source());
        assertError("{\"cmd\":\"load\",\"name\":\"a\",\"source\":\"pass\"}", "rejected", "already loaded");
        assertError("{\"cmd\":\"unload\",\"name\":\"zz\"}", "rejected", "no rule named 'zz'");
        assertError("{\"cmd\":\"reload\",\"name\":\"zz\"}", "rejected", "no script named 'zz'");
    }

    @Test
    void shouldAnswerBadRequestsWithAnError() throws Exception {
        assertError("", "malformed", "unexpected end");
        assertError("{\"cmd\":", "malformed", "invalid JSON");
        assertError("[1,2]", "malformed", "expected a JSON object");
        assertError("{\"cmd\":\"list\"} trailing", "malformed", "after the value");
        assertError("{}", "bad_request", "missing \"cmd\"");
        assertError("{\"cmd\":42}", "bad_request", "missing \"cmd\"");
        assertError("{\"cmd\":\"format-disk\"}", "unknown_command", "unknown command 'format-disk'");
        assertError("{\"cmd\":\"list\",\"path\":\"/etc/shadow\"}", "bad_request", "unknown field \"path\"");
        assertError("{\"cmd\":\"load\",\"name\":\"a\"}", "bad_request", "missing \"source\"");
        assertError("{\"cmd\":\"load\",\"name\":\"a b\",\"source\":\"pass\"}", "bad_request", "is invalid");
        assertError(
                "{\"cmd\":\"load\",\"name\":\"a\",\"source\":\"pass\",\"on_error\":\"explode\"}",
                "bad_request",
                "use pass or block");
        assertError(
                "{\"cmd\":\"load\",\"name\":\"a\",\"source\":\"pass\",\"max_instructions\":-1}",
                "bad_request",
                "non-negative");
        assertError("{\"cmd\":\"load\",\"name\":\"a\",\"source\":1}", "bad_request", "must be a string");
        assertError("{\"cmd\":\"list\",\"id\":[1]}", "bad_request", "\"id\"");
        assertError("[".repeat(100), "malformed", "expected a JSON object");
        // The depth bound is Jackson's StreamReadConstraints (Json.CONTROL_CONSTRAINTS: 32 levels).
        assertError("{\"cmd\":" + "[".repeat(100), "malformed", "nesting depth");
        assertTrue(engine.list().isEmpty());
    }

    @Test
    void shouldAdmitOnlyRootAndTheEnginesUser() {
        PeerPolicy policy = new PeerPolicy("npflua");
        assertNull(policy.refusal("root"));
        assertNull(policy.refusal("0"));
        assertNull(policy.refusal("npflua"));
        String refusal = policy.refusal("nobody");
        assertTrue(refusal.contains("permission denied: user 'nobody'"), refusal);
        assertTrue(refusal.contains("only root and 'npflua'"), refusal);
        assertTrue(policy.refusal("65534").contains("'65534'"));
        assertTrue(policy.refusal("rooty") != null);
    }

    @Test
    void shouldRefuseFlowListingsOutOfBoundsAndAnswerAnIdleEngineAtOnce() throws Exception {
        assertError("{\"cmd\":\"flows\",\"limit\":100001}", "bad_request", "at most 100000");
        assertError("{\"cmd\":\"flows\",\"limit\":-1}", "bad_request", "non-negative");
        assertError("{\"cmd\":\"flows\",\"worker\":1}", "bad_request", "unknown field \"worker\"");
        // Not started: no worker to ask, so none answers and nothing waits.
        Map<String, Object> r = call("{\"cmd\":\"flows\"}");
        assertEquals(Boolean.TRUE, r.get("ok"), r.toString());
        assertEquals(2L, r.get("unanswered"));
        assertEquals(List.of(), r.get("flows"));
    }
}
