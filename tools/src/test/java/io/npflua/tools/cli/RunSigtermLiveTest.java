package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.json.Json;
import io.npflua.engine.pcap.PcapWriter;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.VethLab;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM during heavy traffic to a real {@code npflua run} process (a child JVM running this build's CLI, started
 * like {@code tools/target/npflua.jar}; the class path is used because surefire runs before the jar is packaged):
 * tcpreplay pushes UDP frames at top speed from a namespace while {@code run -i IFACE --json -w out.pcap} captures;
 * {@link Process#destroy()} sends SIGTERM. The process exits with 143, its final JSON counters add up, and the pcap
 * output is complete: tshark reads it without complaint and counts exactly the passed frames.
 */
@LiveTest
class RunSigtermLiveTest {
    private static final int FRAMES = 500;
    /** Bounded traffic: at most FRAMES x LOOPS = 1,500,000 frames (a few seconds at top speed here). */
    private static final int LOOPS = 3000;

    @TempDir
    Path dir;

    @Test
    void shouldPrintBalancedFinalCountersAndACompletePcapWhenTerminatedUnderLoad(VethLab lab) throws Exception {
        VethLab.VethPair pair = lab.addPair(true);
        Path input = dir.resolve("input.pcap");
        try (PcapWriter w = PcapWriter.create(input)) {
            long ts = 1_750_000_000_000_000_000L;
            for (int i = 0; i < FRAMES; i++) {
                byte[] frame = FrameBuilder.ethernet("02:00:00:00:0c:01", "02:00:00:00:0c:02")
                        .ipv4("198.18.8.1", "198.18.8.2")
                        .udp(20_000 + i, i % 4 == 0 ? 7777 : 5000)
                        .payload(ByteBuffer.allocate(8 + i % 32).putInt(i).array())
                        .build();
                w.write(ts + i * 1000L, frame);
            }
        }
        Path script = Files.writeString(
                dir.resolve("udp.lua"),
                "function filter(p) local u = p:udp() return u == nil or u.dst_port ~= 7777 end\n");
        Path out = dir.resolve("out.pcap");
        Path stdout = dir.resolve("stdout.json");
        Path stderr = dir.resolve("stderr.txt");
        Process run = new ProcessBuilder(CliJvm.command(
                        Main.class,
                        "run",
                        "-i",
                        pair.a(),
                        "-s",
                        script.toString(),
                        "--workers",
                        "2",
                        "--json",
                        "-w",
                        out.toString(),
                        "--no-control",
                        "--duration",
                        "60"))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        Process replay = null;
        try {
            LiveRuns.awaitText(stderr, "listening on", run);
            replay = LiveRuns.replayTopSpeed(lab, pair.b(), input, LOOPS, dir.resolve("tcpreplay.txt"));
            // Terminate once the engine is demonstrably busy: a few MiB of passed frames written.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Files.size(out) < (4 << 20) && System.nanoTime() < deadline && replay.isAlive()) {
                Thread.sleep(5);
            }
            assertTrue(replay.isAlive(), "traffic still flows when SIGTERM is sent");
            run.destroy(); // SIGTERM
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "npflua run exits after SIGTERM");
        } finally {
            if (replay != null) {
                replay.destroy();
                replay.waitFor(10, TimeUnit.SECONDS);
            }
            run.destroyForcibly();
        }
        String err = Files.readString(stderr);
        assertEquals(128 + 15, run.exitValue(), "exit status of a SIGTERM'd engine: " + err);
        Map<String, Object> last = Json.parseObject(Files.readString(stdout).trim());
        long frames = (Long) last.get("frames");
        long passed = (Long) last.get("passed");
        long blocked = (Long) last.get("blocked");
        assertEquals(Boolean.TRUE, last.get("final"), last.toString());
        assertEquals(frames, passed + blocked, "frames = passed + blocked");
        assertEquals(
                last.get("kernel_packets"),
                frames + (Long) last.get("kernel_drops"),
                "kernel_packets = frames + kernel_drops");
        assertTrue(passed > 0 && blocked > 0, last.toString());

        Process tshark = new ProcessBuilder("tshark", "-r", out.toString(), "-T", "fields", "-e", "frame.number")
                .redirectError(dir.resolve("tshark-err.txt").toFile())
                .start();
        long read = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                .lines()
                .count();
        assertTrue(tshark.waitFor(120, TimeUnit.SECONDS), "tshark finished");
        String tsharkErr = Files.readString(dir.resolve("tshark-err.txt"));
        System.out.printf(
                "SIGTERM under load: frames %d, passed %d, blocked %d, kernel packets %s, drops %s;"
                        + " tshark read %d frames from %d bytes%n",
                frames, passed, blocked, last.get("kernel_packets"), last.get("kernel_drops"), read, Files.size(out));
        assertEquals(0, tshark.exitValue(), "tshark reads the file: " + tsharkErr);
        assertTrue(!tsharkErr.contains("cut short") && !tsharkErr.contains("appears to be damaged"), tsharkErr);
        assertEquals(passed, read, "the pcap holds exactly the passed frames");
    }
}
