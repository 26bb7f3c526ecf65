package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The demo's veth lab is built and removed completely (root; skipped with the reason otherwise). */
class DemoLabTest {
    @Test
    void shouldBuildTheLabAndRemoveEverythingOnClose() throws Exception {
        Assumptions.assumeTrue(ControlPaths.isRoot(), "live test: needs root (network namespaces)");
        String iface;
        try (DemoLab lab = DemoLab.create()) {
            iface = lab.captureInterface();
            assertTrue(Files.exists(Path.of("/sys/class/net", iface)), "capture end exists");
            assertTrue(
                    Files.exists(Path.of(
                            "/run/netns",
                            "npflua-demo-" + ProcessHandle.current().pid())),
                    "namespace exists");
        }
        for (int i = 0; i < 100 && Files.exists(Path.of("/sys/class/net", iface)); i++) {
            Thread.sleep(20);
        }
        assertFalse(Files.exists(Path.of("/sys/class/net", iface)), "capture end removed");
        assertFalse(
                Files.exists(Path.of(
                        "/run/netns", "npflua-demo-" + ProcessHandle.current().pid())),
                "namespace removed");
    }
}
