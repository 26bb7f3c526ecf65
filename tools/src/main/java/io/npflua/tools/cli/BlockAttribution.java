package io.npflua.tools.cli;

import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.PreparedRule;
import io.npflua.engine.rule.Rule;
import io.npflua.engine.rule.RuleFactory;
import io.npflua.engine.rule.RuleRejectedException;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.source.Frame;
import io.npflua.lua.sandbox.CallOutcome;

/**
 * Wraps a {@link RuleFactory} so that each worker remembers which rule blocked its current frame, and why; a verdict
 * sink on the same worker thread reads it ({@link #takeReason(int)}) right after the chain. For {@code demo}, which
 * prints every blocked frame with the script that blocked it. The chain stops at the first block, so the last rule
 * that blocked is the one.
 */
final class BlockAttribution implements RuleFactory {
    private static final int MAX_WORKERS = 256;

    private final RuleFactory delegate;
    // One slot per worker, written and read by that worker's thread only.
    private final String[] reasons = new String[MAX_WORKERS];

    /** Attributes blocks of the rules {@code delegate} makes. */
    BlockAttribution(RuleFactory delegate) {
        this.delegate = delegate;
    }

    @Override
    public PreparedRule prepare(ScriptSpec spec) throws RuleRejectedException {
        PreparedRule prepared = delegate.prepare(spec);
        return worker -> new Attributed(prepared.newInstance(worker), spec, worker);
    }

    /** Why worker {@code worker}'s current frame was blocked (null if no rule blocked it), clearing the slot. */
    String takeReason(int worker) {
        String r = reasons[worker];
        reasons[worker] = null;
        return r;
    }

    private final class Attributed implements Rule {
        private final Rule rule;
        private final ScriptSpec spec;
        private final int worker;

        Attributed(Rule rule, ScriptSpec spec, int worker) {
            this.rule = rule;
            this.spec = spec;
            this.worker = worker;
        }

        @Override
        public CallOutcome evaluate(Frame frame) {
            CallOutcome o = rule.evaluate(frame);
            if (o == CallOutcome.BLOCK) {
                reasons[worker] = spec.name();
            } else if (o.isError() && spec.onError() == ErrorPolicy.BLOCK) {
                reasons[worker] = spec.name() + " failed (" + o.name().toLowerCase() + ": " + rule.lastError()
                        + ") and its on_error is block";
            }
            return o;
        }

        @Override
        public String lastError() {
            return rule.lastError();
        }

        @Override
        public void onFlowEnd(int entry) {
            rule.onFlowEnd(entry);
        }

        @Override
        public void close() {
            rule.close();
        }
    }
}
