package io.npflua.lua.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;

/** luadata's own test.lua (stored as a resource with its origin) runs unchanged against our module. */
class LuadataCompatibilityTest {
    @Test
    void shouldPassLuadataTestScript() throws Exception {
        Globals g = LuaStates.withData();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        g.STDOUT = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (InputStream in = getClass().getResourceAsStream("luadata-test.lua")) {
            assertNotNull(in, "luadata-test.lua resource");
            g.load(in, "@luadata-test.lua", "t", g).call();
        }
        assertEquals("test passed ;-)\n", out.toString(StandardCharsets.UTF_8));
    }
}
