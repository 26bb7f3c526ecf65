package io.npflua.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.ScriptCounter;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.event.EventLogOptions;
import io.npflua.engine.flow.FlowTableOptions;
import io.npflua.engine.flow.FlowTracking;
import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.pcap.PcapWriter;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.rule.Verdict;
import io.npflua.engine.rule.lua.LuaRuleFactory;
import io.npflua.engine.worker.CaptureClock;
import io.npflua.lua.sandbox.ModuleRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flow decisions end to end in {@code replay}: a script that blocks a flow stops seeing it and its later frames are
 * dropped without Lua; a flow every script passed is bypassed; {@code --inspect-bytes} ends inspection; scripts read
 * flow fields, keep per-flow vars and see capture times.
 */
class FlowDecisionsTest {
    /** 2026-01-15 10:00:00 UTC. */
    private static final long START_NS = 1_768_471_200_000_000_000L;

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final String CLIENT = "198.18.0.1";
    private static final String OLD_SERVER = "198.18.0.2";
    private static final String NEW_SERVER = "198.18.0.3";

    @TempDir
    Path dir;

    private long clock = START_NS;

    private final List<long[]> times = new ArrayList<>();
    private final List<byte[]> frames = new ArrayList<>();

    private void add(byte[] frame) {
        clock += 1_000_000; // 1 ms apart
        times.add(new long[] {clock});
        frames.add(frame);
    }

    private static byte[] tcp(String src, String dst, int sport, int dport, int flags, String payload) {
        FrameBuilder b = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4(src, dst)
                .tcp(sport, dport, 1, 1, flags);
        if (payload != null) {
            b.payload(payload);
        }
        return b.build();
    }

    /** A TCP connection to port 22 from {@code sport}: handshake, banner, then {@code data} segments each way. */
    private void ssh(String server, int sport, String banner, int data) {
        add(tcp(CLIENT, server, sport, 22, FrameBuilder.TCP_SYN, null));
        add(tcp(server, CLIENT, 22, sport, FrameBuilder.TCP_SYN | FrameBuilder.TCP_ACK, null));
        add(tcp(CLIENT, server, sport, 22, FrameBuilder.TCP_ACK, null));
        add(tcp(server, CLIENT, 22, sport, FrameBuilder.TCP_ACK | FrameBuilder.TCP_PSH, banner + "\r\n"));
        for (int i = 0; i < data; i++) {
            add(tcp(CLIENT, server, sport, 22, FrameBuilder.TCP_ACK, "x".repeat(100)));
            add(tcp(server, CLIENT, 22, sport, FrameBuilder.TCP_ACK, "y".repeat(100)));
        }
    }

    private Path capture() throws Exception {
        Path file = dir.resolve("flows.pcap");
        try (PcapWriter out = PcapWriter.create(file)) {
            for (int i = 0; i < frames.size(); i++) {
                out.write(times.get(i)[0], frames.get(i));
            }
        }
        return file;
    }

    private EngineSnapshot replay(Path file, int workers, FlowTracking flows, List<String> printed, String... scripts)
            throws Exception {
        Engine.Builder b = Engine.builder()
                .tap(file.toString())
                .workers(workers)
                .sources(EngineSources.pcap(1))
                .ruleFactory(new LuaRuleFactory((script, line) -> printed.add(line), ModuleRegistry.standard()))
                .flows(flows);
        for (int i = 0; i < scripts.length; i++) {
            b.script(ScriptSpec.of("s" + i, scripts[i]));
        }
        try (Engine engine = b.build()) {
            engine.start();
            assertTrue(engine.awaitEnd(20, TimeUnit.SECONDS));
            return engine.closeAndReport();
        }
    }

    private static final String FLOW_SSH = String.join(
            "\n",
            "function filter(pkt)",
            "  local flow = pkt:flow()",
            "  local v = tostring(pkt):match('SSH%-[^-%G]+%-([^-%G]+)')",
            "  if v == 'OpenSSH_6.4' then flow:block('banned ' .. v) return false end",
            "  if v then flow:pass() end",
            "  return true",
            "end");

    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void shouldDropABlockedFlowAndBypassAPassedOneWithoutCallingTheScript(int workers) throws Exception {
        ssh(OLD_SERVER, 40000, "SSH-2.0-OpenSSH_6.4", 10);
        ssh(NEW_SERVER, 40001, "SSH-2.0-OpenSSH_9.6", 10);
        EngineSnapshot s = replay(capture(), workers, FlowTracking.defaults(), new CopyOnWriteArrayList<>(), FLOW_SSH);

        assertEquals(48, s.frames());
        // Each connection: 4 frames reach the script (handshake and banner), 20 after the decision do not.
        assertEquals(8, s.script("s0").get(ScriptCounter.CALLS));
        assertEquals(1, s.script("s0").get(ScriptCounter.FLOW_BLOCKS));
        assertEquals(1, s.script("s0").get(ScriptCounter.FLOW_PASSES));
        assertEquals(20, s.total(WorkerCounter.FLOW_BLOCKED));
        assertEquals(20, s.total(WorkerCounter.BYPASSED));
        assertEquals(21, s.blocked(), "the banner frame and the 20 after it");
        assertEquals(27, s.passed());
        assertEquals(2, s.total(WorkerCounter.FLOWS_CREATED));
        assertEquals(2, s.total(WorkerCounter.FLOWS_ACTIVE));
        assertEquals(0, s.errors());
        assertEquals(
                "banned OpenSSH_6.4",
                s.script("s0").topReasons().get(0).reason(),
                "the flow decision's reason is the verdict's");
    }

    @Test
    void shouldStopCallingTheSeedScriptAfterTheInspectionLimit() throws Exception {
        String seed = Files.readString(ROOT.resolve("examples/ssh-version.lua"));
        ssh(NEW_SERVER, 40001, "SSH-2.0-OpenSSH_9.6", 50);
        Path file = capture();

        EngineSnapshot all = replay(file, 1, FlowTracking.defaults(), new ArrayList<>(), seed);
        assertEquals(104, all.script("s0").get(ScriptCounter.CALLS), "without a limit every frame meets the script");
        assertEquals(0, all.total(WorkerCounter.BYPASSED));

        EngineSnapshot limited =
                replay(file, 1, FlowTracking.defaults().withInspectBytes(1000), new ArrayList<>(), seed);
        // Client side: 10 segments of 100 bytes reach the limit; the server's banner (21) + 9 segments make 921
        // bytes, so its 10th segment is still inspected: 4 + 10 + 10 = 24 calls, the rest bypassed.
        assertEquals(24, limited.script("s0").get(ScriptCounter.CALLS));
        assertEquals(80, limited.total(WorkerCounter.BYPASSED));
        assertEquals(104, limited.passed());
    }

    @Test
    void shouldShowScriptsTheFlowItsVarsAndTheCaptureTime() throws Exception {
        ssh(OLD_SERVER, 40000, "SSH-2.0-OpenSSH_6.4", 1);
        String script = String.join(
                "\n",
                "function filter(pkt)",
                "  local f = pkt:flow()",
                "  f.vars.n = (f.vars.n or 0) + 1",
                "  print(string.format('%s %s %s:%d > %s:%d %s %s n=%d pk=%d/%d t=%.3f first=%.3f', f.proto,"
                        + " f.dir, f.src, f.sport, f.dst, f.dport, f.state, f.family, f.vars.n, f.packets_orig,"
                        + " f.packets_reply, pkt:time() - 1768471200, f.first - 1768471200))",
                "  return true",
                "end");
        List<String> printed = new ArrayList<>();
        EngineSnapshot s = replay(capture(), 1, FlowTracking.defaults(), printed, script);
        assertEquals(0, s.errors(), String.valueOf(printed));
        assertEquals(
                List.of(
                        "tcp orig 198.18.0.1:40000 > 198.18.0.2:22 new 4 n=1 pk=1/0 t=0.001 first=0.001",
                        "tcp reply 198.18.0.1:40000 > 198.18.0.2:22 new 4 n=2 pk=1/1 t=0.002 first=0.001",
                        "tcp orig 198.18.0.1:40000 > 198.18.0.2:22 established 4 n=3 pk=2/1 t=0.003 first=0.001",
                        "tcp reply 198.18.0.1:40000 > 198.18.0.2:22 established 4 n=4 pk=2/2 t=0.004 first=0.001",
                        "tcp orig 198.18.0.1:40000 > 198.18.0.2:22 established 4 n=5 pk=3/2 t=0.005 first=0.001",
                        "tcp reply 198.18.0.1:40000 > 198.18.0.2:22 established 4 n=6 pk=3/3 t=0.006 first=0.001"),
                printed);
    }

    @Test
    void shouldGiveNoFlowWhenTrackingIsOff() throws Exception {
        ssh(OLD_SERVER, 40000, "SSH-2.0-OpenSSH_6.4", 1);
        List<String> printed = new ArrayList<>();
        EngineSnapshot s = replay(
                capture(),
                1,
                FlowTracking.off(),
                printed,
                "function filter(pkt) print(tostring(pkt:flow())) return true end");
        assertEquals(List.of("nil", "nil", "nil", "nil", "nil", "nil"), printed);
        assertEquals(0, s.total(WorkerCounter.FLOWS_CREATED));
    }

    @Test
    void shouldRefuseAFlowObjectKeptPastItsCall() throws Exception {
        ssh(OLD_SERVER, 40000, "SSH-2.0-OpenSSH_6.4", 0);
        List<String> printed = new ArrayList<>();
        String script = String.join(
                "\n",
                "local kept",
                "function filter(pkt)",
                "  if kept then print(pcall(function() return kept.src end)) end",
                "  kept = pkt:flow()",
                "  return true",
                "end");
        replay(capture(), 1, FlowTracking.defaults(), printed, script);
        assertEquals(3, printed.size());
        assertTrue(printed.get(0).startsWith("false\t") && printed.get(0).contains("no longer valid"), printed.get(0));
    }

    @Test
    void shouldForgetAReloadedScriptsFlowDecisions() throws Exception {
        ssh(OLD_SERVER, 40000, "SSH-2.0-OpenSSH_6.4", 5);
        Path file = capture();
        String blocker = "function filter(pkt) local f = pkt:flow() if f then f:block() end return false end";
        try (Engine engine = Engine.builder()
                .tap(file.toString())
                .workers(1)
                .sources(EngineSources.pcap(Long.MAX_VALUE)) // the same connection over and over
                .ruleFactory(EngineSources.lua())
                .script(ScriptSpec.of("s", blocker))
                .build()) {
            engine.start();
            EngineFixtures.awaitFrames(engine, 1_000);
            EngineSnapshot before = engine.stats();
            assertEquals(1, before.script("s").get(ScriptCounter.CALLS), "blocked on its first frame, then no call");
            assertTrue(before.total(WorkerCounter.FLOW_BLOCKED) >= 999);

            engine.reload("s", "function filter(pkt) return true end");
            long seen = engine.stats().frames();
            EngineFixtures.awaitFrames(engine, seen + 1_000);
            EngineSnapshot after = engine.stats();
            assertTrue(
                    after.script("s").get(ScriptCounter.CALLS) > 500,
                    "the reloaded script meets the flow again: " + after.script("s"));
            assertTrue(after.passed() > 500, "and passes it: " + after);
        }
    }

    @Test
    void shouldGiveIpv6AddressesAsTextAndMatchThemWithNetPrefixes() throws Exception {
        add(FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv6("2001:db8:0:0:1:0:0:1", "2001:db8::2")
                .udp(5353, 53)
                .payload("q")
                .build());
        add(FrameBuilder.ethernet("02:00:00:00:00:02", "02:00:00:00:00:01")
                .ipv6("2001:db8::2", "2001:db8:0:0:1:0:0:1")
                .udp(53, 5353)
                .payload("a")
                .build());
        String script = String.join(
                "\n",
                "local inside = net.prefix('2001:db8::/80')",
                "function filter(pkt)",
                "  local f = pkt:flow()",
                "  print(f.proto, f.family, f.src, f.sport, f.dst, f.dport, f.dir, f.state,",
                "        inside:contains(f.src), inside:contains(f.dst))",
                "  return true",
                "end");
        List<String> printed = new ArrayList<>();
        replay(capture(), 1, FlowTracking.defaults(), printed, script);
        assertEquals(
                List.of(
                        "udp\t6\t2001:db8::1:0:0:1\t5353\t2001:db8::2\t53\torig\tnew\tfalse\ttrue",
                        "udp\t6\t2001:db8::1:0:0:1\t5353\t2001:db8::2\t53\treply\testablished\tfalse\ttrue"),
                printed);
    }

    private void at(double seconds, byte[] frame) {
        times.add(new long[] {START_NS + Math.round(seconds * 1e9)});
        frames.add(frame);
    }

    private static byte[] syn(String src, int sport, int dport) {
        return tcp(src, "198.18.0.2", sport, dport, FrameBuilder.TCP_SYN, null);
    }

    /**
     * One worker: knocks and the connection they open are different flows, which a replay with several workers reads
     * in parallel, each its own share of the file, so a SYN may be judged before the knocks that precede it in the
     * file (live, the wire orders them). Cross-flow state replays exactly with {@code --workers 1}.
     */
    @Test
    void shouldKnockOnCaptureTimeAndDecideWholeConnectionsInReplay() throws Exception {
        int workers = 1;
        String a = "198.18.0.10";
        String d = "198.18.0.12";
        int ack = FrameBuilder.TCP_ACK | FrameBuilder.TCP_PSH;
        at(0, syn(a, 50001, 22)); // BLOCK: before knocking (the flow is blocked)
        at(0.5, tcp(a, "198.18.0.2", 50001, 22, ack, "x")); // BLOCK: same connection, without Lua
        at(1, syn(a, 50010, 7000));
        at(2, syn(a, 50011, 8000));
        at(3, syn(a, 50012, 9000));
        at(4, syn(a, 50002, 22)); // PASS: a new connection after the knock (the flow is passed)
        at(4.1, tcp(a, "198.18.0.2", 50002, 22, ack, "SSH-2.0-client")); // PASS: bypassed
        at(4.2, tcp("198.18.0.2", a, 22, 50002, ack, "SSH-2.0-server")); // PASS: bypassed
        at(20, syn(d, 50020, 7000));
        at(25, syn(d, 50021, 8000));
        at(31, syn(d, 50022, 9000)); // 11 s after the first knock: the window (capture time) is over
        at(32, syn(d, 50003, 22)); // BLOCK
        at(40, syn(d, 50030, 7000));
        at(45, syn(d, 50031, 8000));
        at(49.9, syn(d, 50032, 9000));
        at(50, syn(d, 50004, 22)); // PASS
        Path file = capture();

        // As npflua replay does: the shared tables run on the capture's clock.
        CaptureClock clock = new CaptureClock(workers);
        Map<Long, String> verdicts = new ConcurrentHashMap<>();
        EngineSnapshot s;
        try (Engine engine = Engine.builder()
                .tap(file.toString())
                .workers(workers)
                .sources(EngineSources.pcap(1))
                .ruleFactory(new LuaRuleFactory().withSharedClock(clock::nowNs))
                .captureClock(clock)
                .script(ScriptSpec.of("knock", Files.readString(ROOT.resolve("examples/port-knocking.lua"))))
                .onPassed(frame -> verdicts.put(frame.timestampNs(), "pass"))
                .onBlocked(frame -> verdicts.put(frame.timestampNs(), "block"))
                .build()) {
            engine.start();
            assertTrue(engine.awaitEnd(20, TimeUnit.SECONDS));
            s = engine.closeAndReport();
        }
        StringBuilder got = new StringBuilder();
        for (long[] t : times) {
            got.append(String.format("%.1f %s%n", (t[0] - START_NS) / 1e9, verdicts.get(t[0])));
        }
        assertEquals(
                String.join(
                        "\n",
                        "0.0 block",
                        "0.5 block",
                        "1.0 pass",
                        "2.0 pass",
                        "3.0 pass",
                        "4.0 pass",
                        "4.1 pass",
                        "4.2 pass",
                        "20.0 pass",
                        "25.0 pass",
                        "31.0 pass",
                        "32.0 block",
                        "40.0 pass",
                        "45.0 pass",
                        "49.9 pass",
                        "50.0 pass",
                        ""),
                got.toString());
        assertEquals(1, s.total(WorkerCounter.FLOW_BLOCKED), "the data after a refused SYN met no script");
        assertEquals(2, s.total(WorkerCounter.BYPASSED), "the let-in connection's later frames met no script");
        assertEquals(2, s.script("knock").get(ScriptCounter.FLOW_PASSES), "two connections let in");
        assertEquals(2, s.script("knock").get(ScriptCounter.FLOW_BLOCKS), "two connections refused");
    }

    @Test
    void shouldForgetAnUnloadedScriptsFlowBlocks() throws Exception {
        ssh(OLD_SERVER, 40000, "SSH-2.0-OpenSSH_6.4", 5);
        Path file = capture();
        String blocker = "function filter(pkt) local f = pkt:flow() if f then f:block() end return false end";
        try (Engine engine = Engine.builder()
                .tap(file.toString())
                .workers(1)
                .sources(EngineSources.pcap(Long.MAX_VALUE))
                .ruleFactory(EngineSources.lua())
                .script(ScriptSpec.of("s", blocker))
                .build()) {
            engine.start();
            EngineFixtures.awaitFrames(engine, 1_000);
            engine.unload("s");
            long seen = engine.stats().frames();
            long blockedBefore = engine.stats().blocked();
            EngineFixtures.awaitFrames(engine, seen + 1_000);
            EngineSnapshot after = engine.stats();
            // With no rule left every frame passes: a decision of an unloaded script binds nothing.
            assertTrue(after.blocked() - blockedBefore < 64, "frames still blocked after the unload: " + after);
            FlowListing listing = engine.flows(10, 5, TimeUnit.SECONDS);
            assertEquals(1, listing.flows().size());
            assertEquals(0, listing.flows().get(0).blockedMask(), "the flow's blocked mask was cleared");
        }
    }

    @Test
    void shouldKeepCallingJavaHandlersPastTheInspectionLimit() throws Exception {
        ssh(NEW_SERVER, 40001, "SSH-2.0-OpenSSH_9.6", 50);
        AtomicLong handled = new AtomicLong();
        EngineSnapshot s;
        try (Engine engine = Engine.builder()
                .tap(capture().toString())
                .workers(1)
                .sources(EngineSources.pcap(1))
                .ruleFactory(EngineSources.lua())
                .flows(FlowTracking.defaults().withInspectBytes(1000))
                .script(ScriptSpec.of("seed", Files.readString(ROOT.resolve("examples/ssh-version.lua"))))
                .handler("count", frame -> {
                    handled.incrementAndGet();
                    return Verdict.PASS;
                })
                .build()) {
            engine.start();
            assertTrue(engine.awaitEnd(20, TimeUnit.SECONDS));
            s = engine.closeAndReport();
        }
        assertEquals(24, s.script("seed").get(ScriptCounter.CALLS), "the script stops at the limit");
        assertEquals(104, handled.get(), "a Java handler is called until it decides itself");
        assertEquals(0, s.total(WorkerCounter.BYPASSED), "a flow the handler has not passed is not bypassed");
    }

    @Test
    void shouldAnswerAFlowListingAtOnceWhenTheWorkersHaveEnded() throws Exception {
        ssh(NEW_SERVER, 40001, "SSH-2.0-OpenSSH_9.6", 1);
        try (Engine engine = Engine.builder()
                .tap(capture().toString())
                .workers(2)
                .sources(EngineSources.pcap(1))
                .ruleFactory(EngineSources.lua())
                .build()) {
            engine.start();
            assertTrue(engine.awaitEnd(20, TimeUnit.SECONDS));
            long start = System.nanoTime();
            FlowListing listing = engine.flows(10, 5, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "no wait for ended workers");
            assertEquals(2, listing.unanswered());
        }
    }

    @Test
    void shouldCountFlowVarsInTheStatesMemoryLimit() throws Exception {
        // 4,000 flows, each keeping 2 KiB in its vars: 8 MiB across calls, over a 4 MiB state limit.
        for (int i = 0; i < 4000; i++) {
            add(FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                    .ipv4(CLIENT, NEW_SERVER)
                    .udp(10000 + i, 53)
                    .payload("q")
                    .build());
        }
        String hoarder = "function filter(pkt) pkt:flow().vars.junk = string.rep('x', 2048) .. pkt:flow().sport return"
                + " true end";
        EngineSnapshot s;
        try (Engine engine = Engine.builder()
                .tap(capture().toString())
                .workers(1)
                .sources(EngineSources.pcap(1))
                .ruleFactory(new LuaRuleFactory().withStateMemoryLimit(4L << 20))
                .script(ScriptSpec.of("hoard", hoarder))
                .build()) {
            engine.start();
            assertTrue(engine.awaitEnd(20, TimeUnit.SECONDS));
            s = engine.closeAndReport();
        }
        assertTrue(s.script("hoard").get(ScriptCounter.LUA_ERRORS) >= 1, "the state passed its limit: " + s);
    }

    @Test
    void shouldLogAFlowRecordForEachFlowThatEnds() throws Exception {
        // 12 UDP flows through a table of 4: 8 are evicted to make room (the 4 left are active at the end).
        for (int i = 0; i < 12; i++) {
            add(FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                    .ipv4(CLIENT, NEW_SERVER)
                    .udp(20000 + i, 53)
                    .payload("query")
                    .build());
        }
        Path log = dir.resolve("events.json");
        EventLog events = new EventLog(EventLogOptions.of(log), 1, ErrorHandler.STDERR);
        EngineSnapshot s;
        try (Engine engine = Engine.builder()
                .tap(capture().toString())
                .workers(1)
                .sources(EngineSources.pcap(1))
                .ruleFactory(EngineSources.lua())
                .flows(FlowTracking.defaults()
                        .withTable(FlowTableOptions.defaults().withMaxFlows(4)))
                .script(ScriptSpec.of("pass", "function filter(pkt) return true end"))
                .events(events)
                .build()) {
            engine.start();
            assertTrue(engine.awaitEnd(20, TimeUnit.SECONDS));
            s = engine.closeAndReport();
        }
        List<String> lines = Files.readAllLines(log);
        List<String> flows = lines.stream()
                .filter(l -> l.contains("\"event_type\":\"flow\""))
                .toList();
        assertEquals(
                s.total(WorkerCounter.FLOWS_EVICTED) + s.total(WorkerCounter.FLOWS_EXPIRED),
                flows.size(),
                lines.toString());
        assertEquals(8, flows.size());
        String first = flows.get(0);
        assertTrue(
                first.contains(
                        "\"src_ip\":\"198.18.0.1\",\"src_port\":20000,\"dest_ip\":\"198.18.0.3\",\"dest_port\":53"),
                first);
        assertTrue(first.contains("\"proto\":\"UDP\""), first);
        assertTrue(first.contains("\"pkts_toserver\":1,\"pkts_toclient\":0"), first);
        assertTrue(first.contains("\"reason\":\"forced\""), first);
        assertTrue(first.contains("\"flow_id\":1,"), first);
        assertTrue(first.contains("\"decision\":\"none\""), first);
    }

    @Test
    void shouldRaiseClearErrorsOnMisuseOfTheFlowObject() throws Exception {
        ssh(OLD_SERVER, 40000, "SSH-2.0-OpenSSH_6.4", 0);
        String script = String.join(
                "\n",
                "local done",
                "function filter(pkt)",
                "  if done then return true end",
                "  done = true",
                "  local f = pkt:flow()",
                "  print(pcall(function() f.sport = 1 end))",
                "  print(pcall(function() f:block({}) end))",
                "  print(pcall(f.pass, 'not a flow'))",
                "  print(f.nonsense)",
                "  return true",
                "end");
        List<String> printed = new ArrayList<>();
        EngineSnapshot s = replay(capture(), 1, FlowTracking.defaults(), printed, script);
        assertEquals(4, printed.size(), printed.toString());
        assertTrue(printed.get(0).startsWith("false")
                && printed.get(0).contains("cannot assign to a flow's field 'sport'"));
        assertTrue(printed.get(1).startsWith("false") && printed.get(1).contains("bad argument #1 to 'block' (string"));
        assertTrue(printed.get(2).startsWith("false") && printed.get(2).contains("bad self to 'pass'"));
        assertEquals("nil", printed.get(3));
        assertEquals(0, s.script("s0").get(ScriptCounter.FLOW_BLOCKS), "a refused call decided nothing");
        assertEquals(0, s.errors());
    }
}
