package io.npflua.lua.string;

/**
 * Where a data object's state keeps the matcher of the thread that runs it, so that {@code pkt:match(p)} (and
 * {@code tostring(pkt):match(p)} in place) finds it with one compare instead of a thread-local lookup (a hash probe
 * and a weak-reference test: 7–8 ns of the seed's SSH filter on a banner). One per packet object, shared by every view
 * of it; owned memory ({@code data.new}) has none and uses the thread-local. The matcher is the thread's own (one read
 * decides: the matcher's own thread against the running one): if the state is ever run by another thread, the home
 * follows it on that thread's first match, so pattern steps are always charged to the running thread's budget.
 *
 * <p>Not thread-safe, like the data objects it belongs to: one state is run by one thread at a time.
 */
public final class MatcherHome {
    /** The matcher of the thread that last matched here (each matcher knows its thread). */
    PatternMatcher matcher;

    /** An empty home: it takes the thread's matcher at the first match. */
    public MatcherHome() {}
}
