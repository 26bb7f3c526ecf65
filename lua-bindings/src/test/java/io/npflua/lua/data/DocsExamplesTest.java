package io.npflua.lua.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.lua.string.LuaStrings;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;

/**
 * Every {@code lua} block of docs/lua-api.md runs in a fresh state; a block that defines {@code filter} is called
 * twice, with two frames (the sample VLAN/IPv4/TCP SSH-banner frame), writable as on the inline bridge, and must pass
 * them unless it says it "blocks the sample frame".
 */
class DocsExamplesTest {
    private static final Path DOC = Path.of("..", "docs", "lua-api.md");

    @TestFactory
    Stream<DynamicTest> shouldRunEveryExampleOfTheLuaApiPage() throws IOException {
        String doc = Files.readString(DOC);
        Matcher m = Pattern.compile("```lua\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        List<DynamicTest> tests = new ArrayList<>();
        while (m.find()) {
            String chunk = m.group(1);
            int line = (int) doc.substring(0, m.start()).lines().count() + 2;
            tests.add(DynamicTest.dynamicTest("lua-api.md:" + line, () -> run(chunk, line)));
        }
        assertTrue(tests.size() >= 13, "examples found: " + tests.size());
        return tests.stream();
    }

    private static void run(String chunk, int line) {
        Globals g = LuaStates.withData();
        LuaStrings.install(g); // the string library the sandbox gives scripts (Lua 5.4 patterns, %g included)
        g.load(chunk, "@lua-api.md:" + line).call();
        LuaValue filter = g.get("filter");
        if (filter.isnil()) {
            return;
        }
        PacketData pkt = new PacketData();
        for (int i = 0; i < 2; i++) {
            pkt.bind(
                    MemorySegment.ofArray(LuaStates.hex(PacketDataTest.VLAN_TCP)),
                    0,
                    PacketDataTest.VLAN_TCP.length() / 2,
                    true);
            try {
                // An example that blocks the sample frame (its OpenSSH_6.4 banner) says so in a comment.
                boolean expected = !chunk.contains("blocks the sample frame");
                assertEquals(expected, filter.call(pkt).toboolean(), "filter verdict of the example at line " + line);
            } finally {
                pkt.release();
            }
        }
    }
}
