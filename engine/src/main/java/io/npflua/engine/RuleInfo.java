package io.npflua.engine;

/**
 * A loaded rule as {@code list} shows it.
 *
 * @param kind            {@code lua} or {@code java}
 * @param entry           the entry function (null for Java handlers)
 * @param onError         {@code pass} or {@code block}
 * @param generation      1 at load, +1 per reload
 * @param maxInstructions the per-call budget (0 = factory default; 0 for Java handlers)
 */
public record RuleInfo(String name, String kind, String entry, String onError, long generation, long maxInstructions) {}
