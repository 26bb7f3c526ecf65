package io.npflua.ffm.socket;

import java.util.List;

/**
 * What {@link OffloadFeatures#turnOff} did to an interface, kept so that {@link OffloadFeatures#restore} can undo
 * exactly that and nothing else.
 *
 * @param interfaceName the interface.
 * @param turnedOff     the features whose request this change cleared (they were requested and changeable); restore
 *                      requests them again.
 * @param stillActive   features asked to be off that are still in effect afterwards (fixed on this interface, or kept
 *                      on by the driver): super-frames or partial checksums may still come from them.
 * @param before        the features before the change.
 * @param after         the features after it.
 */
public record OffloadChange(
        String interfaceName,
        List<String> turnedOff,
        List<String> stillActive,
        OffloadSnapshot before,
        OffloadSnapshot after) {
    /**
     * @param interfaceName the interface.
     * @param turnedOff     features turned off.
     * @param stillActive   features still in effect.
     * @param before        state before.
     * @param after         state after.
     */
    public OffloadChange {
        turnedOff = List.copyOf(turnedOff);
        stillActive = List.copyOf(stillActive);
    }

    /** @return true when nothing was changed. */
    public boolean isEmpty() {
        return turnedOff.isEmpty();
    }

    /**
     * @return one line for an operator, e.g. {@code nf0a: turned off tx-tcp-segmentation, rx-gro (restored on exit)}
     *         or {@code nf0a: offloads left as they were}, with the features that stayed on.
     */
    public String summary() {
        final StringBuilder line = new StringBuilder(interfaceName).append(": ");
        line.append(turnedOff.isEmpty() ? "offloads left as they were" : "turned off " + String.join(", ", turnedOff));
        if (!stillActive.isEmpty()) {
            line.append("; still on (cannot be changed here): ").append(String.join(", ", stillActive));
        }
        return line.toString();
    }
}
