package io.npflua.lua.compiler;

/**
 * The inline cache of one {@code x.name} site (a constant string key) in one closure: what the last receiver
 * resolved the name to, and what that answer depends on. Its meaning belongs to the receiver's class
 * ({@link ConstantIndexed}); compiled code only carries it. Each closure has its own caches, and a closure belongs
 * to one Lua state, so one thread reads and writes them: no synchronisation. A miss rewrites the fields in place
 * (no allocation).
 */
public final class IndexCache {
    /** What the answer was resolved against (for a data object: its layout table, or null). */
    public Object guard;
    /** A version of the guard at resolution time (for a layout table: its write count). */
    public int version;
    /**
     * A second part of the guard, and whether the fields hold an answer at all: 0 while empty (no receiver's kind is
     * 0, so an empty cache never hits); for a data object, the kind of receiver the answer is for (frame or view).
     */
    public int kind;
    /** The answer: for a data object, the {@code Field} to read or the method value. */
    public Object value;
}
