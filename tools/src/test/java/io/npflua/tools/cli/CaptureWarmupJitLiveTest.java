package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.json.Json;
import io.npflua.engine.pcap.PcapWriter;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.VethLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live capture's JIT warm-up (synthetic frames in a synthetic ring, before the socket exists) against real
 * traffic: {@code npflua run -i IFACE -s examples/ssh-version.lua} (the seed filter, verbatim) while tcpreplay sends
 * the frames of {@code tools/bench/e2e.sh}'s capture section at top speed from a namespace (TCP from 256 client ports
 * to port 22, each carrying an SSH banner), under HotSpot's compilation and deoptimization logs ({@link JitLog}). From
 * the end of the warm-up until the engine is stopped (the traffic, the ring drained, idle polls), no method of the
 * per-frame path may trap or be made not entrant.
 *
 * <p>What it caught: the warm-up's frames never had the pattern's first byte ('S') in a header without the rest of
 * the prefix after it (these ports have it: 0x9c53), so the prefix scan's branch for that was never taken, and the
 * first real frames threw the filter's whole compiled code away ({@code PatternMatcher.scanArray} bci 187, inlined
 * into the script's {@code execute}); and its ring's blocks were all full, so no batch ever ended at a block's end
 * ({@code BlockRing.poll} bci 101). Both recompiled within the first second of traffic, at the sender's top rate.
 */
@LiveTest
class CaptureWarmupJitLiveTest {
    /** Frames of one pass of the file; the file is sent {@link #LOOPS} times: 512,000 frames, a second or two. */
    private static final int FRAMES = 256;

    private static final int LOOPS = 2000;

    /**
     * The per-frame path of a tap with a script that matches the frame as a string (the walk of the ring, the flow
     * stage, the chain, the data object, the string library and the script's own compiled class); the worker's loop
     * and the ring source's poll are there too, since traffic stops well before the engine does.
     */
    private static final Pattern PER_FRAME = Pattern.compile("(Worker\\$RouteConsumer(::|\\.)onFrame|RuleChain(::|\\.)"
            + "|LuaRule(::|\\.)|PacketData(::|\\.)|FlowStage(::|\\.)|FlowTable(::|\\.)|FlowKey(::|\\.)"
            + "|BlockRing(::|\\.)|RingFrameSource(::|\\.)|PatternMatcher(::|\\.)|PatternCalls(::|\\.)"
            + "|SegmentStrings(::|\\.)|DataMethods[$\\w]*(::|\\.)|io\\.npflua\\.lua\\.compiler\\.Lua\\$)");

    @TempDir
    Path dir;

    @Test
    void shouldKeepTheSeedFiltersCompiledCodeWhenRealTrafficComes(VethLab lab) throws Exception {
        VethLab.VethPair pair = lab.addPair(true);
        Path input = dir.resolve("ssh.pcap");
        try (PcapWriter w = PcapWriter.create(input)) {
            long ts = 1_750_000_000_000_000_000L;
            for (int i = 0; i < FRAMES; i++) {
                byte[] frame = FrameBuilder.ethernet("02:00:00:00:01:01", "02:00:00:00:01:99")
                        .ipv4("198.18.0.1", "198.18.0.2")
                        .tcp(39936 + i, 22, 1, 0, FrameBuilder.TCP_PSH | FrameBuilder.TCP_ACK)
                        .payload("SSH-2.0-OpenSSH_9.6p1 Debian-3ubuntu13\r\n")
                        .build();
                w.write(ts + i * 1000L, frame);
            }
        }
        // As in ReplayWarmupJitTest: a regression throws code away in every run, a compilation of the moment in one
        // (live traffic and two cores make the moment less predictable than a replay's: up to three runs decide).
        List<String> first = thrownAway(lab, pair, input, 1);
        for (int attempt = 2; attempt <= 3 && !first.isEmpty(); attempt++) {
            List<String> again = thrownAway(lab, pair, input, attempt);
            if (again.isEmpty()) {
                return;
            }
            if (attempt == 3) {
                assertEquals(List.of(), again, "compiled code thrown away in three runs (first: " + first + ")");
            }
        }
    }

    private List<String> thrownAway(VethLab lab, VethLab.VethPair pair, Path input, int attempt) throws Exception {
        Path jitLog = dir.resolve("jit-" + attempt + ".txt");
        Path stdout = dir.resolve("stdout-" + attempt + ".json");
        Path stderr = dir.resolve("stderr-" + attempt + ".txt");
        Process run = new ProcessBuilder(CliJvm.command(
                        JitLog.options(jitLog),
                        Main.class,
                        "run",
                        "-i",
                        pair.a(),
                        "-s",
                        Path.of("")
                                .toAbsolutePath()
                                .getParent()
                                .resolve("examples/ssh-version.lua")
                                .toString(),
                        "--workers",
                        "1",
                        "--json",
                        "--no-control",
                        "--duration",
                        "60"))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        Instant stopped;
        Process replay = null;
        try {
            LiveRuns.awaitText(stderr, "listening on", run);
            replay = LiveRuns.replayTopSpeed(lab, pair.b(), input, LOOPS, dir.resolve("tcpreplay.txt"));
            assertTrue(replay.waitFor(120, TimeUnit.SECONDS), "tcpreplay finished");
            assertEquals(0, replay.exitValue(), Files.readString(dir.resolve("tcpreplay.txt")));
            // The worker drains what is left in its ring, then idles (the idle poll is a path of its own).
            Thread.sleep(300);
            stopped = Instant.now();
            run.destroy(); // SIGTERM
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "npflua run exits after SIGTERM");
        } finally {
            if (replay != null) {
                replay.destroyForcibly();
            }
            run.destroyForcibly();
        }
        String out = Files.readString(stdout).trim();
        Map<String, Object> last = Json.parseObject(out.substring(out.lastIndexOf('\n') + 1));
        assertEquals(Boolean.TRUE, last.get("final"), out + Files.readString(stderr));
        long frames = (Long) last.get("frames");
        assertTrue(frames >= (long) FRAMES * LOOPS / 2, "the traffic reached the engine: " + last);

        JitLog log = JitLog.read(jitLog);
        long from = log.warmupEnd();
        long to = log.uptimeAt(stopped);
        assertTrue(to > from, "the engine ran after the warm-up: " + from + " .. " + to);
        return log.thrownAway(from, to, PER_FRAME);
    }
}
