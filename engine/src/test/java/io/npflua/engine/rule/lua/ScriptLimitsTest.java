package io.npflua.engine.rule.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.npflua.engine.rule.Rule;
import io.npflua.engine.rule.ScriptLimits;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.source.Frame;
import io.npflua.lua.sandbox.CallOutcome;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** A script's own limits ({@link ScriptLimits}) win over the factory's; unset ones are the factory's. */
class ScriptLimitsTest {
    /** Allocates some 10 MB per call, well inside the default 32 MiB per call. */
    private static final String HOG = "function filter(pkt)\n  local t = {}\n"
            + "  for i = 1, 1e5 do t[i] = tostring(i) .. 'x' end\n  return true\nend";

    private static CallOutcome once(LuaRuleFactory factory, ScriptSpec spec) throws Exception {
        try (Rule rule = factory.prepare(spec).newInstance(0)) {
            byte[] bytes = new byte[64];
            Frame frame = new Frame();
            frame.wrap(
                    MemorySegment.ofArray(bytes),
                    0,
                    bytes.length,
                    bytes.length,
                    false,
                    Frame.header(0, 1, Frame.DIRECTION_INBOUND));
            return rule.evaluate(frame);
        }
    }

    @Test
    void shouldApplyTheScriptsOwnAllocationLimitOverTheFactorys() throws Exception {
        LuaRuleFactory factory = new LuaRuleFactory().withCallLimits(0, 0);
        ScriptSpec hog = new ScriptSpec("hog", HOG, null, null, 100_000_000L);
        assertEquals(CallOutcome.PASS, once(factory, hog), "no limit from the factory");
        assertEquals(
                CallOutcome.BUDGET_EXCEEDED,
                once(factory, hog.withLimits(new ScriptLimits(null, 1L, null))),
                "1 MiB of its own");
        LuaRuleFactory strict = new LuaRuleFactory().withCallLimits(0, 1L << 20);
        assertEquals(CallOutcome.BUDGET_EXCEEDED, once(strict, hog));
        assertEquals(
                CallOutcome.PASS,
                once(strict, hog.withLimits(new ScriptLimits(null, 0L, null))),
                "0 of its own lifts the factory's limit");
        assertEquals(hog.limits(), hog.withSource(HOG).limits());
        assertThrows(IllegalArgumentException.class, () -> new ScriptLimits(-1L, null, null));
    }
}
