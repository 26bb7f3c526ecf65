package io.npflua.ffm.socket;

import java.util.EnumSet;
import java.util.Set;

/**
 * Membership of a PACKET_FANOUT group: every socket of the group is bound to the same interface and joins with the
 * same id, mode and flags; the kernel gives each packet to exactly one of them.
 *
 * @param groupId 16-bit group id, shared by the workers of one capture.
 * @param mode    the spreading mode.
 * @param flags   the flags.
 */
public record Fanout(int groupId, FanoutMode mode, Set<FanoutFlag> flags) {
    /**
     * @throws IllegalArgumentException when the id does not fit 16 bits.
     */
    public Fanout {
        if ((groupId & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("fanout group id must be 0..65535, got " + groupId);
        }
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    }

    /**
     * @param groupId 16-bit group id.
     * @param mode    the mode.
     * @param flags   flags, possibly none.
     * @return the membership.
     */
    public static Fanout of(final int groupId, final FanoutMode mode, final FanoutFlag... flags) {
        return new Fanout(groupId, mode, flags.length == 0 ? Set.of() : EnumSet.of(flags[0], flags));
    }

    /** @return the PACKET_FANOUT argument: {@code id | (mode | flags) << 16}. */
    public int socketOptionValue() {
        int typeFlags = mode.kernelValue();
        for (final FanoutFlag flag : flags) {
            typeFlags |= flag.kernelValue();
        }
        return groupId | typeFlags << 16;
    }
}
