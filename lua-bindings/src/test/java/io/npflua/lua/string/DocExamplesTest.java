package io.npflua.lua.string;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Runs the examples of docs/lua-strings.md (doc-examples.lua) and compares their printed output with
 * doc-examples.out: lua5.4's output for the shared part, then npflua's documented string-metatable behaviour.
 */
class DocExamplesTest {
    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DocExamplesTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    @Test
    void shouldPrintWhatTheDocumentationShows() throws IOException {
        Globals g = JsePlatform.standardGlobals();
        LuaStrings.install(g);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        g.STDOUT = new PrintStream(out, true, StandardCharsets.ISO_8859_1);
        g.load(new java.io.ByteArrayInputStream(resource("doc-examples.lua")), "doc-examples.lua", "t", g)
                .call();
        String expected = new String(resource("doc-examples.out"), StandardCharsets.ISO_8859_1);
        String actual = out.toString(StandardCharsets.ISO_8859_1)
                .replaceFirst("false\t[^\t\n]*?doc-examples.lua:\\d+:? ", "false\t");
        assertEquals(expected, actual);
    }
}
