package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** What a user without privileges is told by the real {@code npflua} when live capture needs them. */
class RunWithoutRootTest {
    @Test
    void shouldExitThreeNamingCapNetRawWhenRunIsStartedWithoutPrivileges() throws Exception {
        Assumptions.assumeTrue(ControlPaths.isRoot(), "switching to user nobody needs root");
        try (NobodyProcess nobody = NobodyProcess.prepare()) {
            NobodyProcess.Result r = nobody.run("run", "-i", "lo", "-c", "1", "--no-control");
            assertEquals(ExitCodes.NEEDS_ROOT, r.code(), r.output());
            assertTrue(r.output().startsWith("npflua: cannot start the engine: "), r.output());
            assertTrue(r.output().contains("CAP_NET_RAW"), r.output());
        }
    }
}
