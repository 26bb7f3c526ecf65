package io.npflua.lua.net;

/** What {@code x:contains(...)} asks of a prefix or a set. */
interface AddressMatcher {
    /** Whether the address ({@link NetAddresses}'s two-halves form, version 4 or 6) is in it. */
    boolean contains(long hi, long lo, int version);

    /** Whether every address of {@code p} is in it. */
    boolean contains(NetPrefix p);
}
