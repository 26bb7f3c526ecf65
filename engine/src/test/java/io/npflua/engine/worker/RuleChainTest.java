package io.npflua.engine.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.ScriptCounters;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.Rule;
import io.npflua.engine.source.Frame;
import io.npflua.lua.sandbox.CallOutcome;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleChainTest {
    private final Frame frame = new Frame()
            .wrap(MemorySegment.ofArray(new byte[64]), 0, 64, 64, false, Frame.header(0, 1, Frame.DIRECTION_UNKNOWN));
    private final List<String> reports = new ArrayList<>();
    private final ErrorHandler errors = new ErrorHandler() {
        @Override
        public void onRuleError(int worker, String rule, CallOutcome kind, String message, long suppressed) {
            reports.add(rule + " " + kind + " " + message);
        }

        @Override
        public void onWorkerError(int worker, String what, Throwable cause, boolean restarting) {}
    };

    private RuleChain chain(int timing, ErrorPolicy policy, Rule... rules) {
        String[] names = new String[rules.length];
        ScriptCounters[] counters = new ScriptCounters[rules.length];
        ErrorPolicy[] policies = new ErrorPolicy[rules.length];
        for (int i = 0; i < rules.length; i++) {
            names[i] = "r" + i;
            counters[i] = new ScriptCounters();
            policies[i] = policy;
        }
        return new RuleChain(0, names, rules, counters, policies, timing, errors);
    }

    @Test
    void shouldApplyTheErrorPolicyOfTheFailingRule() {
        Rule failing = f -> CallOutcome.BUDGET_EXCEEDED;
        assertTrue(chain(0, ErrorPolicy.PASS, failing).evaluate(frame));
        assertFalse(chain(0, ErrorPolicy.BLOCK, failing).evaluate(frame));
        assertEquals(2, reports.size());
        assertTrue(reports.get(0).startsWith("r0 BUDGET_EXCEEDED"));
    }

    @Test
    void shouldContainARuleThatThrowsOrReturnsNull() {
        assertTrue(chain(
                        0,
                        ErrorPolicy.PASS,
                        f -> {
                            throw new IllegalArgumentException("bug");
                        },
                        f -> null)
                .evaluate(frame));
        assertEquals(2, reports.size());
    }

    @Test
    void shouldPassEverythingWhenEmpty() {
        assertTrue(RuleChain.empty(0, errors).evaluate(frame));
    }

    @Test
    void shouldAcceptOnlyPowerOfTwoTimingIntervals() {
        assertThrows(IllegalArgumentException.class, () -> chain(3, ErrorPolicy.PASS));
        assertThrows(IllegalArgumentException.class, () -> chain(-1, ErrorPolicy.PASS));
        chain(1, ErrorPolicy.PASS);
        chain(64, ErrorPolicy.PASS);
    }
}
