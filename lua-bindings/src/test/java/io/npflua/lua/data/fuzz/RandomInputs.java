package io.npflua.lua.data.fuzz;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The property-based half of each fuzz target: feeds a target {@code cases} random inputs from a fixed seed, so that
 * {@code mvn verify} covers thousands of cases deterministically (the Jazzer regression run only replays the committed
 * inputs). A failure names the seed and the case, and the input in hex, to replay it or to commit it as a Jazzer input.
 */
public final class RandomInputs {
    private RandomInputs() {}

    public static void run(long seed, int cases, int maxLength, Consumer<byte[]> target) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < cases; i++) {
            byte[] input = new byte[random.nextInt(maxLength + 1)];
            random.nextBytes(input);
            try {
                target.accept(input);
            } catch (Throwable t) {
                throw new AssertionError(
                        "seed " + seed + ", case " + i + ", input "
                                + java.util.HexFormat.of().formatHex(input) + ": " + t,
                        t);
            }
        }
    }
}
