package io.npflua.lua.string;

import java.lang.foreign.MemorySegment;

/**
 * A run of bytes inside a {@link MemorySegment} that the string functions (pattern matching, {@code byte},
 * {@code sub}) can read in place, without copying. Data objects implement it, so {@code d:match(p)} scans packet
 * memory directly.
 *
 * <p>{@link #segment()} is the liveness check: it throws a {@code LuaError} ("packet data is no longer valid")
 * once the bytes may have been handed back (a frame after its call ended). Callers read it once per operation and
 * then read bytes {@code [offset(), offset() + length())} of the returned segment.
 */
public interface SegmentBytes {
    /** The backing segment; throws {@code org.luaj.vm2.LuaError} if the view is no longer valid. */
    MemorySegment segment();

    /** Offset of the first byte in {@link #segment()}. */
    long offset();

    /** Number of bytes in the view. */
    int length();

    /** Where the running thread's matcher is kept for these bytes, or null to look it up per thread. */
    default MatcherHome matcherHome() {
        return null;
    }
}
