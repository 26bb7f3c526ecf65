package io.npflua.engine.counter;

import java.util.function.ToLongFunction;

/**
 * The per-rule counters (summed over workers in a snapshot): the one list of them, with the name in JSON, the
 * Prometheus name and help, and for the failure kinds the value of the {@code kind} label that Prometheus groups
 * them under. {@code calls = passed + blocked + lua_errors + budget_errors + handler_errors}.
 */
public enum ScriptCounter {
    /** Rule calls. */
    CALLS("calls", "npflua_script_calls", "Calls of the script", null),
    /** Frames the rule passed. */
    PASSED("passed", "npflua_script_passed", "Frames the script passed", null),
    /** Frames the rule blocked. */
    BLOCKED("blocked", "npflua_script_blocked", "Frames the script blocked", null),
    /** Lua errors (runtime errors, call depth, string size, memory). */
    LUA_ERRORS("lua_errors", "npflua_script_errors", ScriptCounter.ERRORS_HELP, "lua"),
    /** Instruction budget, time or allocation limit of a call exhausted. */
    BUDGET_ERRORS("budget_errors", "npflua_script_errors", ScriptCounter.ERRORS_HELP, "budget"),
    /** Java handler exceptions. */
    HANDLER_ERRORS("handler_errors", "npflua_script_errors", ScriptCounter.ERRORS_HELP, "handler"),
    /** Flows the rule passed with {@code flow:pass()}: it is not called for them again. */
    FLOW_PASSES("flow_passes", "npflua_script_flow_passes", "Flows the script passed (done with them)", null),
    /** Flows the rule blocked with {@code flow:block()}: their later frames are dropped without Lua. */
    FLOW_BLOCKS("flow_blocks", "npflua_script_flow_blocks", "Flows the script blocked", null),
    /** Estimated nanoseconds spent in the rule (sampled, scaled to all calls); Prometheus shows seconds. */
    TIME_NS("time_ns", "npflua_script_seconds", "Estimated time spent in the script (sampled)", null),
    /** Calls whose time was measured (the sample behind {@link #TIME_NS}); not exported. */
    TIMED_CALLS(null, null, null, null);

    private static final String ERRORS_HELP =
            "Script failures by kind (lua error, instruction budget or call limit, Java handler exception)";

    private final String json;
    private final String metric;
    private final String help;
    private final String kind;

    ScriptCounter(String json, String metric, String help, String kind) {
        this.json = json;
        this.metric = metric;
        this.help = help;
        this.kind = kind;
    }

    /** The field name in a script's JSON object, or null for an internal counter. */
    public String json() {
        return json;
    }

    /** The Prometheus metric name (labelled by {@code script}), or null when not exported. */
    public String metric() {
        return metric;
    }

    /** The Prometheus help text. */
    public String help() {
        return help;
    }

    /** For the failure kinds: the {@code kind} label value under {@link #metric()}; null otherwise. */
    public String kind() {
        return kind;
    }

    /** True for the three failure kinds. */
    public boolean failure() {
        return kind != null;
    }

    /** The sum of {@code value} over the failure kinds: what "errors" means for a rule, everywhere. */
    public static long failures(ToLongFunction<ScriptCounter> value) {
        long n = 0;
        for (ScriptCounter c : values()) {
            if (c.failure()) {
                n += value.applyAsLong(c);
            }
        }
        return n;
    }
}
