package io.npflua.engine;

import io.npflua.engine.rule.PreparedRule;
import io.npflua.engine.rule.Rule;
import io.npflua.engine.rule.RuleFactory;
import io.npflua.engine.rule.RuleRejectedException;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.source.Frame;
import io.npflua.lua.sandbox.CallOutcome;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the Lua sandbox: a script's source is one word naming its behaviour. {@code pass}, {@code block},
 * {@code block-odd} / {@code block-even} (by byte 0), {@code error-odd} (a Lua error on odd frames, else pass),
 * {@code budget} (always over budget); anything else is a "syntax error" and rejected like a failed compile.
 */
final class TestRuleFactory implements RuleFactory {
    final AtomicInteger instances = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public PreparedRule prepare(ScriptSpec spec) throws RuleRejectedException {
        String behaviour = spec.source().trim();
        switch (behaviour) {
            case "pass", "block", "block-odd", "block-even", "error-odd", "budget" -> {}
            default -> throw new RuleRejectedException(spec.name() + ".lua:1: syntax error near '" + behaviour + "'");
        }
        return worker -> {
            instances.incrementAndGet();
            return new WordRule(behaviour);
        };
    }

    private final class WordRule implements Rule {
        private final String behaviour;
        private boolean isClosed;

        WordRule(String behaviour) {
            this.behaviour = behaviour;
        }

        @Override
        public CallOutcome evaluate(Frame frame) {
            if (isClosed) {
                throw new IllegalStateException("rule used after close");
            }
            boolean odd = (frame.byteAt(0) & 1) != 0;
            return switch (behaviour) {
                case "pass" -> CallOutcome.PASS;
                case "block" -> CallOutcome.BLOCK;
                case "block-odd" -> odd ? CallOutcome.BLOCK : CallOutcome.PASS;
                case "block-even" -> odd ? CallOutcome.PASS : CallOutcome.BLOCK;
                case "error-odd" -> odd ? CallOutcome.LUA_ERROR : CallOutcome.PASS;
                default -> CallOutcome.BUDGET_EXCEEDED;
            };
        }

        @Override
        public String lastError() {
            return "budget".equals(behaviour) ? "instruction budget exceeded" : "test.lua:1: attempt to index nil";
        }

        @Override
        public void close() {
            isClosed = true;
            closed.incrementAndGet();
        }
    }
}
