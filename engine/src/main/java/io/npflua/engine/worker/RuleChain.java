package io.npflua.engine.worker;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.ScriptCounter;
import io.npflua.engine.counter.ScriptCounters;
import io.npflua.engine.flow.FlowTable;
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
 *
 * <p><b>Flow decisions.</b> A rule that holds a decision slot ({@code 0..}{@value #MAX_DECISION_SLOTS}{@code -1},
 * given by the rule table for the rule's life) may decide about the frame's flow during its call
 * ({@link Frame#decideFlow}): a pass sets the rule's bit in the flow's passed mask, and the rule is not called for
 * that flow again; a block sets its bit in the blocked mask and blocks the frame. The worker drops frames of blocked
 * flows and bypasses flows whose passed mask covers {@link #decidingMask()} before the chain runs. Each slot comes
 * with an epoch (new at every load and reload): a worker that adopts a chain whose slot has a new epoch clears that
 * slot's decisions in its table first, so a reloaded rule decides afresh.
 */
public final class RuleChain {
    /** Minimum time between two reports of the same rule's failures on one worker. */
    public static final long REPORT_INTERVAL_NS = 1_000_000_000L;

    private final int worker;
    private final String[] names;
    /** Each rule's generation (1 at load, +1 per reload), for the event log's records. */
    private final long[] generations;

    private final Rule[] rules;
    private final ScriptCounters[] counters;
    private final boolean[] blockOnError;
    private final int timingMask;
    private final ErrorHandler errors;
    private final long[] lastReportNs;
    private final long[] suppressed;
    private final int[] slots;
    private final long[] epochs;
    private final long decidingMask;
    private final long slotMask;
    private final long inspectMask;

    /** Rules that can hold flow decisions at once (bits of a {@code long}). */
    public static final int MAX_DECISION_SLOTS = 64;
    /** The rule that ended the last evaluation (blocked, or failed under block-on-error), or -1 when it passed. */
    private int decidedBy = -1;
    /** The reason that rule gave with its verdict, or null. */
    private LuaString decisionReason;
    /** That rule's outcome: BLOCK, or the failure its block-on-error policy turned into a block. */
    private CallOutcome decisionOutcome;
    /** The rule {@link #evaluate} calls now (or called last), -1 before the first call: whose alerts these are. */
    private int calling = -1;

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
        this(
                worker,
                names,
                firstGenerations(rules.length),
                rules,
                counters,
                policies,
                noSlots(rules.length),
                new long[rules.length],
                0,
                timingSampleEvery,
                errors);
    }

    /**
     * @param generations       each rule's generation (1 at load, +1 per reload): written with its events
     * @param slots             each rule's flow decision slot, -1 for none (its flow decisions are ignored, and no
     *                          flow is bypassed while it is in the chain)
     * @param epochs            each slot's epoch (see the class comment)
     * @param inspectMask       the slots of the rules that {@code --inspect-bytes} lets go of a flow for (scripts;
     *                          Java handlers are always called until they decide)
     * @param timingSampleEvery measure time in the rule on one call in this many (a power of two; 1 = every call,
     *                          0 = never)
     */
    public RuleChain(
            int worker,
            String[] names,
            long[] generations,
            Rule[] rules,
            ScriptCounters[] counters,
            ErrorPolicy[] policies,
            int[] slots,
            long[] epochs,
            long inspectMask,
            int timingSampleEvery,
            ErrorHandler errors) {
        if (names.length != rules.length
                || generations.length != rules.length
                || rules.length != counters.length
                || counters.length != policies.length
                || slots.length != rules.length
                || epochs.length != rules.length) {
            throw new IllegalArgumentException("chain arrays differ in length");
        }
        if (timingSampleEvery < 0 || Integer.bitCount(Math.max(timingSampleEvery, 1)) != 1) {
            throw new IllegalArgumentException("timing sample interval must be 0 or a power of two");
        }
        this.worker = worker;
        this.names = names.clone();
        this.generations = generations.clone();
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
        this.slots = slots.clone();
        this.epochs = epochs.clone();
        long mask = 0;
        boolean all = rules.length > 0;
        for (int slot : slots) {
            if (slot >= MAX_DECISION_SLOTS) {
                throw new IllegalArgumentException("decision slot " + slot + " out of range");
            }
            if (slot < 0) {
                all = false;
            } else {
                mask |= 1L << slot;
            }
        }
        this.decidingMask = all ? mask : 0;
        this.slotMask = mask;
        this.inspectMask = inspectMask & mask;
    }

    private static long[] firstGenerations(int n) {
        long[] g = new long[n];
        Arrays.fill(g, 1);
        return g;
    }

    private static int[] noSlots(int n) {
        int[] slots = new int[n];
        Arrays.fill(slots, -1);
        return slots;
    }

    /** An empty chain for {@code worker}. */
    public static RuleChain empty(int worker, ErrorHandler errors) {
        return new RuleChain(worker, new String[0], new Rule[0], new ScriptCounters[0], new ErrorPolicy[0], 0, errors);
    }

    /**
     * Runs the frame through the rules and counts each call; returns true when the frame passes. A rule that passed
     * the frame's flow before is skipped; a flow decision made during a call is applied (see the class comment).
     * Allocates nothing (a failure report, at most once a second per rule, builds its message).
     */
    public boolean evaluate(Frame frame) {
        final Rule[] rules = this.rules;
        decidedBy = -1;
        decisionReason = null;
        final int entry = frame.flowEntry();
        final FlowTable flows = entry >= 0 ? frame.flows() : null;
        long passedFlow = flows != null ? flows.passedMask(entry) : 0;
        for (int i = 0; i < rules.length; i++) {
            final int slot = slots[i];
            if (slot >= 0 && (passedFlow >>> slot & 1) != 0) {
                continue; // this rule is done with the flow
            }
            final ScriptCounters c = counters[i];
            calling = i;
            CallOutcome outcome;
            if (timingMask >= 0 && (c.get(ScriptCounter.CALLS) & timingMask) == 0) {
                final long start = System.nanoTime();
                outcome = call(rules[i], frame);
                c.add(ScriptCounter.TIME_NS, (System.nanoTime() - start) * (timingMask + 1));
                c.increment(ScriptCounter.TIMED_CALLS);
            } else {
                outcome = call(rules[i], frame);
            }
            final int decision = frame.takeFlowDecision();
            LuaString flowWhy = null;
            if (decision != 0 && flows != null && slot >= 0 && completed(outcome)) {
                flowWhy = frame.flowReason();
                if (decision == Frame.FLOW_BLOCK) {
                    flows.blockedMask(entry, flows.blockedMask(entry) | 1L << slot);
                    c.increment(ScriptCounter.FLOW_BLOCKS);
                    outcome = CallOutcome.BLOCK;
                } else {
                    passedFlow |= 1L << slot;
                    flows.passedMask(entry, passedFlow);
                    c.increment(ScriptCounter.FLOW_PASSES);
                    outcome = CallOutcome.PASS;
                }
            }
            c.count(outcome);
            if (outcome == CallOutcome.PASS) {
                countReason(i, c, flowWhy);
                continue;
            }
            if (outcome == CallOutcome.BLOCK) {
                decidedBy = i;
                decisionOutcome = outcome;
                decisionReason = countReason(i, c, flowWhy);
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

    private static boolean completed(CallOutcome outcome) {
        return outcome == CallOutcome.PASS || outcome == CallOutcome.BLOCK;
    }

    /**
     * The passed-mask bits that let a flow bypass this chain: every rule's slot bit, or 0 when some rule holds no
     * slot or the chain is empty (nothing is bypassed then).
     */
    public long decidingMask() {
        return decidingMask;
    }

    /** The slots of the rules that an inspection limit counts as passed once reached (the scripts'). */
    public long inspectMask() {
        return inspectMask;
    }

    /** The bits of every slot the rules hold (whether or not every rule holds one). */
    public long slotMask() {
        return slotMask;
    }

    /** True when a flow whose passed mask is {@code passedMask} need not see this chain at all. */
    public boolean bypasses(long passedMask) {
        return decidingMask != 0 && (passedMask & decidingMask) == decidingMask;
    }

    /** Rule {@code index}'s decision slot, or -1. */
    public int slot(int index) {
        return slots[index];
    }

    /** Rule {@code index}'s slot epoch. */
    public long epoch(int index) {
        return epochs[index];
    }

    /** Counts the reason of rule {@code i}'s verdict: the one given with its flow decision, else its returned one. */
    private LuaString countReason(int i, ScriptCounters c, LuaString flowReason) {
        LuaString why = flowReason != null ? flowReason : rules[i].reason();
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

    /** The generation of the rule at {@code index} (1 at load, +1 per reload). */
    public long generation(int index) {
        return generations[index];
    }

    /**
     * The generation of the rule {@link #evaluate} is calling (the one whose {@code alert} or failure is being
     * reported), 0 before any call. Worker thread; allocates nothing.
     */
    public long generationInCall() {
        final int i = calling;
        return i >= 0 ? generations[i] : 0;
    }

    /** Tells every rule that the flow at {@code entry} ended. Worker thread. */
    public void onFlowEnd(int entry) {
        for (Rule r : rules) {
            try {
                r.onFlowEnd(entry);
            } catch (RuntimeException ignored) {
                // A rule's bookkeeping must not stop the worker.
            }
        }
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
