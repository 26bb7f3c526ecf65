package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.json.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * load, unload, reload, list and stats against a Unix socket speaking the control protocol (newline-delimited JSON,
 * docs/control-protocol.md). The peer here answers from a table, so the tests pin the requests the CLI sends and how
 * it prints answers and refusals; the engine's own tests cover the real server. After the merge the live test
 * ({@code RunControlLiveTest}) drives the real server through {@code run}.
 */
class ControlCommandsTest {
    @TempDir
    Path dir;

    private final List<Map<String, Object>> requests = new CopyOnWriteArrayList<>();
    private ServerSocketChannel server;
    private Thread thread;

    private Path serve(Function<Map<String, Object>, String> answer) throws Exception {
        Path socket = dir.resolve("ctl.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(
                () -> {
                    while (server.isOpen()) {
                        try (SocketChannel c = server.accept()) {
                            BufferedReader in = new BufferedReader(
                                    new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
                            OutputStream out = Channels.newOutputStream(c);
                            String line;
                            while ((line = in.readLine()) != null) {
                                Map<String, Object> req = Json.parseObject(line);
                                requests.add(req);
                                out.write((answer.apply(req) + "\n").getBytes(StandardCharsets.UTF_8));
                                out.flush();
                            }
                        } catch (Exception e) {
                            return;
                        }
                    }
                },
                "fake-control");
        thread.setDaemon(true);
        thread.start();
        return socket;
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldSendTheScriptSourceReadOnTheClientSide() throws Exception {
        Path socket = serve(r -> "{\"ok\":true,\"rule\":{\"name\":\"ssh\",\"kind\":\"lua\",\"entry\":\"inspect\","
                + "\"on_error\":\"block\",\"generation\":1,\"max_instructions\":5000}}");
        Path script = dir.resolve("ssh.lua");
        Files.writeString(script, "function inspect(pkt)\n  return \"quoted\\n\" ~= nil\nend\n");
        Cli.Result r = Cli.run(
                "load",
                "ssh",
                script.toString(),
                "--call",
                "inspect",
                "--on-error",
                "block",
                "--max-instructions",
                "5000",
                "--control",
                socket.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals("loaded ssh (entry inspect, on error block, generation 1)\n", r.out());
        Map<String, Object> req = requests.get(0);
        assertEquals("load", req.get("cmd"));
        assertEquals("ssh", req.get("name"));
        assertEquals(Files.readString(script), req.get("source"));
        assertEquals("inspect", req.get("entry"));
        assertEquals("block", req.get("on_error"));
        assertEquals(5000L, req.get("max_instructions"));
    }

    @Test
    void shouldReloadWithOrWithoutNewSourceAndUnload() throws Exception {
        Path socket = serve(r -> switch ((String) r.get("cmd")) {
            case "reload" ->
                "{\"ok\":true,\"rule\":{\"name\":\"ssh\",\"entry\":\"filter\",\"on_error\":\"pass\","
                        + "\"generation\":2}}";
            default -> "{\"ok\":true,\"unloaded\":\"ssh\"}";
        });
        Path script = dir.resolve("v2.lua");
        Files.writeString(script, "function filter() return true end");
        assertEquals(
                ExitCodes.OK,
                Cli.run("reload", "ssh", script.toString(), "--control", socket.toString())
                        .code());
        Cli.Result again = Cli.run("reload", "ssh", "--control", socket.toString(), "--json");
        assertEquals(ExitCodes.OK, again.code());
        assertEquals(2L, Json.parseObject(again.out().trim()).get("generation"));
        Cli.Result un = Cli.run("unload", "ssh", "--control", socket.toString());
        assertEquals("unloaded ssh\n", un.out());
        assertEquals("function filter() return true end", requests.get(0).get("source"));
        assertTrue(!requests.get(1).containsKey("source"), "reload without FILE recompiles the engine's copy");
        assertEquals(Map.of("cmd", "unload", "name", "ssh"), requests.get(2));
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldListRulesAsTableAndJson() throws Exception {
        Path socket = serve(r -> "{\"ok\":true,\"rules\":[{\"name\":\"ssh\",\"kind\":\"lua\",\"entry\":\"filter\","
                + "\"on_error\":\"pass\",\"generation\":3,\"max_instructions\":0}]}");
        Cli.Result text = Cli.run("list", "--control", socket.toString());
        assertEquals(ExitCodes.OK, text.code(), text.err());
        assertTrue(text.out().contains("ssh") && text.out().contains("default"), text.out());
        Cli.Result json = Cli.run("list", "--json", "--control", socket.toString());
        List<Object> rules = (List<Object>) Json.parseObject(json.out().trim()).get("rules");
        assertEquals("ssh", ((Map<String, Object>) rules.get(0)).get("name"));
    }

    @Test
    void shouldPrintStatsAsJsonWithTheRequiredCounters() throws Exception {
        String stats = "{\"frames\":10,\"passed\":7,\"blocked\":3,\"errors\":1,\"forwarded\":0,\"kernel_packets\":12,"
                + "\"kernel_drops\":2,\"freezes\":0,\"restarts\":0,\"elapsed_ns\":1000000,\"final\":false,"
                + "\"scripts\":[{\"name\":\"ssh\",\"calls\":10,\"passed\":6,\"blocked\":3,\"errors\":1,"
                + "\"last_error\":\"ssh.lua:2: boom\"}],\"workers\":[]}";
        Path socket = serve(r -> "{\"ok\":true,\"stats\":" + stats + "}");
        Cli.Result json = Cli.run("stats", "--json", "--control", socket.toString());
        assertEquals(ExitCodes.OK, json.code(), json.err());
        Map<String, Object> m = Json.parseObject(json.out().trim());
        for (String key :
                List.of("frames", "passed", "blocked", "errors", "kernel_packets", "kernel_drops", "scripts")) {
            assertTrue(m.containsKey(key), key);
        }
        Cli.Result text = Cli.run("stats", "--control", socket.toString());
        assertTrue(text.out().startsWith("10 frames: 7 passed, 3 blocked, 1 script errors"), text.out());
        assertTrue(text.out().contains("ssh.lua:2: boom"), text.out());
    }

    @Test
    void shouldReportRefusalsWithTheEnginesReason() throws Exception {
        Path socket = serve(r -> "denied".equals(r.get("name"))
                ? "{\"ok\":false,\"code\":\"denied\",\"error\":\"permission denied: user 'nobody' may not\"}"
                : "{\"ok\":false,\"code\":\"rejected\",\"error\":\"ssh.lua:1: unexpected symbol\"}");
        Path script = dir.resolve("ssh.lua");
        Files.writeString(script, "function filter() return true end");
        Cli.Result rejected = Cli.run("load", "ssh", script.toString(), "--control", socket.toString());
        assertEquals(ExitCodes.FAILURE, rejected.code());
        assertEquals("npflua: the engine refused: ssh.lua:1: unexpected symbol [rejected]\n", rejected.err());
        Cli.Result denied = Cli.run("unload", "denied", "--control", socket.toString());
        assertEquals(ExitCodes.NEEDS_ROOT, denied.code());
    }

    @Test
    void shouldExplainAMissingSocket() {
        Cli.Result r = Cli.run("list", "--control", dir.resolve("none.sock").toString());
        assertEquals(ExitCodes.FAILURE, r.code());
        assertTrue(
                r.err()
                        .startsWith("npflua: cannot reach the engine at " + dir.resolve("none.sock")
                                + ": no control socket there; start one with 'npflua run"),
                r.err());
    }

    @Test
    void shouldExplainASocketLeftBehindByAStoppedEngine() throws Exception {
        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(stale));
        }
        assertTrue(Files.exists(stale), "closing a bound Unix socket leaves its file");
        Cli.Result r = Cli.run("stats", "--control", stale.toString());
        assertEquals(ExitCodes.FAILURE, r.code());
        assertEquals(
                "npflua: cannot reach the engine at " + stale + ": nobody is listening (a socket left behind by"
                        + " an engine that stopped); start the engine again or pass the --control PATH of the running one\n",
                r.err());
    }

    @Test
    void shouldReadTheScriptBeforeConnecting() {
        Cli.Result r = Cli.run(
                "load",
                "x",
                dir.resolve("absent.lua").toString(),
                "--control",
                dir.resolve("none.sock").toString());
        assertEquals(ExitCodes.FAILURE, r.code());
        assertTrue(r.err().contains("cannot read script"), r.err());
    }
}
