package io.npflua.engine.rule;

/**
 * What one rule call ended with: a verdict, or a failure of a given kind. On a failure the rule's
 * {@link ErrorPolicy} decides the frame's fate; the failure is counted per kind.
 */
public enum RuleOutcome {
    /** The rule passed the frame. */
    PASS,
    /** The rule blocked the frame. */
    BLOCK,
    /** The script raised a Lua error (including a runtime error in library code). */
    LUA_ERROR,
    /** The script ran out of its instruction budget. */
    BUDGET_EXCEEDED,
    /** A Java {@link PacketHandler} threw, or returned null. */
    HANDLER_ERROR;

    /** True for the three failure kinds. */
    public boolean isError() {
        return ordinal() >= LUA_ERROR.ordinal();
    }
}
