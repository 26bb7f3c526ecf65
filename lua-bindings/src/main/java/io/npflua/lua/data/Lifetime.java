package io.npflua.lua.data;

/**
 * The validity token shared by a data object and every view derived from it. A view is valid while its recorded
 * generation equals {@link #generation}; {@link PacketData} bumps the generation when it is re-bound or released, so
 * every view of the previous frame expires at once without being visited.
 */
final class Lifetime {
    /** The lifetime of owned memory ({@code data.new}, {@code d:copy()}, wrapped segments): never expires. */
    static final Lifetime OWNED = new Lifetime(true);

    int generation;
    boolean writable;

    Lifetime(boolean writable) {
        this.writable = writable;
    }
}
