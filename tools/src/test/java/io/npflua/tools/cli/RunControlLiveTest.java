package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.json.Json;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live control-plane test: {@code run} captures on a veth while the demo capture is replayed into it;
 * {@code load}, {@code list}, {@code reload}, {@code unload} and {@code stats} go over the control socket meanwhile;
 * a client running as {@code nobody} is refused. Runs the real factories (live capture, Lua rules, control server);
 * needs root for the network namespace and AF_PACKET, and is skipped with that reason otherwise.
 */
class RunControlLiveTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void shouldLoadListReloadUnloadAndReadStatsWhileTrafficFlows() throws Exception {
        Assumptions.assumeTrue(ControlPaths.isRoot(), "live test: needs root (network namespaces, AF_PACKET)");
        Path capture = dir.resolve("demo.pcap");
        try (InputStream in = DemoCommand.class.getResourceAsStream(DemoCommand.CAPTURE_RESOURCE)) {
            assertNotNull(in, "the engine jar bundles the demo capture at " + DemoCommand.CAPTURE_RESOURCE);
            Files.write(capture, in.readAllBytes());
        }
        // The control socket must be reachable by path for nobody, so that the refusal comes from the socket's
        // mode and the server's SO_PEERCRED check, not from a private temporary directory.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path ssh = dir.resolve("ssh.lua");
        Files.writeString(ssh, "function filter(pkt) return true end\n");
        Path ssh2 = dir.resolve("ssh2.lua");
        Files.writeString(ssh2, "function filter(pkt) return tostring(pkt):find('OpenSSH_6.4', 1, true) == nil end\n");
        Path socket = dir.resolve("npflua.sock");
        // Own threads: the common pool may have a single thread on a small machine, which would serialize the two.
        ExecutorService threads = Executors.newCachedThreadPool();
        try (DemoLab lab = DemoLab.create()) {
            CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(
                    () -> Cli.run(
                            "run",
                            "-i",
                            lab.captureInterface(),
                            "--control",
                            socket.toString(),
                            "--duration",
                            "12",
                            "--json"),
                    threads);
            for (int i = 0; i < 200 && !Files.exists(socket); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(socket), "run opened its control socket");
            // The control socket opens before the engine's JIT warm-up (about a second), and the capture sockets
            // only after it: traffic injected before then is never seen. Wait until every worker runs.
            awaitWorkersRunning(socket.toString());
            // The capture again and again (64 frames at 1000/s a pass, at most 40 passes) while the rule is loaded
            // and reloaded, until the reloaded version has blocked a banner: however long the control calls take on a
            // busy machine, frames flow before, during and after them.
            AtomicBoolean seenBlocked = new AtomicBoolean();
            CompletableFuture<Void> traffic = CompletableFuture.runAsync(
                    () -> {
                        for (int i = 0; i < 40 && !seenBlocked.get(); i++) {
                            lab.inject(capture);
                        }
                    },
                    threads);
            String sock = socket.toString();
            assertEquals(
                    ExitCodes.OK,
                    Cli.run("load", "ssh", ssh.toString(), "--control", sock).code());
            Cli.Result list = Cli.run("list", "--json", "--control", sock);
            List<Object> rules =
                    (List<Object>) Json.parseObject(list.out().trim()).get("rules");
            assertEquals("ssh", ((Map<String, Object>) rules.get(0)).get("name"));
            Cli.Result reload = Cli.run("reload", "ssh", ssh2.toString(), "--json", "--control", sock);
            assertEquals(2L, Json.parseObject(reload.out().trim()).get("generation"), reload.err());
            Cli.Result stats;
            Map<String, Object> s;
            do {
                Thread.sleep(50);
                stats = Cli.run("stats", "--json", "--control", sock);
                s = Json.parseObject(stats.out().trim());
            } while ((Long) s.get("blocked") == 0 && !traffic.isDone());
            seenBlocked.set(true);
            traffic.get(60, TimeUnit.SECONDS);
            assertTrue((Long) s.get("frames") > 0, stats.out());
            assertTrue((Long) s.get("blocked") > 0, "the reloaded script blocks the OpenSSH_6.4 banner");
            try (NobodyProcess nobody = NobodyProcess.prepare()) {
                NobodyProcess.Result refused = nobody.run("list", "--control", sock);
                assertEquals(ExitCodes.NEEDS_ROOT, refused.code(), refused.output());
                assertTrue(refused.output().contains("permission denied"), refused.output());
            }
            assertEquals(
                    ExitCodes.OK, Cli.run("unload", "ssh", "--control", sock).code());
            Cli.Result end = run.get(60, TimeUnit.SECONDS);
            assertEquals(ExitCodes.OK, end.code(), end.err());
            Map<String, Object> last = Json.parseObject(end.out().trim());
            assertEquals(last.get("frames"), (Long) last.get("passed") + (Long) last.get("blocked"));
            assertEquals(last.get("kernel_packets"), (Long) last.get("frames") + (Long) last.get("kernel_drops"));
        } finally {
            threads.shutdownNow();
        }
    }

    @SuppressWarnings("unchecked")
    private static void awaitWorkersRunning(String socket) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Cli.Result stats = Cli.run("stats", "--json", "--control", socket);
            if (stats.code() == ExitCodes.OK) {
                List<Object> workers =
                        (List<Object>) Json.parseObject(stats.out().trim()).get("workers");
                if (!workers.isEmpty()
                        && workers.stream().allMatch(w -> "running".equals(((Map<String, Object>) w).get("state")))) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "workers not running within 30 s: " + stats.out() + stats.err());
            Thread.sleep(50);
        }
    }
}
