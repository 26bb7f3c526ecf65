package io.npflua.engine.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.npflua.engine.Engine;
import io.npflua.engine.EngineFixtures;
import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.json.Json;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {
    @TempDir
    Path dir;

    private Engine engine;
    private ControlServer server;
    private Path socket;

    @BeforeEach
    void start() throws Exception {
        engine = EngineFixtures.runningEngine();
        socket = dir.resolve("npflua.sock");
        server = ControlServer.start(socket, new ControlProtocol(engine)::handle, ErrorHandler.STDERR);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        engine.close();
    }

    @Test
    void shouldCreateTheSocketOwnerOnlyWithNoLeftovers() throws Exception {
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)));
        assertEquals(System.getProperty("user.name"), Files.getOwner(socket).getName());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(socket), files.toList(), "the private staging directory is gone");
        }
        server.close();
        assertTrue(!Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "close removes the socket");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldRoundTripEveryCommandWhileFramesFlow() throws Exception {
        try (ControlClient c = ControlClient.connect(socket)) {
            assertEquals(1L, c.ping().get("version"));
            c.load("odd", "block-odd", null, "block", 1000);
            EngineFixtures.awaitFrames(engine, engine.stats().frames() + 1000);
            c.reload("odd", "block-even");
            List<Object> rules = (List<Object>) c.list().get("rules");
            Map<String, Object> rule = (Map<String, Object>) rules.get(0);
            assertEquals("odd", rule.get("name"));
            assertEquals(2L, rule.get("generation"));
            Map<String, Object> stats = (Map<String, Object>) c.stats().get("stats");
            assertTrue((Long) stats.get("frames") > 1000);
            Map<String, Object> script = (Map<String, Object>) ((List<Object>) stats.get("scripts")).get(0);
            assertTrue((Long) script.get("calls") > 0);
            ControlException rejected = assertThrows(ControlException.class, () -> c.reload("odd", "broken"));
            assertEquals("rejected", rejected.code());
            assertTrue(rejected.getMessage().contains("odd.lua:1: syntax error"), rejected.getMessage());
            c.unload("odd");
            assertTrue(((List<Object>) c.list().get("rules")).isEmpty());
        }
    }

    @Test
    void shouldReloadOverTheSocketUnderLoadWithoutLosingAFrame() throws Exception {
        try (ControlClient c = ControlClient.connect(socket)) {
            c.load("flip", "block-odd", null, null, 0);
            for (int i = 0; i < 50; i++) {
                long before = engine.stats().frames();
                c.reload("flip", i % 2 == 0 ? "block-even" : "block-odd");
                EngineFixtures.awaitFrames(engine, before + 100);
            }
        }
        EngineSnapshot s = engine.closeAndReport();
        assertEquals(51, s.script("flip").generation());
        assertTrue(s.script("flip").calls() > 50 * 100, "the script saw the frames after its load");
        assertEquals(s.frames(), s.passed() + s.blocked());
        assertEquals(s.kernelPackets(), s.frames() + s.kernelDrops());
        assertEquals(0, s.script("flip").errors());
    }

    @Test
    void shouldAnswerGarbageOversizedAndTruncatedRequestsWithErrorsAndKeepCapturing() throws Exception {
        long restartsBefore = engine.stats().restarts();
        assertEquals("malformed", code(send("this is not json\n", false)));
        assertEquals("malformed", code(send("{\"cmd\":\"list\"\n", false)));
        byte[] invalidUtf8 = {'{', '"', (byte) 0xff, '"', ':', '1', '}', '\n'};
        assertEquals("malformed", code(sendBytes(invalidUtf8, false)));
        assertEquals("truncated", code(send("{\"cmd\":\"li", true)));
        String huge = "{\"cmd\":\"load\",\"name\":\"x\",\"source\":\"" + "a".repeat(ControlServer.MAX_REQUEST_BYTES)
                + "\"}\n";
        assertEquals("too_large", code(send(huge, false)));

        // Several requests on one connection, the first broken: the connection keeps serving.
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            write(ch, "nonsense\n{\"cmd\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("malformed", code(readLine(ch)));
            assertEquals(Boolean.TRUE, Json.parseObject(readLine(ch)).get("ok"));
        }
        long frames = engine.stats().frames();
        EngineFixtures.awaitFrames(engine, frames + 1000);
        assertEquals(restartsBefore, engine.stats().restarts());
        try (ControlClient c = ControlClient.connect(socket)) {
            assertEquals(Boolean.TRUE, c.ping().get("ok"), "the server still serves");
        }
        EngineSnapshot s = engine.closeAndReport();
        assertEquals(s.frames(), s.passed() + s.blocked());
    }

    @Test
    void shouldTurnAwayClientsBeyondTheLimitAndSurviveAFloodOfGarbage() throws Exception {
        List<SocketChannel> held = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < ControlServer.MAX_CONNECTIONS; i++) {
                held.add(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
            }
            try (SocketChannel extra = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                // The server answers at once and hangs up; read without writing so no EPIPE can interfere.
                String answer = readLine(extra);
                assertEquals("busy", code(answer), answer);
            }
        } finally {
            for (SocketChannel ch : held) {
                ch.close();
            }
        }
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[1 + random.nextInt(4096)];
            random.nextBytes(junk);
            junk[junk.length - 1] = '\n';
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                write(ch, junk);
            } catch (IOException e) {
                // The server may hang up first; that is fine.
            }
        }
        long frames = engine.stats().frames();
        EngineFixtures.awaitFrames(engine, frames + 1000);
        assertEquals(0, engine.stats().restarts());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (ControlClient c = ControlClient.connect(socket)) {
                assertEquals(Boolean.TRUE, c.ping().get("ok"));
                break;
            } catch (ControlException e) {
                // Closed connections are reaped on the server's next select; retry briefly.
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    @Test
    void shouldRefuseToReplaceALiveSocketOrAFile() throws Exception {
        IOException live =
                assertThrows(IOException.class, () -> ControlServer.start(socket, line -> "{}", ErrorHandler.STDERR));
        assertTrue(live.getMessage().contains("another engine is listening"), live.getMessage());
        Path file = Files.writeString(dir.resolve("plain"), "data");
        IOException notSocket =
                assertThrows(IOException.class, () -> ControlServer.start(file, line -> "{}", ErrorHandler.STDERR));
        assertTrue(notSocket.getMessage().contains("is not a socket"), notSocket.getMessage());
        assertEquals("data", Files.readString(file));
        IOException noDir = assertThrows(
                IOException.class,
                () -> ControlServer.start(dir.resolve("missing/x.sock"), line -> "{}", ErrorHandler.STDERR));
        assertTrue(noDir.getMessage().contains("does not exist"), noDir.getMessage());
    }

    @Test
    void shouldReplaceASocketLeftBehindByADeadEngine() throws Exception {
        Path stale = dir.resolve("stale.sock");
        var ch = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ch.bind(UnixDomainSocketAddress.of(stale));
        ch.close(); // the file stays, nobody listens
        assertTrue(Files.exists(stale, LinkOption.NOFOLLOW_LINKS));
        try (ControlServer second =
                        ControlServer.start(stale, new ControlProtocol(engine)::handle, ErrorHandler.STDERR);
                ControlClient c = ControlClient.connect(stale)) {
            assertEquals(Boolean.TRUE, c.ping().get("ok"));
        }
    }

    @Test
    void shouldRefuseAnotherUserAtTheFileAndAtThePeerCredentialCheck() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run a client as nobody");
        assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/python3")),
                "needs setpriv and /usr/bin/python3");
        // A directory nobody may enter, so that only the socket's own mode and SO_PEERCRED stand in the way.
        Path open = Files.createTempDirectory(Path.of("/tmp"), "npflua-ctl-");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            Path strict = open.resolve("strict.sock");
            try (ControlServer s =
                    ControlServer.start(strict, new ControlProtocol(engine)::handle, ErrorHandler.STDERR)) {
                assertEquals("EACCES", asNobody(strict, "{\"cmd\":\"list\"}"), "mode 0600 keeps nobody out");
            }
            Path wide = open.resolve("wide.sock");
            try (ControlServer s = ControlServer.start(
                    wide,
                    new ControlProtocol(engine)::handle,
                    ErrorHandler.STDERR,
                    PosixFilePermissions.fromString("rw-rw-rw-"))) {
                for (String cmd : List.of(
                        "{\"cmd\":\"list\"}",
                        "{\"cmd\":\"stats\"}",
                        "{\"cmd\":\"load\",\"name\":\"evil\",\"source\":\"block\"}",
                        "{\"cmd\":\"unload\",\"name\":\"x\"}")) {
                    String answer = asNobody(wide, cmd);
                    assertTrue(answer.startsWith("{"), answer);
                    Map<String, Object> r = Json.parseObject(answer);
                    assertEquals("denied", r.get("code"), cmd + " -> " + r);
                    assertTrue(((String) r.get("error")).contains("user 'nobody' may not control this engine"));
                }
                assertTrue(engine.list().isEmpty(), "nothing was loaded by nobody");
            }
        } finally {
            try (var files = Files.list(open)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(open);
        }
    }

    private static String asNobody(Path socket, String request) throws Exception {
        String py = """
                import socket, sys
                s = socket.socket(socket.AF_UNIX)
                try:
                    s.connect(sys.argv[1])
                except PermissionError:
                    print("EACCES"); sys.exit(0)
                try:
                    s.sendall(sys.argv[2].encode() + b"\\n")
                except OSError:
                    pass  # the server may answer and hang up before reading the request
                print(s.makefile().readline().strip())
                """;
        Process p = new ProcessBuilder(
                        "/usr/bin/setpriv",
                        "--reuid=nobody",
                        "--regid=nogroup",
                        "--clear-groups",
                        "/usr/bin/python3",
                        "-c",
                        py,
                        socket.toString(),
                        request)
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "client as nobody finished");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    private String send(String text, boolean halfClose) throws IOException {
        return sendBytes(text.getBytes(StandardCharsets.UTF_8), halfClose);
    }

    private String sendBytes(byte[] bytes, boolean halfClose) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            try {
                write(ch, bytes);
            } catch (IOException e) {
                // The server may hang up on an oversized request before reading all of it; its answer is waiting.
            }
            if (halfClose) {
                ch.shutdownOutput();
            }
            return readLine(ch);
        }
    }

    private static void write(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static String readLine(SocketChannel ch) throws IOException {
        StringBuilder sb = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (ch.read(one) < 0) {
                return sb.toString();
            }
            char c = (char) one.get(0);
            if (c == '\n') {
                return sb.toString();
            }
            sb.append(c);
        }
    }

    private static String code(String response) throws Exception {
        return (String) Json.parseObject(response).get("code");
    }
}
