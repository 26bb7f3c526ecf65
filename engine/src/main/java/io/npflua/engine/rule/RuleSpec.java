package io.npflua.engine.rule;

/**
 * A rule as the user gave it, of one of two kinds: a Lua script ({@link ScriptSpec}) or a Java handler
 * ({@link HandlerSpec}). The chain is a list of these, in load order.
 */
public sealed interface RuleSpec permits ScriptSpec, HandlerSpec {
    /** The rule's name, unique in the chain. */
    String name();

    /** What a failed call does to the frame. */
    ErrorPolicy onError();

    /** {@code lua} or {@code java}, as {@code list} and the counters show it. */
    String kind();
}
