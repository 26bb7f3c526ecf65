package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.Engine;
import io.npflua.engine.EngineSources;
import io.npflua.engine.RuleInfo;
import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.control.ControlClient;
import io.npflua.engine.control.ControlProtocol;
import io.npflua.engine.control.ControlServer;
import io.npflua.engine.json.Json;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.source.ring.LiveCaptureOptions;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.VethLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may control a running engine, through the real {@code npflua} CLI run as user {@code nobody} (a child JVM
 * under {@code setpriv --reuid=nobody --regid=nogroup --clear-groups}) against an engine capturing on a veth:
 * <ul>
 *   <li>with the socket's own mode (0600) every command - load, reload, unload, list, stats - is refused at
 *   {@code connect(2)};</li>
 *   <li>with the file opened to everyone (0666), the server's SO_PEERCRED check refuses every command;</li>
 *   <li>{@code load}/{@code reload} of a file nobody cannot read fail in the client, before any request is sent: the
 *   protocol carries source text, never a path, and has no command or field that takes one.</li>
 * </ul>
 * The chain is unchanged after every attempt. ({@code ControlServerTest} in the engine checks the same server with a
 * python client; this test covers the CLI and {@code reload}.)
 */
@LiveTest
class ControlSecurityLiveTest {
    private static final String RULE = "function filter(p) return true end\n";
    private static Path shared;
    private static NobodyProcess nobody;

    /** A directory everyone may enter, holding the socket and the scripts; the class path copy is NobodyProcess's. */
    @BeforeAll
    static void shareWithNobody() throws Exception {
        shared = Files.createTempDirectory(Path.of("/tmp"), "npflua-sec-");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        nobody = NobodyProcess.prepare();
    }

    @AfterAll
    static void removeShared() throws Exception {
        if (nobody != null) {
            nobody.close();
        }
        if (shared != null) {
            try (var walk = Files.walk(shared)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private record Outcome(int exit, String output) {}

    private static Outcome asNobody(String... args) throws Exception {
        NobodyProcess.Result r = nobody.runIn(shared, args);
        return new Outcome(r.code(), r.output());
    }

    private static Engine engine(VethLab.VethPair pair) {
        return Engine.builder()
                .tap(pair.a())
                .workers(1)
                .sources(EngineSources.live(LiveCaptureOptions.defaults()))
                .ruleFactory(EngineSources.lua())
                .script(ScriptSpec.of("keep", RULE))
                .build()
                .start();
    }

    private static void assertChainUntouched(Engine engine) {
        List<RuleInfo> rules = engine.list();
        assertEquals(1, rules.size(), rules.toString());
        assertEquals("keep", rules.get(0).name());
        assertEquals(1, rules.get(0).generation(), "no reload got through");
    }

    /** Every control command of the CLI, each against {@code socket}. */
    private static List<String[]> everyCommand(Path socket, Path script) {
        String s = socket.toString();
        return List.of(
                new String[] {"load", "evil", script.toString(), "--control", s},
                new String[] {"reload", "keep", script.toString(), "--control", s},
                new String[] {"reload", "keep", "--control", s},
                new String[] {"unload", "keep", "--control", s},
                new String[] {"list", "--control", s},
                new String[] {"stats", "--control", s});
    }

    @Test
    void shouldRefuseEveryCommandFromNobodyAtTheSocketModeAndAtThePeerCredentialCheck(VethLab lab) throws Exception {
        VethLab.VethPair pair = lab.addPair();
        Path script = Files.writeString(shared.resolve("evil.lua"), "function filter(p) return false end\n");
        script.toFile().setReadable(true, false);
        Path socket = shared.resolve(lab.prefix() + ".sock");
        try (Engine engine = engine(pair);
                ControlServer server =
                        ControlServer.start(socket, new ControlProtocol(engine)::handle, ErrorHandler.STDERR)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            for (String[] command : everyCommand(socket, script)) {
                Outcome o = asNobody(command);
                assertEquals(ExitCodes.NEEDS_ROOT, o.exit(), String.join(" ", command) + ": " + o.output());
                assertTrue(o.output().contains("permission denied"), o.output());
            }
            assertChainUntouched(engine);

            // Open the file to everyone: the server's SO_PEERCRED check must still refuse nobody.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            for (String[] command : everyCommand(socket, script)) {
                Outcome o = asNobody(command);
                assertEquals(ExitCodes.NEEDS_ROOT, o.exit(), String.join(" ", command) + ": " + o.output());
                assertTrue(o.output().contains("may not control this engine"), o.output());
            }
            assertChainUntouched(engine);
            // Root (the engine's user here) still gets through.
            try (ControlClient c = ControlClient.connect(socket)) {
                assertEquals(Boolean.TRUE, c.ping().get("ok"));
            }
        }
    }

    @Test
    void shouldFailInTheClientWhenNobodyNamesAFileItCannotRead(VethLab lab) throws Exception {
        VethLab.VethPair pair = lab.addPair();
        String secretText = "-- the secret is 6f3c1e\nfunction filter(p) return true end\n";
        Path secret = Files.writeString(shared.resolve("secret.lua"), secretText);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path socket = shared.resolve(lab.prefix() + ".sock");
        try (Engine engine = engine(pair);
                ControlServer server =
                        ControlServer.start(socket, new ControlProtocol(engine)::handle, ErrorHandler.STDERR)) {
            // Even with the socket open to everyone, the file is read by the client, as nobody, and that fails first.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            for (String[] command : List.of(
                    new String[] {"load", "stolen", secret.toString()},
                    new String[] {"reload", "keep", secret.toString()},
                    new String[] {"load", "stolen", "/root/.bash_history"},
                    new String[] {"load", "stolen", "/etc/shadow"})) {
                String[] full = new String[command.length + 2];
                System.arraycopy(command, 0, full, 0, command.length);
                full[command.length] = "--control";
                full[command.length + 1] = socket.toString();
                Outcome o = asNobody(full);
                assertEquals(ExitCodes.FAILURE, o.exit(), String.join(" ", command) + ": " + o.output());
                assertTrue(o.output().contains("cannot read script " + command[2]), o.output());
                assertTrue(!o.output().contains("6f3c1e") && !o.output().contains("root:"), o.output());
            }
            assertChainUntouched(engine);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldOfferNoCommandOrFieldThatTakesAPath(VethLab lab) throws Exception {
        VethLab.VethPair pair = lab.addPair();
        Path socket = shared.resolve(lab.prefix() + ".sock");
        try (Engine engine = engine(pair);
                ControlServer server =
                        ControlServer.start(socket, new ControlProtocol(engine)::handle, ErrorHandler.STDERR);
                ControlClient c = ControlClient.connect(socket)) {
            for (String field : List.of("path", "file", "script", "filename", "include")) {
                Map<String, Object> load = Json.parseObject(
                        c.exchange("{\"cmd\":\"load\",\"name\":\"x\",\"" + field + "\":\"/etc/shadow\"}"));
                assertEquals("bad_request", load.get("code"), field + " -> " + load);
                Map<String, Object> reload = Json.parseObject(
                        c.exchange("{\"cmd\":\"reload\",\"name\":\"keep\",\"" + field + "\":\"/etc/shadow\"}"));
                assertEquals("bad_request", reload.get("code"), field + " -> " + reload);
            }
            for (String cmd : List.of("read", "open", "include", "loadfile", "dofile", "exec")) {
                Map<String, Object> r =
                        Json.parseObject(c.exchange("{\"cmd\":\"" + cmd + "\",\"path\":\"/etc/shadow\"}"));
                assertEquals("unknown_command", r.get("code"), cmd + " -> " + r);
            }
            // A path where source text belongs is compiled as Lua text (a syntax error), never opened.
            Map<String, Object> asSource =
                    Json.parseObject(c.exchange("{\"cmd\":\"load\",\"name\":\"x\",\"source\":\"/etc/shadow\"}"));
            assertEquals("rejected", asSource.get("code"), asSource.toString());
            assertTrue(!String.valueOf(asSource.get("error")).contains("root:"), asSource.toString());
            // And a script cannot open it either: the sandbox has no io, no loadfile, no dofile.
            for (String src : List.of(
                    "local f = io.open('/etc/shadow') function filter() return true end",
                    "local f = loadfile('/etc/shadow') function filter() return true end",
                    "dofile('/etc/shadow') function filter() return true end",
                    "require('/etc/shadow') function filter() return true end")) {
                Map<String, Object> r = Json.parseObject(c.exchange(
                        "{\"cmd\":\"load\",\"name\":\"x\",\"source\":\"" + src.replace("'", "\\u0027") + "\"}"));
                assertEquals("rejected", r.get("code"), src + " -> " + r);
            }
            assertChainUntouched(engine);
        }
    }
}
