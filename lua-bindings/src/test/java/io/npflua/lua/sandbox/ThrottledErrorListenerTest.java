package io.npflua.lua.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottledErrorListenerTest {
    @Test
    void shouldPassOneReportPerScriptAndIntervalAndCountTheRest() {
        AtomicLong clock = new AtomicLong(0);
        List<String> out = new ArrayList<>();
        ThrottledErrorListener l = new ThrottledErrorListener((s, o, m) -> out.add(s + " " + m), 1000, clock::get);
        l.onError("a", CallOutcome.LUA_ERROR, "e1");
        l.onError("a", CallOutcome.LUA_ERROR, "e2");
        l.onError("b", CallOutcome.LUA_ERROR, "f1");
        l.onError("a", CallOutcome.LUA_ERROR, "e3");
        clock.set(1000);
        l.onError("a", CallOutcome.LUA_ERROR, "e4");
        l.onError("a", CallOutcome.LUA_ERROR, "e5");
        assertEquals(List.of("a e1", "b f1", "a e4 (2 similar reports suppressed)"), out);
    }
}
