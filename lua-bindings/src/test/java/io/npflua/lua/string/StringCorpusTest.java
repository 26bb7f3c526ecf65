package io.npflua.lua.string;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Runs corpus.lua through a LuaJ state with our string library and compares every case with golden.txt, the
 * output of the same runner under the reference lua5.4 (regenerate with
 * {@code lua5.4 run-corpus.lua corpus.lua > golden.txt} in this test's resource directory); likewise
 * corpus-random.lua (seeded random format specs and patterns) against golden-random.txt.
 */
class StringCorpusTest {
    private static byte[] resourceBytes(String name) throws IOException {
        try (InputStream in = StringCorpusTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    private static String resource(String name) throws IOException {
        return new String(resourceBytes(name), StandardCharsets.ISO_8859_1);
    }

    /** Loads a chunk from its bytes (LuaJ's load(String) would re-encode non-ASCII bytes as UTF-8). */
    private static LuaValue chunk(Globals g, String name) throws IOException {
        return g.load(new ByteArrayInputStream(resourceBytes(name)), name, "t", g);
    }

    static List<String> runCorpus(String corpus) throws IOException {
        Globals g = JsePlatform.standardGlobals();
        LuaStrings.install(g);
        List<String> lines = new ArrayList<>();
        g.set("CORPUS", chunk(g, corpus).call());
        g.set("EMIT", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue line) {
                lines.add(line.tojstring());
                return NONE;
            }
        });
        chunk(g, "run-corpus.lua").call();
        return lines;
    }

    @Test
    void shouldAgreeWithLua54OnEveryCorpusCase() throws IOException {
        assertAgreement("corpus.lua", "golden.txt", 700);
    }

    @Test
    void shouldAgreeWithLua54OnEveryRandomFormatAndPatternCase() throws IOException {
        assertAgreement("corpus-random.lua", "golden-random.txt", 2000);
    }

    private static void assertAgreement(String corpus, String goldenFile, int minCases) throws IOException {
        List<String> golden = resource(goldenFile).lines().toList();
        List<String> ours = runCorpus(corpus);
        assertTrue(golden.size() >= minCases, goldenFile + " has " + golden.size() + " cases");
        assertEquals(golden.size(), ours.size(), "number of cases run");
        StringBuilder mismatches = new StringBuilder();
        int count = 0;
        for (int i = 0; i < golden.size(); i++) {
            if (!golden.get(i).equals(ours.get(i))) {
                count++;
                mismatches
                        .append("\n  case ")
                        .append(i + 1)
                        .append("\n    lua5.4: ")
                        .append(golden.get(i))
                        .append("\n    ours:   ")
                        .append(ours.get(i));
            }
        }
        if (count > 0) {
            fail(count + " of " + golden.size() + " cases of " + corpus + " differ from lua5.4:" + mismatches);
        }
    }
}
