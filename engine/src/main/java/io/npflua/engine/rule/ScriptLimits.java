package io.npflua.engine.rule;

/**
 * One script's own limits beyond its instruction budget; a null field means the rule factory's setting (the
 * command line's, the configuration's or the sandbox's default), 0 means no limit.
 *
 * @param callMillis       wall-clock time one call may take, in milliseconds
 * @param callMegabytes    heap one call may allocate, in MiB
 * @param stateMegabytes   what the script's state may keep across calls, in MiB
 */
public record ScriptLimits(Long callMillis, Long callMegabytes, Long stateMegabytes) {
    /** No limit of the script's own: every one is the factory's. */
    public static final ScriptLimits DEFAULTS = new ScriptLimits(null, null, null);

    /** Validates: each set limit is &gt;= 0. */
    public ScriptLimits {
        for (Long v : new Long[] {callMillis, callMegabytes, stateMegabytes}) {
            if (v != null && v < 0) {
                throw new IllegalArgumentException("script limits must be >= 0 (0 = none), got " + v);
            }
        }
    }
}
