package io.npflua.engine.rule;

/**
 * What happens to a frame when a rule fails on it (Lua error, budget exceeded, Java handler exception).
 * The default is {@link #PASS}: a broken rule must not take the network down; choose {@link #BLOCK} for rules whose
 * purpose is to keep traffic out (fail closed).
 */
public enum ErrorPolicy {
    /** Fail open: the frame continues as if the rule had passed it. The default. */
    PASS,
    /** Fail closed: the frame is blocked. */
    BLOCK;

    /** Parses {@code pass} or {@code block} (any case); throws with the accepted names otherwise. */
    public static ErrorPolicy parse(String text) {
        if ("pass".equalsIgnoreCase(text)) {
            return PASS;
        }
        if ("block".equalsIgnoreCase(text)) {
            return BLOCK;
        }
        throw new IllegalArgumentException("unknown error policy '" + text + "': use pass or block");
    }

    /** The lower-case name used in configuration, JSON and the control protocol. */
    public String label() {
        return this == PASS ? "pass" : "block";
    }
}
