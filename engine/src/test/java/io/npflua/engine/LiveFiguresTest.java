package io.npflua.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.npflua.engine.bridge.BridgePorts;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.WorkerSnapshot;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.SourceRequest;
import io.npflua.engine.source.ring.LiveCaptureOptions;
import io.npflua.engine.source.ring.LiveSourceFactory;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.VethLab;
import io.npflua.ffm.socket.FanoutMode;
import io.npflua.ffm.socket.PacketSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live figures for the report, not assertions on speed: capture rate on a veth with 1 and 2 workers (tcpreplay
 * --topspeed), and the delay from the kernel's receive timestamp to the frame being handed out at low rate, for V3
 * rings with 1 ms and 4 ms block timeouts and for the V2 bridge port. Runs only with {@code -Dnpflua.figures=true}
 * (it takes tens of seconds and loads the machine); the counters are still checked.
 */
@LiveTest
class LiveFiguresTest {
    @TempDir
    Path dir;

    @Test
    void shouldMeasureCaptureRateWithOneAndTwoWorkers() throws Exception {
        assumeTrue(Boolean.getBoolean("npflua.figures"), "figures run with -Dnpflua.figures=true");
        Path pcap = dir.resolve("udp.pcap");
        LiveFrames.write(pcap, LiveFrames.udpFrames(1000));
        for (int workers : new int[] {1, 2}) {
            try (VethLab lab = VethLab.create()) {
                VethLab.VethPair pair = lab.addPair();
                EngineSnapshot s;
                long wallNs;
                String replay;
                try (Engine engine = Engine.builder()
                        .tap(pair.a())
                        .workers(workers)
                        .fanout(FanoutMode.HASH)
                        .sources(
                                EngineSources.live(LiveCaptureOptions.defaults().withFilter(LiveFrames.UDP_ONLY)))
                        .handler("udp-port", LiveFrames::decide)
                        .build()) {
                    engine.start();
                    long t0 = System.nanoTime();
                    replay = LiveFrames.run("tcpreplay", "-i", pair.b(), "--topspeed", "--loop=300", pcap.toString());
                    LiveFrames.awaitCount(() -> engine.stats().kernelPackets(), 300_000);
                    wallNs = System.nanoTime() - t0;
                    s = engine.closeAndReport();
                }
                assertEquals(s.frames(), s.passed() + s.blocked());
                assertEquals(s.kernelPackets(), s.frames() + s.kernelDrops());
                String rate = replay.lines()
                        .filter(l -> l.contains("Rated:"))
                        .findFirst()
                        .orElse("?")
                        .trim();
                System.out.printf(
                        "FIGURE tap %d worker(s): kernel packets %d, seen %d, drops %d, freezes %d,"
                                + " per worker %s, %.0f frames/s over the replay wall time; tcpreplay %s%n",
                        workers,
                        s.kernelPackets(),
                        s.frames(),
                        s.kernelDrops(),
                        s.freezes(),
                        s.workers().stream().map(WorkerSnapshot::seen).toList(),
                        s.frames() / (wallNs / 1e9),
                        rate);
            }
        }
    }

    @Test
    void shouldMeasureDeliveryDelayOfV3BlocksAndV2Frames() throws Exception {
        assumeTrue(Boolean.getBoolean("npflua.figures"), "figures run with -Dnpflua.figures=true");
        for (String ring : new String[] {"V3/1ms", "V3/2ms", "V3/4ms", "V2"}) {
            try (VethLab lab = VethLab.create()) {
                VethLab.VethPair pair = lab.addPair();
                SourceRequest request = new SourceRequest(pair.a(), 0, 1, FanoutMode.HASH, ring.equals("V2"), 0);
                LiveCaptureOptions options = LiveCaptureOptions.defaults()
                        .withFilter(LiveFrames.UDP_ONLY)
                        .withBlocks(1 << 20, 16, Integer.parseInt(ring.equals("V2") ? "4" : ring.substring(3, 4)));
                BridgePorts ports = new BridgePorts(options);
                List<Long> delaysUs = Collections.synchronizedList(new ArrayList<>());
                try (FrameSource source =
                                ring.equals("V2") ? ports.open(request) : new LiveSourceFactory(options).open(request);
                        PacketSocket tx = LiveFrames.txSocket(pair.b())) {
                    List<byte[]> frames = LiveFrames.udpFrames(50);
                    for (byte[] f : frames) {
                        LiveFrames.send(tx, List.of(f));
                        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
                        int got = 0;
                        while (got == 0 && System.nanoTime() < deadline) {
                            source.await(TimeUnit.MILLISECONDS.toNanos(20));
                            got = source.poll(
                                    fr -> {
                                        Instant now = Instant.now();
                                        long nowNs = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                                        delaysUs.add((nowNs - fr.timestampNs()) / 1000);
                                    },
                                    8);
                        }
                        Thread.sleep(20);
                    }
                }
                List<Long> sorted = new ArrayList<>(delaysUs);
                Collections.sort(sorted);
                System.out.printf(
                        "FIGURE delivery delay %s: %d frames, min %d us, median %d us, p90 %d us, max %d us%n",
                        ring,
                        sorted.size(),
                        sorted.get(0),
                        sorted.get(sorted.size() / 2),
                        sorted.get(sorted.size() * 9 / 10),
                        sorted.get(sorted.size() - 1));
                assertEquals(50, sorted.size());
            }
        }
    }
}
