package io.npflua.engine.worker;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.ScriptCounter;
import io.npflua.engine.counter.ScriptCounters;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.Rule;
import io.npflua.engine.source.Frame;
import io.npflua.lua.sandbox.CallOutcome;
import java.util.Arrays;
import org.luaj.vm2.LuaString;

/**
 * One worker's instance of the rule chain: its own rule instances in load order, each with its counters and error
 * policy. Immutable once built (the engine builds it off the worker, then the worker adopts it between two frames).
 * A frame passes when every rule passes it; the first block ends the chain. An empty chain passes everything.
 */
public final class RuleChain {
    /** Minimum time between two reports of the same rule's failures on one worker. */
    public static final long REPORT_INTERVAL_NS = 1_000_000_000L;

    private final int worker;
    private final String[] names;
    private final Rule[] rules;
    private final ScriptCounters[] counters;
    private final boolean[] blockOnError;
    private final int timingMask;
    private final ErrorHandler errors;
    private final long[] lastReportNs;
    private final long[] suppressed;
    /** The rule that ended the last evaluation (blocked, or failed under block-on-error), or -1 when it passed. */
    private int decidedBy = -1;
    /** The reason that rule gave with its verdict, or null. */
    private LuaString decisionReason;
    /** That rule's outcome: BLOCK, or the failure its block-on-error policy turned into a block. */
    private CallOutcome decisionOutcome;

    /**
     * @param timingSampleEvery measure time in the rule on one call in this many (a power of two; 1 = every call,
     *                          0 = never)
     */
    public RuleChain(
            int worker,
            String[] names,
            Rule[] rules,
            ScriptCounters[] counters,
            ErrorPolicy[] policies,
            int timingSampleEvery,
            ErrorHandler errors) {
        if (names.length != rules.length || rules.length != counters.length || counters.length != policies.length) {
            throw new IllegalArgumentException("chain arrays differ in length");
        }
        if (timingSampleEvery < 0 || Integer.bitCount(Math.max(timingSampleEvery, 1)) != 1) {
            throw new IllegalArgumentException("timing sample interval must be 0 or a power of two");
        }
        this.worker = worker;
        this.names = names.clone();
        this.rules = rules.clone();
        this.counters = counters.clone();
        this.blockOnError = new boolean[policies.length];
        for (int i = 0; i < policies.length; i++) {
            blockOnError[i] = policies[i] == ErrorPolicy.BLOCK;
        }
        this.timingMask = timingSampleEvery == 0 ? -1 : timingSampleEvery - 1;
        this.errors = errors;
        this.lastReportNs = new long[rules.length];
        this.suppressed = new long[rules.length];
        Arrays.fill(lastReportNs, Long.MIN_VALUE / 2);
    }

    /** An empty chain for {@code worker}. */
    public static RuleChain empty(int worker, ErrorHandler errors) {
        return new RuleChain(worker, new String[0], new Rule[0], new ScriptCounters[0], new ErrorPolicy[0], 0, errors);
    }

    /**
     * Runs the frame through the rules and counts each call; returns true when the frame passes. Allocates nothing
     * (a failure report, at most once a second per rule, builds its message).
     */
    public boolean evaluate(Frame frame) {
        final Rule[] rules = this.rules;
        decidedBy = -1;
        decisionReason = null;
        for (int i = 0; i < rules.length; i++) {
            final ScriptCounters c = counters[i];
            final CallOutcome outcome;
            if (timingMask >= 0 && (c.get(ScriptCounter.CALLS) & timingMask) == 0) {
                final long start = System.nanoTime();
                outcome = call(rules[i], frame);
                c.add(ScriptCounter.TIME_NS, (System.nanoTime() - start) * (timingMask + 1));
                c.increment(ScriptCounter.TIMED_CALLS);
            } else {
                outcome = call(rules[i], frame);
            }
            c.count(outcome);
            if (outcome == CallOutcome.PASS) {
                countReason(i, c);
                continue;
            }
            if (outcome == CallOutcome.BLOCK) {
                decidedBy = i;
                decisionOutcome = outcome;
                decisionReason = countReason(i, c);
                return false;
            }
            report(i, outcome);
            if (blockOnError[i]) {
                decidedBy = i;
                decisionOutcome = outcome;
                return false;
            }
        }
        return true;
    }

    private LuaString countReason(int i, ScriptCounters c) {
        LuaString why = rules[i].reason();
        if (why != null) {
            c.countReason(why);
        }
        return why;
    }

    /** The index of the rule that blocked the last frame evaluated (also by its error policy), or -1 if it passed. */
    public int decidedBy() {
        return decidedBy;
    }

    /** The reason the blocking rule gave with its verdict, or null; valid until the next {@link #evaluate}. */
    public LuaString decisionReason() {
        return decisionReason;
    }

    /** The outcome of the rule that blocked the last frame ({@link #decidedBy()}), or meaningless when it passed. */
    public CallOutcome decisionOutcome() {
        return decisionOutcome;
    }

    /** The name of the rule at {@code index}. */
    public String name(int index) {
        return names[index];
    }

    private static CallOutcome call(Rule rule, Frame frame) {
        try {
            CallOutcome outcome = rule.evaluate(frame);
            return outcome == null ? CallOutcome.JAVA_EXCEPTION : outcome;
        } catch (RuntimeException | StackOverflowError e) {
            // A rule adapter should map its own failures; a leak here is still contained, never fatal.
            return CallOutcome.JAVA_EXCEPTION;
        }
    }

    private void report(int i, CallOutcome outcome) {
        final long now = System.nanoTime();
        if (now - lastReportNs[i] < REPORT_INTERVAL_NS) {
            suppressed[i]++;
            return;
        }
        lastReportNs[i] = now;
        String message = rules[i].lastError();
        if (message == null) {
            message = outcome == CallOutcome.JAVA_EXCEPTION ? "rule threw or returned no verdict" : "failed";
        }
        counters[i].lastError(message);
        long skipped = suppressed[i];
        suppressed[i] = 0;
        try {
            errors.onRuleError(worker, names[i], outcome, message, skipped);
        } catch (RuntimeException ignored) {
            // A broken error handler must not stop the worker.
        }
    }

    /** Number of rules. */
    public int size() {
        return rules.length;
    }

    /** The rule instance at {@code index} (for the engine's bookkeeping, not the hot path). */
    public Rule rule(int index) {
        return rules[index];
    }
}
