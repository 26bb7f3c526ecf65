package io.npflua.engine.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The golden verdicts are reproducible: running the reference runner with lua5.4 today gives the committed
 * files' verdict lines. Skipped (with the reason) where lua5.4 is not installed; CI installs it.
 */
class ReferenceVerdictsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ssh-version, demo-ssh", "rtp-h263, demo-rtp"})
    void shouldReproduceTheGoldenVerdictsWithLua54(String script, String golden) throws Exception {
        assumeTrue(onPath("lua5.4"), "lua5.4 is not installed (apt-get install lua5.4); skipping");
        Path runner = ROOT.resolve("tools/reference/run.lua");
        assumeTrue(Files.isRegularFile(runner), "not run from the engine module of a full checkout: " + runner);
        Process p = new ProcessBuilder(
                        "lua5.4",
                        runner.toString(),
                        ROOT.resolve("examples/" + script + ".lua").toString(),
                        ROOT.resolve("engine/src/main/resources/io/npflua/engine/demo/demo.pcap")
                                .toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertEquals(verdictLines("/golden/" + golden + ".verdicts"), out);
    }

    private static String verdictLines(String name) throws IOException {
        try (InputStream in = ReferenceVerdictsTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            StringBuilder lines = new StringBuilder();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.startsWith("#") && !l.isBlank()) {
                    lines.append(l).append('\n');
                }
            }
            return lines.toString();
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
