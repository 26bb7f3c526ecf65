package io.npflua.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.WorkerSnapshot;
import io.npflua.engine.output.pcap.PcapVerdictSink;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.source.ring.LiveCaptureOptions;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.VethLab;
import io.npflua.ffm.socket.FanoutMode;
import io.npflua.ffm.socket.PacketSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tap mode on a veth pair: frames injected with the ffm TX ring on one end are captured by the engine on the other
 * end, with one and two workers; the counters add up, the pcap outputs hold exactly the passed and blocked frames
 * (read back by tcpdump too), and the same frames read offline get the same verdicts.
 */
@LiveTest
class LiveTapTest {
    private static final int FRAMES = 6000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void shouldCaptureEveryInjectedFrameWithBalancedCountersAndMatchingOfflineVerdicts(int workers) throws Exception {
        List<byte[]> sent = LiveFrames.udpFrames(FRAMES);
        Path passedFile = dir.resolve("passed.pcap");
        Path blockedFile = dir.resolve("blocked.pcap");
        EngineSnapshot live;
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair pair = lab.addPair();
            PcapVerdictSink passed = EngineSources.pcapSink(passedFile);
            PcapVerdictSink blocked = EngineSources.pcapSink(blockedFile);
            try (Engine engine = Engine.builder()
                            .tap(pair.a())
                            .workers(workers)
                            .fanout(FanoutMode.HASH)
                            .sources(EngineSources.live(
                                    LiveCaptureOptions.defaults().withFilter(LiveFrames.UDP_ONLY)))
                            .handler("udp-port", LiveFrames::decide)
                            .onPassedPerWorker(passed.perWorker())
                            .onBlockedPerWorker(blocked.perWorker())
                            .build();
                    PacketSocket tx = LiveFrames.txSocket(pair.b())) {
                engine.start();
                long t0 = System.nanoTime();
                LiveFrames.send(tx, sent);
                LiveFrames.awaitCount(() -> engine.stats().frames(), FRAMES);
                long t1 = System.nanoTime();
                live = engine.closeAndReport();
                System.out.printf(
                        "tap %d worker(s): %d frames in %.1f ms (sender-bound), kernel drops %d, per worker %s%n",
                        workers,
                        live.frames(),
                        (t1 - t0) / 1e6,
                        live.kernelDrops(),
                        live.workers().stream().map(WorkerSnapshot::seen).toList());
            }
        }
        assertEquals(live.frames(), live.passed() + live.blocked(), "seen = passed + blocked");
        assertEquals(live.kernelPackets(), live.frames() + live.kernelDrops(), "kernel packets = seen + drops");
        assertEquals(FRAMES, live.kernelPackets(), "the kernel counted every injected frame, nothing else");
        if (workers > 1) {
            for (WorkerSnapshot w : live.workers()) {
                assertTrue(w.seen() > 0, "hash fanout gave worker " + w.index() + " frames: " + live.workers());
            }
        }
        Set<Integer> livePassed = LiveFrames.sequences(passedFile);
        Set<Integer> liveBlocked = LiveFrames.sequences(blockedFile);
        assertEquals(live.passed(), livePassed.size());
        assertEquals(live.blocked(), liveBlocked.size());
        for (int s : liveBlocked) {
            assertEquals(0, s % 4, "only frames to the blocked port are blocked");
        }
        for (int s : livePassed) {
            assertTrue(s % 4 != 0, "frames to the blocked port never pass");
        }
        String tcpdump = LiveFrames.run("tcpdump", "-nn", "-r", passedFile.toString());
        assertEquals(
                live.passed(), tcpdump.lines().filter(l -> l.contains("UDP")).count(), "tcpdump reads them");

        // Offline: exactly the frames that were captured live, through the same rule, give the same verdicts.
        Set<Integer> captured = new TreeSet<>(livePassed);
        captured.addAll(liveBlocked);
        List<byte[]> capturedFrames = new ArrayList<>();
        for (int s : captured) {
            capturedFrames.add(sent.get(s));
        }
        Path input = dir.resolve("input.pcap");
        LiveFrames.write(input, capturedFrames);
        Path offPassed = dir.resolve("off-passed.pcap");
        Path offBlocked = dir.resolve("off-blocked.pcap");
        PcapVerdictSink op = EngineSources.pcapSink(offPassed);
        PcapVerdictSink ob = EngineSources.pcapSink(offBlocked);
        EngineSnapshot offline;
        try (Engine engine = Engine.builder()
                .tap(input.toString())
                .workers(workers)
                .sources(EngineSources.pcap(1))
                .handler("udp-port", LiveFrames::decide)
                .onPassedPerWorker(op.perWorker())
                .onBlockedPerWorker(ob.perWorker())
                .build()) {
            engine.start();
            assertTrue(engine.awaitEnd(20, TimeUnit.SECONDS), "offline run ends by itself");
            offline = engine.closeAndReport();
        }
        assertEquals(captured.size(), offline.frames());
        assertEquals(livePassed, LiveFrames.sequences(offPassed), "offline passes what live passed");
        assertEquals(liveBlocked, LiveFrames.sequences(offBlocked), "offline blocks what live blocked");
    }

    @Test
    void shouldResumeAfterInterfaceDownAndStopCleanlyWhenDeleted() throws Exception {
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair pair = lab.addPair();
            RecordingErrors errors = new RecordingErrors();
            try (Engine engine = Engine.builder()
                    .tap(pair.a())
                    .workers(1)
                    .sources(EngineSources.live(LiveCaptureOptions.defaults().withFilter(LiveFrames.UDP_ONLY)))
                    .handler("udp-port", LiveFrames::decide)
                    .errorHandler(errors)
                    .build()) {
                engine.start();
                try (PacketSocket tx = LiveFrames.txSocket(pair.b())) {
                    LiveFrames.send(tx, LiveFrames.udpFrames(100));
                    LiveFrames.awaitCount(() -> engine.stats().frames(), 100);
                    assertEquals(100, engine.stats().frames());
                    lab.setUp(pair.a(), false);
                    Thread.sleep(300);
                    lab.setUp(pair.a(), true);
                    Thread.sleep(100);
                    LiveFrames.send(tx, LiveFrames.udpFrames(100));
                    LiveFrames.awaitCount(() -> engine.stats().frames(), 200);
                    assertEquals(200, engine.stats().frames(), "the same socket captures again after up");
                }
                lab.deletePair(pair);
                assertTrue(engine.awaitEnd(10, TimeUnit.SECONDS), "the worker stops once its interface is gone");
                EngineSnapshot end = engine.closeAndReport();
                assertEquals("ended", end.workers().get(0).state());
                assertEquals(0, end.restarts(), "a deleted interface is not a crash");
                assertTrue(errors.workerErrors.toString().contains("was deleted"), errors.workerErrors.toString());
            }
        }
    }

    @ParameterizedTest(name = "{0} rules")
    @ValueSource(strings = {"word", "lua"})
    void shouldAccountForEveryFrameAcross100ReloadsUnderTraffic(String kind) throws Exception {
        boolean lua = kind.equals("lua");
        String[] versions = lua
                ? new String[] {
                    "function filter(p) local u = p:udp() return u == nil or u.dst_port ~= 7777 end",
                    "function filter(p) return true end"
                }
                : new String[] {"block-odd", "pass"};
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair pair = lab.addPair();
            AtomicBoolean sending = new AtomicBoolean(true);
            long[] sentCount = new long[1];
            try (Engine engine = Engine.builder()
                    .tap(pair.a())
                    .workers(2)
                    .fanout(FanoutMode.HASH)
                    .sources(EngineSources.live(LiveCaptureOptions.defaults().withFilter(LiveFrames.UDP_ONLY)))
                    .ruleFactory(lua ? EngineSources.lua() : new TestRuleFactory())
                    .script(ScriptSpec.of("flip", versions[1]))
                    .build()) {
                engine.start();
                List<byte[]> batch = LiveFrames.udpFrames(400);
                Thread sender = new Thread(
                        () -> {
                            try (PacketSocket tx = LiveFrames.txSocket(pair.b())) {
                                // Bounded: at most 200 batches (80,000 frames), stops earlier when the reloads are
                                // done.
                                for (int i = 0; i < 200 && sending.get(); i++) {
                                    LiveFrames.send(tx, batch);
                                    sentCount[0] += batch.size();
                                }
                            }
                        },
                        "reload-traffic");
                sender.start();
                for (int i = 0; i < 100; i++) {
                    engine.reload("flip", versions[i % 2]);
                }
                sending.set(false);
                sender.join(30_000);
                long sent = sentCount[0];
                LiveFrames.awaitCount(() -> engine.stats().kernelPackets(), sent);
                EngineSnapshot end = engine.closeAndReport();
                System.out.printf(
                        "100 reloads (" + kind + "): %d frames sent, %d seen, %d kernel drops, script calls %d%n",
                        sent,
                        end.frames(),
                        end.kernelDrops(),
                        end.script("flip").calls());
                assertEquals(sent, end.kernelPackets(), "the kernel counted every frame sent");
                assertEquals(end.kernelPackets(), end.frames() + end.kernelDrops(), "kernel packets = seen + drops");
                assertEquals(end.frames(), end.passed() + end.blocked(), "seen = passed + blocked");
                assertEquals(end.frames(), end.script("flip").calls(), "every seen frame went through the script");
                assertEquals(0, end.errors(), "no rule errors across the swaps");
                assertEquals(101, end.script("flip").generation());
                assertTrue(end.frames() > 0);
            }
        }
    }
}
