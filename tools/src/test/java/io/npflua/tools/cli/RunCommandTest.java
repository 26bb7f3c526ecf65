package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.json.Json;
import io.npflua.ffm.sys.Errno;
import io.npflua.ffm.sys.Operation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} over the test factories' endless in-memory "interfaces": stop conditions, signals, validation. */
class RunCommandTest {
    @TempDir
    Path dir;

    private Path sshScript() throws Exception {
        Path p = dir.resolve("ssh.lua");
        Files.copy(DemoCapture.example(dir, "ssh-version"), p);
        return p;
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldStopAfterExactlyCountFramesAndPrintFinalCountersAsJson() throws Exception {
        Cli.Result r = Cli.run(
                new TestFactories(),
                "run",
                "-i",
                "test0",
                "-s",
                sshScript().toString(),
                "-c",
                "1000",
                "--json",
                "--no-control",
                "--workers",
                "2");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        Map<String, Object> json = Json.parseObject(r.out().trim());
        long frames = (Long) json.get("frames");
        assertEquals(1000L, frames, "exactly -c frames, as tcpdump -c, with two workers sharing the limit");
        assertEquals(frames, (Long) json.get("passed") + (Long) json.get("blocked"), "counters add up");
        assertTrue((Long) json.get("blocked") > 0, "the real ssh-version.lua blocks the OpenSSH_6.4 banners");
        assertTrue(json.containsKey("kernel_packets") && json.containsKey("kernel_drops"), r.out());
        assertTrue(!json.containsKey("ns_per_frame"), "wall time per frame means nothing live: " + r.out());
        assertEquals(Boolean.TRUE, json.get("final"));
        Map<String, Object> ssh = (Map<String, Object>) ((List<Object>) json.get("scripts")).get(0);
        assertEquals("ssh", ssh.get("name"));
        assertEquals(1000L, ssh.get("calls"), "no frame past the limit reaches a script");
        assertEquals(2, ((List<Object>) json.get("workers")).size());
    }

    @Test
    void shouldStopAfterDurationAndPrintTextCountersOnStandardError() throws Exception {
        Cli.Result r = Cli.run(new TestFactories(), "run", "-i", "test0", "--duration", "0.2", "--no-control");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains(" frames: ") && r.err().contains(" passed, 0 blocked"), r.err());
        assertTrue(r.err().contains("\nkernel: ") && r.err().contains(" dropped, "), r.err());
        assertTrue(!r.err().contains("ns/frame"), r.err());
    }

    @Test
    void shouldRefuseANegativeWarmup() {
        Cli.Result r = Cli.run(new TestFactories(), "run", "-i", "test0", "--warmup", "-1", "--no-control");
        assertEquals(ExitCodes.USAGE, r.code(), r.err());
        assertTrue(r.err().contains("--warmup must be 0 or more frames, got -1"), r.err());
    }

    @Test
    void shouldValidateInterfacesAndScriptsBeforeCapturing() throws Exception {
        Cli.Result noIface = Cli.run(new TestFactories(), "run", "-i", "eth-missing", "--no-control");
        assertEquals(ExitCodes.FAILURE, noIface.code());
        assertTrue(
                noIface.err().startsWith("npflua: cannot start the engine: interface eth-missing does not exist"),
                noIface.err());
        Path bad = dir.resolve("bad.lua");
        Files.writeString(bad, "function filter(pkt)\n  retur true\nend");
        Cli.Result badScript = Cli.run(new TestFactories(), "run", "-i", "test0", "-s", bad.toString(), "--no-control");
        assertEquals(ExitCodes.FAILURE, badScript.code());
        assertTrue(badScript.err().contains(bad + ":2:"), badScript.err());
    }

    @Test
    void shouldExplainASourceThatCannotBeOpenedAtStart() {
        TestFactories f = new TestFactories() {
            @Override
            public io.npflua.engine.source.FrameSourceFactory liveSources(String bpf) {
                io.npflua.engine.source.FrameSourceFactory real = super.liveSources(bpf);
                return new io.npflua.engine.source.FrameSourceFactory() {
                    @Override
                    public void validate(String name) {
                        real.validate(name);
                    }

                    @Override
                    public io.npflua.engine.source.FrameSource open(io.npflua.engine.source.SourceRequest r) {
                        // the errno decides, not the text: a real ErrnoException as the ffm layer makes it
                        throw Errno.exception(Operation.SOCKET, "socket(AF_PACKET, SOCK_RAW)", Errno.EPERM, null);
                    }
                };
            }
        };
        Cli.Result r = Cli.run(f, "run", "-i", "test0", "--no-control");
        assertEquals(ExitCodes.NEEDS_ROOT, r.code(), r.err());
        assertTrue(
                r.err()
                        .startsWith("npflua: cannot start the engine: cannot open test0 for worker 0: socket("
                                + "AF_PACKET, SOCK_RAW) failed: Operation not permitted: needs root or CAP_NET_RAW (run as root, or grant"
                                + " it: setcap"),
                r.err());
    }

    @Test
    void shouldFailWhenTheControlSocketCannotBeServed() throws Exception {
        TestFactories busy = new TestFactories() {
            @Override
            public AutoCloseable controlServer(
                    io.npflua.engine.Engine engine, Path socket, io.npflua.engine.agent.ErrorHandler errors)
                    throws Exception {
                throw new java.io.IOException("another engine is listening on " + socket);
            }
        };
        Cli.Result explicit = Cli.run(
                busy,
                "run",
                "-i",
                "test0",
                "-c",
                "10",
                "--control",
                dir.resolve("c.sock").toString());
        assertEquals(ExitCodes.FAILURE, explicit.code());
        assertTrue(
                explicit.err()
                        .startsWith("npflua: cannot open the control socket " + dir.resolve("c.sock")
                                + ": another engine is listening"),
                explicit.err());
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldPrintFinalJsonCountersOnSigint() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(CliJvm.command(
                TestMain.class, "run", "-i", "test0", "-s", sshScript().toString(), "--json", "--no-control"));
        Process p = pb.start();
        try {
            // The engine says when it listens; the shutdown hook is in place by then.
            var err = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            String line = err.readLine();
            assertTrue(
                    line != null && line.startsWith("npflua: listening on test0 (1 worker, fanout hash, 1 script)"),
                    String.valueOf(line));
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the process ends after SIGINT");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            Map<String, Object> json = Json.parseObject(out);
            assertEquals(Boolean.TRUE, json.get("final"), out);
            assertEquals(json.get("frames"), (Long) json.get("passed") + (Long) json.get("blocked"));
            assertEquals(130, p.exitValue(), "128 + SIGINT");
        } finally {
            p.destroyForcibly();
        }
    }
}
