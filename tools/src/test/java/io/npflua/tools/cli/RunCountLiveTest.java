package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.json.Json;
import io.npflua.ffm.lab.LabTraffic;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.VethLab;
import io.npflua.ffm.ring.RingGeometry;
import io.npflua.ffm.socket.PacketSocket;
import io.npflua.ffm.socket.PacketSocketOptions;
import io.npflua.ffm.sys.Syscalls;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code npflua run -c N} on a real veth pair (IPv6 off, so the kernel sends nothing of its own): like tcpdump's
 * {@code -c}, the run waits for its N frames however long the link stays quiet, and ends with exactly N; with
 * {@code --duration} it still ends at the duration with fewer. Frames are written on the peer through a TX ring,
 * UDP between 198.18.0.1 and 198.18.1.1, a handful per test.
 */
@LiveTest
class RunCountLiveTest {
    /** Longer than the old watcher's give-up (a second without a frame while a worker held a claim on the limit). */
    private static final long QUIET_MS = 3_000;

    @Test
    void shouldWaitOnAQuietLinkUntilTheCountedFramesCame(VethLab lab) throws Exception {
        VethLab.VethPair pair = lab.addPair();
        Running run = Running.start("run", "-i", pair.a(), "-c", "5", "--no-control", "--warmup", "0", "--json");
        run.awaitListening();
        Thread.sleep(QUIET_MS); // nothing is sent
        assertTrue(run.isAlive(), "-c 5 is still waiting after " + QUIET_MS + " ms without traffic: " + run.err());
        send(pair.b(), 5);
        Cli.Result r = run.await();
        assertEquals(ExitCodes.OK, r.code(), r.err());
        Map<String, Object> counters = Json.parseObject(r.out().trim());
        assertEquals(5L, counters.get("frames"), r.out());
        assertEquals(5L, counters.get("kernel_packets"), "nothing else reached the link: " + r.out());
    }

    @Test
    void shouldStillEndAtTheDurationWithFewerFrames(VethLab lab) throws Exception {
        VethLab.VethPair pair = lab.addPair();
        Running run = Running.start(
                "run", "-i", pair.a(), "-c", "5", "--duration", "6", "--no-control", "--warmup", "0", "--json");
        run.awaitListening();
        send(pair.b(), 2);
        Cli.Result r = run.await();
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals(2L, Json.parseObject(r.out().trim()).get("frames"), r.out());
    }

    private static void send(String link, int count) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            frames.add(Frames.udp4("198.18.0.1", 30_000 + i, "198.18.1.1", 5000, new byte[] {(byte) i}));
        }
        try (PacketSocket tx = PacketSocket.open(PacketSocketOptions.builder(link)
                .txRing(RingGeometry.frames(2048, 64, Syscalls.pageSize()))
                .build())) {
            LabTraffic.send(tx.txRing(), frames, 0);
        }
    }

    /** The command line running in-process on its own thread, its output readable while it runs. */
    private record Running(CompletableFuture<Integer> code, StringWriter out, StringWriter errors) {
        static Running start(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            var cl = Main.commandLine(new EngineFactories());
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            CompletableFuture<Integer> code = new CompletableFuture<>();
            Thread t = new Thread(() -> code.complete(cl.execute(args)), "npflua-run-under-test");
            t.setDaemon(true);
            t.start();
            return new Running(code, out, err);
        }

        void awaitListening() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!err().contains("listening on")) {
                assertTrue(isAlive(), "run ended before listening: " + err());
                assertTrue(System.nanoTime() < deadline, "run did not start listening within 60 s: " + err());
                Thread.sleep(20);
            }
        }

        boolean isAlive() {
            return !code.isDone();
        }

        String err() {
            return errors.toString();
        }

        Cli.Result await() throws Exception {
            int c = code.get(60, TimeUnit.SECONDS);
            return new Cli.Result(c, out.toString(), err());
        }
    }
}
