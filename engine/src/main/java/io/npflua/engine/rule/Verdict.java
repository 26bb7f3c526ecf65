package io.npflua.engine.rule;

/** What a rule decides for a frame: let it through or stop it. */
public enum Verdict {
    /** The frame goes on to the next rule; past the last rule it is passed (counted, written, forwarded). */
    PASS,
    /** The frame stops here: counted as blocked, never forwarded. */
    BLOCK
}
