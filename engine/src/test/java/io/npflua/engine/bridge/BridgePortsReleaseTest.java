package io.npflua.engine.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Releasing a bridge port's last user closes its ring socket, its direct socket and, with the last port, restores the
 * offloads: each step runs whatever the ones before threw; the first failure is thrown, the later ones ride on it.
 */
class BridgePortsReleaseTest {
    @Test
    void shouldRunEveryStepAndKeepTheFirstFailureWithTheOthersSuppressed() {
        List<String> ran = new ArrayList<>();
        RuntimeException socket = new IllegalStateException("closing the ring socket");
        RuntimeException restore = new IllegalStateException("restoring the offloads");
        RuntimeException failed = BridgePorts.attempt(null, () -> {
            ran.add("ring socket");
            throw socket;
        });
        failed = BridgePorts.attempt(failed, () -> ran.add("direct socket"));
        failed = BridgePorts.attempt(failed, () -> {
            ran.add("offloads");
            throw restore;
        });
        assertEquals(List.of("ring socket", "direct socket", "offloads"), ran, "every step ran");
        assertSame(socket, failed, "the first failure is the one thrown");
        assertArrayEquals(new Throwable[] {restore}, failed.getSuppressed(), "the later one rides on it");
        assertNull(BridgePorts.attempt(null, () -> {}), "no failure, nothing to throw");
    }
}
