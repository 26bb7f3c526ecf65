package io.npflua.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.control.ControlClient;
import io.npflua.engine.control.ControlProtocol;
import io.npflua.engine.control.ControlServer;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.ScriptCounter;
import io.npflua.engine.counter.ScriptSnapshot;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerSnapshot;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.RuleRejectedException;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.rule.Verdict;
import io.npflua.engine.rule.lua.LuaRuleFactory;
import io.npflua.engine.source.ring.LiveCaptureOptions;
import io.npflua.ffm.lab.LabTraffic;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.VethLab;
import io.npflua.ffm.socket.FanoutMode;
import io.npflua.ffm.socket.PacketSocket;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults while the engine captures live on a veth pair (issue 7): interface flaps, full rings under a slow script,
 * a worker thread dying, a flooded control socket, scripts that fail to compile and hostile scripts loaded into the
 * running chain. In every case capture continues and the final counters conserve exactly:
 * {@code seen = passed + blocked} and {@code kernel packets = seen + drops}, with the kernel's count equal to what
 * was sent. Traffic is bounded (at most a few tens of thousands of frames per test).
 */
@LiveTest
class LiveFaultsTest {
    @TempDir
    Path dir;

    private static void assertConserved(EngineSnapshot s) {
        assertEquals(s.frames(), s.passed() + s.blocked(), "seen = passed + blocked: " + s);
        assertEquals(s.kernelPackets(), s.frames() + s.kernelDrops(), "kernel packets = seen + drops: " + s);
    }

    private static Engine.Builder tap(VethLab.VethPair pair, int workers, LiveCaptureOptions options) {
        return Engine.builder()
                .tap(pair.a())
                .workers(workers)
                .fanout(FanoutMode.HASH)
                .sources(EngineSources.live(options.withFilter(LiveFrames.UDP_ONLY)));
    }

    @Test
    void shouldResumeAfterEachInterfaceFlapWithCountersConserving() throws Exception {
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair pair = lab.addPair();
            RecordingErrors errors = new RecordingErrors();
            try (Engine engine = tap(pair, 2, LiveCaptureOptions.defaults())
                            .handler("udp-port", LiveFrames::decide)
                            .errorHandler(errors)
                            .build();
                    PacketSocket tx = LiveFrames.txSocket(pair.b())) {
                engine.start();
                long sent = 0;
                for (int flap = 0; flap < 3; flap++) {
                    LiveFrames.send(tx, LiveFrames.udpFrames(1000));
                    sent += 1000;
                    LiveFrames.awaitCount(() -> engine.stats().kernelPackets(), sent);
                    lab.setUp(pair.a(), false);
                    Thread.sleep(250);
                    lab.setUp(pair.a(), true);
                    Thread.sleep(150);
                }
                LiveFrames.send(tx, LiveFrames.udpFrames(1000));
                sent += 1000;
                long expected = sent;
                LiveFrames.awaitCount(() -> engine.stats().kernelPackets(), expected);
                EngineSnapshot running = engine.stats();
                assertTrue(running.workers().stream().allMatch(w -> w.state().equals("running")), running.toString());
                EngineSnapshot end = engine.closeAndReport();
                assertConserved(end);
                assertEquals(sent, end.kernelPackets(), "every frame sent while up was counted by the kernel");
                assertEquals(sent, end.frames() + end.kernelDrops());
                assertEquals(0, end.restarts(), "a flap is not a crash: " + errors.workerErrors);
                assertTrue(
                        end.frames() >= sent - end.kernelDrops() && end.frames() > 3000,
                        "capture resumed after every flap: " + end);
            }
        }
    }

    @Test
    void shouldCountDropsAndFreezesWhenASlowScriptFillsSmallRingsAndKeepCapturing() throws Exception {
        // 4 blocks of one page: about 100 frames of buffering. The script burns ~60,000 instructions per frame
        // (well inside the 1,000,000 budget), so a sender at full speed overruns the worker.
        LiveCaptureOptions small = LiveCaptureOptions.defaults().withBlocks(4096, 4, 1);
        String slow = "function filter(p) local x = 0 for i = 1, 20000 do x = x + i end return x > 0 end";
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair pair = lab.addPair();
            // No wall-clock limit per call: on a loaded machine a descheduled call can pass 100 ms, and this test is
            // about the ring, not the limits (tested in ScriptLimitsTest).
            try (Engine engine = tap(pair, 1, small)
                            .ruleFactory(new LuaRuleFactory().withCallLimits(0, 0))
                            .script(ScriptSpec.of("slow", slow))
                            .build();
                    PacketSocket tx = LiveFrames.txSocket(pair.b())) {
                engine.start();
                LabTraffic.send(tx.txRing(), LiveFrames.udpFrames(20_000), 0);
                LiveFrames.awaitCount(() -> engine.stats().kernelPackets(), 20_000);
                EngineSnapshot flooded = engine.stats();
                assertTrue(flooded.kernelDrops() > 0, "the full ring made the kernel drop: " + flooded);
                assertTrue(flooded.freezes() > 0, "the V3 queue froze: " + flooded);

                // Capture continues: 500 more frames in chunks of 10, each chunk awaited (10 frames fit in one block,
                // so however late the worker runs on this shared machine, none of these can be dropped).
                engine.reload("slow", "function filter(p) return true end");
                long before = engine.stats().frames();
                List<byte[]> after = LiveFrames.udpFrames(500);
                for (int i = 0; i < after.size(); i += 10) {
                    LabTraffic.send(tx.txRing(), after.subList(i, i + 10), 0);
                    long target = before + i + 10;
                    LiveFrames.awaitCount(() -> engine.stats().frames(), target);
                }
                EngineSnapshot end = engine.closeAndReport();
                System.out.printf(
                        "ring full: %d sent, %d seen, %d kernel drops, %d freezes%n",
                        20_500, end.frames(), end.kernelDrops(), end.freezes());
                assertConserved(end);
                assertEquals(20_500, end.kernelPackets(), "the kernel counted every frame sent");
                assertEquals(end.frames(), end.script("slow").calls(), "every seen frame went through the script");
                assertEquals(0, end.script("slow").errors(), "the slow script stayed within its budget");
                assertEquals(500, end.frames() - before, "every frame after the flood was captured: " + end);
                assertEquals(0, end.restarts());
            }
        }
    }

    /** An Error the chain does not contain: it kills the worker thread, which the engine restarts. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash of a worker thread");
        }
    }

    @Test
    void shouldRestartAWorkerWhoseThreadDiedAndKeepCapturing() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair pair = lab.addPair();
            RecordingErrors errors = new RecordingErrors();
            try (Engine engine = tap(pair, 1, LiveCaptureOptions.defaults())
                            .handler("crash-once", frame -> {
                                if (calls.incrementAndGet() == 77) {
                                    throw new SimulatedCrash();
                                }
                                return LiveFrames.decide(frame);
                            })
                            .errorHandler(errors)
                            .build();
                    PacketSocket tx = LiveFrames.txSocket(pair.b())) {
                engine.start();
                LiveFrames.send(tx, LiveFrames.udpFrames(500));
                LiveFrames.awaitCount(() -> engine.stats().kernelPackets(), 500);
                LiveFrames.send(tx, LiveFrames.udpFrames(500));
                LiveFrames.awaitCount(() -> engine.stats().frames(), 1000);
                EngineSnapshot end = engine.closeAndReport();
                WorkerSnapshot w = end.workers().get(0);
                assertEquals(
                        1, w.get(WorkerCounter.RESTARTS), "the dead thread was replaced once: " + errors.workerErrors);
                assertEquals(1, w.get(WorkerCounter.ABORTED), "the frame in hand when it died");
                assertConserved(end);
                assertEquals(1000, end.kernelPackets());
                assertEquals(1000 - end.kernelDrops(), end.frames(), "capture went on after the restart");
                assertTrue(
                        errors.workerErrors.stream().anyMatch(e -> e.contains("simulated crash")),
                        errors.workerErrors.toString());
            }
        }
    }

    @Test
    void shouldKeepCapturingWhileTheControlSocketIsFloodedWithGarbageAndOversizedRequests() throws Exception {
        Path socket = dir.resolve("flood.sock");
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair pair = lab.addPair();
            try (Engine engine = tap(pair, 2, LiveCaptureOptions.defaults())
                    .ruleFactory(EngineSources.lua())
                    .script(ScriptSpec.of(
                            "udp", "function filter(p) local u = p:udp() return u == nil or u.dst_port ~= 7777 end"))
                    .build()) {
                engine.start();
                try (ControlServer server =
                        ControlServer.start(socket, new ControlProtocol(engine)::handle, ErrorHandler.STDERR)) {
                    AtomicBoolean flooding = new AtomicBoolean(true);
                    AtomicLong requests = new AtomicLong();
                    Thread flood = new Thread(() -> flood(socket, flooding, requests), "control-flood");
                    flood.start();
                    long sent = 0;
                    try (PacketSocket tx = LiveFrames.txSocket(pair.b())) {
                        List<byte[]> batch = LiveFrames.udpFrames(400);
                        for (int i = 0; i < 40; i++) {
                            LiveFrames.send(tx, batch);
                            sent += batch.size();
                        }
                    } finally {
                        flooding.set(false);
                        flood.join(30_000);
                    }
                    long expected = sent;
                    LiveFrames.awaitCount(() -> engine.stats().kernelPackets(), expected);
                    try (ControlClient c = ControlClient.connect(socket)) {
                        assertEquals(Boolean.TRUE, c.ping().get("ok"), "the server still serves after the flood");
                        assertEquals(1, ((List<?>) c.list().get("rules")).size(), "the chain is untouched");
                    }
                    EngineSnapshot end = engine.closeAndReport();
                    System.out.printf(
                            "control flood: %d hostile requests/connections, %d frames sent, %d seen, %d drops%n",
                            requests.get(), expected, end.frames(), end.kernelDrops());
                    assertTrue(requests.get() > 50, "the flood ran: " + requests.get());
                    assertConserved(end);
                    assertEquals(sent, end.kernelPackets());
                    assertEquals(end.frames(), end.script("udp").calls());
                    if (end.kernelDrops() == 0) {
                        assertEquals(sent / 4, end.blocked(), "the rule's verdicts are unchanged by the flood");
                    }
                    assertEquals(0, end.restarts());
                }
            }
        }
    }

    private static void flood(Path socket, AtomicBoolean flooding, AtomicLong requests) {
        Random random = new Random(11);
        byte[] oversized = new byte[ControlServer.MAX_REQUEST_BYTES + 2];
        java.util.Arrays.fill(oversized, (byte) 'a');
        oversized[0] = '{';
        int round = 0;
        while (flooding.get() && round < 2000) {
            round++;
            byte[] payload;
            switch (round % 5) {
                case 0 -> payload = oversized;
                case 1 -> payload = "{\"cmd\":\"load\",\"name\":\"x\",\"source\":".getBytes(StandardCharsets.UTF_8);
                case 2 ->
                    payload = "{\"cmd\":\"unload\",\"name\":\"udp\",\"extra\":1}\n{\"cmd\":\"nope\"}\n"
                            .getBytes(StandardCharsets.UTF_8);
                default -> {
                    payload = new byte[1 + random.nextInt(8192)];
                    random.nextBytes(payload);
                }
            }
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                ByteBuffer b = ByteBuffer.wrap(payload);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.shutdownOutput();
                ch.read(ByteBuffer.allocate(256));
            } catch (IOException e) {
                // The server hangs up on oversized or busy connections; that is its defence.
            }
            requests.incrementAndGet();
        }
    }

    @Test
    void shouldRejectScriptsThatFailToCompileWhileTrafficFlowsWithoutLosingAFrame() throws Exception {
        // A deep ring (64 blocks, 8 ms timeout: about 0.5 s of buffering at this rate) so that the control thread's
        // compile work, which shares the two cores, cannot make the kernel drop.
        LiveCaptureOptions deep = LiveCaptureOptions.defaults().withBlocks(1 << 20, 64, 8);
        String good = "function filter(p) local u = p:udp() return u == nil or u.dst_port ~= 7777 end";
        List<String> broken = List.of(
                "function filter(p) return end end",
                "function filter(p) x = = 1 end",
                "function filter(p) return true end\nwhile true do end",
                "local t = nil\nt.x = 1\nfunction filter() end",
                "return 42",
                "\u001bLua\u0052\u0000");
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair pair = lab.addPair();
            try (Engine engine = tap(pair, 2, deep)
                    .ruleFactory(EngineSources.lua())
                    .script(ScriptSpec.of("udp", good))
                    .build()) {
                engine.start();
                AtomicBoolean sending = new AtomicBoolean(true);
                long[] sent = new long[1];
                Thread sender = new Thread(
                        () -> {
                            try (PacketSocket tx = LiveFrames.txSocket(pair.b())) {
                                List<byte[]> batch = LiveFrames.udpFrames(400);
                                for (int i = 0; i < 100 && sending.get(); i++) {
                                    LiveFrames.send(tx, batch);
                                    sent[0] += batch.size();
                                }
                            }
                        },
                        "compile-fail-traffic");
                sender.start();
                int rejected = 0;
                for (int round = 0; round < 5; round++) {
                    for (String source : broken) {
                        RuleRejectedException e = assertThrows(
                                RuleRejectedException.class, () -> engine.load(ScriptSpec.of("bad", source)));
                        assertTrue(!e.getMessage().isBlank());
                        assertThrows(RuleRejectedException.class, () -> engine.reload("udp", source));
                        rejected += 2;
                    }
                }
                sending.set(false);
                sender.join(30_000);
                long total = sent[0];
                LiveFrames.awaitCount(() -> engine.stats().kernelPackets(), total);
                assertEquals(
                        List.of("udp"),
                        engine.list().stream().map(RuleInfo::name).toList(),
                        "chain unchanged");
                EngineSnapshot end = engine.closeAndReport();
                ScriptSnapshot udp = end.script("udp");
                System.out.printf(
                        "compile failures under traffic: %d rejected, %d frames sent, %d seen, %d drops%n",
                        rejected, total, end.frames(), end.kernelDrops());
                assertConserved(end);
                assertEquals(total, end.kernelPackets());
                assertEquals(0, end.kernelDrops(), "no frame lost while scripts were rejected");
                assertEquals(total, udp.calls(), "the running rule saw every frame");
                assertEquals(1, udp.generation(), "the rejected reloads did not replace it");
                assertEquals(total / 4, end.blocked(), "its verdicts are unchanged");
            }
        }
    }

    @Test
    void shouldCountHostileScriptsInARunningEngineAndKeepPassingTraffic() throws Exception {
        List<ScriptSpec> hostile = List.of(
                spec("loop", "function filter(p) while true do end end"),
                spec("pcall_loop", "function filter(p) while true do pcall(function() while true do end end) end end"),
                spec("recursion", "local function f(n) return f(n + 1) + 1 end function filter(p) return f(1) end"),
                spec(
                        "pattern_bomb",
                        "function filter(p) local s = string.rep('a', 3000) "
                                + "return s:find(string.rep('a?', 3000) .. string.rep('a', 3000) .. 'b') end"),
                spec("string_growth", "function filter(p) local s = tostring(p) while true do s = s .. s end end"),
                spec("rep_growth", "function filter(p) return #string.rep('x', 2^31) end"),
                spec(
                        "table_growth",
                        "function filter(p) local t = {} local i = 0 while true do i = i + 1 t[i] = i end end"),
                spec("escape", "function filter(p) return io.open('/etc/shadow') or os.execute('id') end"),
                spec("java", "function filter(p) return luajava.bindClass('java.lang.System'):exit(1) end"),
                spec(
                        "error_table",
                        "function filter(p) error(setmetatable({}, {__tostring = function() while true do end end})) end"));
        // Runs after the hostile ones in the same chain: the string library and its own globals still work.
        ScriptSpec meddler = spec(
                "meddler",
                "function filter(p) pcall(function() getmetatable('').__index = nil end) "
                        + "string.upper = nil _G.tostring = nil return true end");
        ScriptSpec good = spec(
                "good",
                "function filter(p) return ('abc'):upper() == 'ABC' and tostring(p) ~= nil "
                        + "and string.upper ~= nil end");
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair pair = lab.addPair();
            RecordingErrors errors = new RecordingErrors();
            try (Engine engine = tap(pair, 2, LiveCaptureOptions.defaults())
                            .ruleFactory(EngineSources.lua())
                            .errorHandler(errors)
                            .build();
                    PacketSocket tx = LiveFrames.txSocket(pair.b())) {
                engine.start();
                for (ScriptSpec s : hostile) {
                    engine.load(s);
                }
                engine.load(meddler);
                engine.load(good);
                List<byte[]> frames = LiveFrames.udpFrames(40);
                for (int i = 0; i < frames.size(); i += 4) {
                    LiveFrames.send(tx, frames.subList(i, i + 4));
                }
                LiveFrames.awaitCount(() -> engine.stats().frames(), 40);
                EngineSnapshot running = engine.stats();
                assertTrue(running.workers().stream().allMatch(w -> w.state().equals("running")), running.toString());
                EngineSnapshot end = engine.closeAndReport();
                assertConserved(end);
                assertEquals(40, end.frames());
                assertEquals(40, end.passed(), "failing rules pass under the default policy; the good rule passes");
                assertEquals(0, end.restarts(), "no hostile script took a worker down");
                for (ScriptSpec s : hostile) {
                    ScriptSnapshot r = end.script(s.name());
                    assertEquals(40, r.calls(), s.name());
                    assertEquals(40, r.errors(), s.name() + " is counted on every call: " + r);
                }
                assertTrue(
                        end.script("loop").get(ScriptCounter.BUDGET_ERRORS) == 40
                                && end.script("pcall_loop").get(ScriptCounter.BUDGET_ERRORS) == 40,
                        "endless loops hit the instruction budget");
                assertEquals(
                        40,
                        end.script("good").passed(),
                        "another script's string library is intact: " + end.script("good"));
                assertEquals(40, end.script("meddler").passed());
            }
        }
    }

    private static ScriptSpec spec(String name, String source) {
        return new ScriptSpec(name, source, ScriptSpec.DEFAULT_ENTRY, ErrorPolicy.PASS, 200_000);
    }

    @Test
    void shouldLetAPacketKeptInAGlobalSeeOnlyTheCurrentFrame() throws Exception {
        // The kept object is the engine's one reused packet: read on a later call it shows that call's frame, so
        // the verdicts (by sequence number read through the kept reference) are exactly those of the current frame.
        // Views derived in an earlier call are expired: nil fields, length 0.
        String keeper = String.join(
                "\n",
                "function filter(pkt)",
                "  if old_ip ~= nil and (old_ip.ttl ~= nil or #old_ip ~= 0) then error('stale ip view') end",
                "  if old_seg ~= nil and #old_seg ~= 0 then error('stale segment') end",
                "  local k = kept or pkt",
                "  kept = pkt",
                "  old_ip = pkt:ip()",
                "  old_seg = pkt:segment(0, 20)",
                "  local pl = k:payload()",
                "  local a, b, c, d = pl:byte(1, 4)",
                "  local seq = ((a * 256 + b) * 256 + c) * 256 + d",
                "  return seq % 4 ~= 0",
                "end");
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair pair = lab.addPair();
            try (Engine engine = tap(pair, 2, LiveCaptureOptions.defaults())
                            .ruleFactory(EngineSources.lua())
                            .script(ScriptSpec.of("keeper", keeper))
                            .handler("java", f -> Verdict.PASS)
                            .build();
                    PacketSocket tx = LiveFrames.txSocket(pair.b())) {
                engine.start();
                LiveFrames.send(tx, LiveFrames.udpFrames(2000));
                LiveFrames.awaitCount(() -> engine.stats().kernelPackets(), 2000);
                EngineSnapshot end = engine.closeAndReport();
                ScriptSnapshot k = end.script("keeper");
                assertConserved(end);
                assertEquals(0, k.errors(), "no stale view was readable: " + k.lastError());
                assertEquals(2000, end.kernelPackets());
                assertEquals(0, end.kernelDrops());
                assertEquals(500, end.blocked(), "verdicts follow the current frame's sequence number");
                assertEquals(1500, end.passed());
            }
        }
    }
}
