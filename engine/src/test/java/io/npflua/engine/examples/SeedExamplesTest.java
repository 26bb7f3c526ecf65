package io.npflua.engine.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.ScriptState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed's two scripts, examples/ssh-version.lua and examples/rtp-h263.lua, run in the sandbox over the bundled
 * demo capture, give verdict for verdict what the reference interpreter lua5.4 gave (the golden files of
 * {@code src/test/resources/golden}, see its README).
 */
class SeedExamplesTest {
    private static final Path DEMO =
            ExampleRunner.ROOT.resolve("engine/src/main/resources/io/npflua/engine/demo/demo.pcap");

    @Test
    void shouldGiveTheGoldenVerdictsForRtpH263OverTheDemoCapture() throws Exception {
        assertEquals(golden("demo-rtp"), verdicts("rtp-h263.lua"));
    }

    @Test
    void shouldGiveTheGoldenVerdictsForSshVersionOverTheDemoCapture() throws Exception {
        assertEquals(golden("demo-ssh"), verdicts("ssh-version.lua"));
    }

    /** "frame pass|block" lines, as the golden files hold them. */
    private static String verdicts(String script) throws Exception {
        ExampleRunner runner = new ExampleRunner();
        ScriptState state = runner.load(script);
        List<CallOutcome> outcomes = runner.replay(DEMO, state);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < outcomes.size(); i++) {
            String verdict = switch (outcomes.get(i)) {
                case PASS -> "pass";
                case BLOCK -> "block";
                default -> outcomes.get(i) + " (" + state.lastError() + ")";
            };
            lines.append(i + 1).append(' ').append(verdict).append('\n');
        }
        return lines.toString();
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = SeedExamplesTest.class.getResourceAsStream("/golden/" + name + ".verdicts")) {
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
}
