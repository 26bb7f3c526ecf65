package io.npflua.lua.data;

import io.npflua.lua.string.MatcherHome;

/**
 * The validity token shared by a data object and every view derived from it. A view is valid while its recorded
 * generation equals {@link #generation}; {@link PacketData} bumps the generation when it is re-bound or released, so
 * every view of the previous frame expires at once without being visited.
 */
final class Lifetime {
    /** The lifetime of owned memory ({@code data.new}, {@code d:copy()}, wrapped segments): never expires. */
    static final Lifetime OWNED = new Lifetime(true, null);

    int generation;
    boolean writable;
    /** The matcher of the thread running this packet's state ({@code pkt:match}); null for owned memory. */
    final MatcherHome matchers;

    Lifetime(boolean writable, MatcherHome matchers) {
        this.writable = writable;
        this.matchers = matchers;
    }
}
