package io.npflua.engine.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The offload decisions of a bridge on interfaces whose features cannot be changed (needs no root). */
class BridgeOffloadsTest {
    private static final String MISSING = "npflua-nx0";

    @Test
    void shouldRefuseToBridgeWhenOffloadsMustGoOffAndCannot() {
        List<String> log = new ArrayList<>();
        BridgeOffloads offloads = new BridgeOffloads(OffloadPolicy.OFF, log::add);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> offloads.prepare(List.of(MISSING)));
        assertTrue(e.getMessage().startsWith("cannot turn offloads off on " + MISSING + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("--offloads leave"), e.getMessage());
        assertEquals(List.of(), log, "nothing was changed, so nothing is reported as changed");
    }

    @Test
    void shouldSayWhenOffloadsCannotBeReadAndGoOn() {
        List<String> log = new ArrayList<>();
        BridgeOffloads offloads = new BridgeOffloads(OffloadPolicy.LEAVE, log::add);
        offloads.prepare(List.of(MISSING));
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).contains(MISSING + ": offloads unreadable ("), log.get(0));
    }
}
