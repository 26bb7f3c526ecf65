package io.npflua.lua.string.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replays a fixed set of differential-fuzzer cases (pattern-cases.txt: the first 4,000 cases of
 * {@code PatternFuzzCampaign 6000 1 5000 <outDir>}) against lua5.4's results for them (pattern-golden.txt, made by
 * pattern-driver.lua under lua5.4), so CI checks them without lua5.4. Each case runs once (a cold pattern) and
 * then 20 times over the same pattern strings (cached compilation, set bit maps).
 */
class PatternFuzzRegressionTest {
    /** Runs of one case for the hot replay: past the 16 interpreted uses after which a set gets its bit map. */
    private static final int HOT_RUNS = 20;

    static List<String> resourceLines(String name) throws IOException {
        try (InputStream in = PatternFuzzRegressionTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)
                    .lines()
                    .toList();
        }
    }

    @Test
    void shouldAgreeWithLua54OnEveryCommittedFuzzCase() throws IOException {
        assertAgreement(false);
    }

    @Test
    void shouldAgreeWithLua54WhenTheSamePatternStringsRunAgainAndAgain() throws IOException {
        assertAgreement(true);
    }

    private static void assertAgreement(boolean hot) throws IOException {
        List<String> cases = resourceLines("pattern-cases.txt");
        List<String> golden = resourceLines("pattern-golden.txt");
        assertEquals(cases.size(), golden.size(), "pattern-cases.txt and pattern-golden.txt must pair up");
        assertTrue(cases.size() >= 4000, "only " + cases.size() + " committed cases");
        PatternEngine engine = new PatternEngine();
        StringBuilder mismatches = new StringBuilder();
        int count = 0;
        for (int i = 0; i < cases.size(); i++) {
            String ours = hot ? engine.runRepeated(cases.get(i), HOT_RUNS) : engine.run(cases.get(i));
            if (!ours.equals(golden.get(i))) {
                if (++count <= 20) {
                    mismatches
                            .append("\n  line ")
                            .append(i + 1)
                            .append(": ")
                            .append(cases.get(i))
                            .append("\n    lua5.4: ")
                            .append(golden.get(i))
                            .append("\n    ours:   ")
                            .append(ours);
                }
            }
        }
        if (count > 0) {
            fail(count + " of " + cases.size() + " fuzz cases differ from lua5.4" + (hot ? " (hot)" : "") + mismatches);
        }
    }
}
