package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.npflua.engine.rule.RuleFactory;
import io.npflua.engine.rule.lua.LuaRuleFactory;
import io.npflua.lua.sandbox.ModuleRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code npflua check} through {@code CommandLine.execute}, with captured output and the scripts' prints. */
class CheckCommandTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"compiled", "interpreted"})
    void shouldRunTheTopLevelChunkOnce(String execution) throws Exception {
        // The real Lua rule factory, with print going to a list instead of the process's standard error.
        List<String> printed = new CopyOnWriteArrayList<>();
        EngineFactories factories = new EngineFactories() {
            @Override
            public RuleFactory luaRules() {
                return new LuaRuleFactory(
                        (script, line) -> printed.add(script + ": " + line), ModuleRegistry.standard());
            }
        };
        Path script = Files.writeString(
                dir.resolve("hello.lua"), "print('top-level chunk ran')\nfunction filter(pkt) return true end\n");
        Cli.Result r = Cli.run(factories, "check", "--lua-execution", execution, script.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals("", r.err());
        assertEquals(script + ": OK", r.out().lines().findFirst().orElse(""), r.out());
        assertEquals(List.of("hello.lua: top-level chunk ran"), printed, "printed once");
    }
}
