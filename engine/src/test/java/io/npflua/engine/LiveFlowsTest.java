package io.npflua.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.bridge.BridgePorts;
import io.npflua.engine.control.ControlProtocol;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.ScriptCounter;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.flow.FlowFormat;
import io.npflua.engine.flow.FlowRecord;
import io.npflua.engine.flow.FlowTableOptions;
import io.npflua.engine.flow.FlowTracking;
import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.output.pcap.PcapVerdictSink;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.rule.lua.LuaRuleFactory;
import io.npflua.engine.source.ring.LiveCaptureOptions;
import io.npflua.ffm.lab.LabTraffic;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.VethLab;
import io.npflua.ffm.socket.FanoutMode;
import io.npflua.ffm.socket.PacketSocket;
import io.npflua.lua.sandbox.ModuleRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flows on real interfaces: a bridge with the stateful SSH script between two namespaces with real TCP servers (one
 * announces OpenSSH_6.4, one another version), a tap with two workers over many connections, and a SYN flood against
 * a small table. Each checks that both directions of a flow meet one entry, with one and two workers.
 */
@LiveTest
class LiveFlowsTest {
    @TempDir
    Path dir;

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final String A = "198.18.30.1";
    private static final String B = "198.18.30.2";

    /** Accepts one connection, sends argv[3] + CRLF, counts what the client sends until EOF or 4 s of silence. */
    private static final String BANNER_SERVER = String.join(
            "\n",
            "import socket, sys",
            "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(4); s.settimeout(20)",
            "print('ready', flush=True)",
            "c, _ = s.accept(); c.settimeout(4)",
            "c.sendall(sys.argv[3].encode() + b'\\r\\n')",
            "n = 0",
            "try:",
            "    while True:",
            "        d = c.recv(65536)",
            "        if not d: break",
            "        n += len(d)",
            "except Exception: pass",
            "print(n, flush=True)");

    /** Connects, waits up to 3 s for a banner, sends argv[3] bytes, prints the banner (or '-'). */
    private static final String BANNER_CLIENT = String.join(
            "\n",
            "import socket, sys",
            "c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)",
            "try: b = c.recv(100)",
            "except Exception: b = b''",
            "try:",
            "    c.sendall(b'x' * int(sys.argv[3])); c.shutdown(socket.SHUT_WR); c.recv(1)",
            "except Exception: pass",
            "print(b.decode(errors='replace').strip() or '-', flush=True)");

    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void shouldCutTheWholeConnectionOfABannedSshServerInlineAndLetTheOtherComplete(int workers) throws Exception {
        String script = Files.readString(ROOT.resolve("examples/ssh-version-flow.lua"));
        try (VethLab hostA = VethLab.create();
                VethLab hostB = VethLab.create()) {
            VethLab.VethPair left = hostA.addPair(true);
            VethLab.VethPair right = hostB.addPair(true);
            hostA.offloadsOff(left);
            hostB.offloadsOff(right);
            hostA.addAddress(left.b(), hostA.namespace(), A + "/24");
            hostB.addAddress(right.b(), hostB.namespace(), B + "/24");
            BridgePorts ports = EngineSources.bridge(LiveCaptureOptions.defaults());
            Path passedFile = dir.resolve("passed.pcap");
            Path blockedFile = dir.resolve("blocked.pcap");
            PcapVerdictSink passed = EngineSources.pcapSink(passedFile);
            PcapVerdictSink blocked = EngineSources.pcapSink(blockedFile);
            EngineSnapshot live;
            try (Engine engine = Engine.builder()
                    .bridge(left.a(), right.a())
                    .workers(workers)
                    .fanout(FanoutMode.HASH)
                    .sources(ports)
                    .forwarders(ports)
                    .idleStrategy(ports.idleStrategies())
                    .ruleFactory(EngineSources.lua())
                    .script(ScriptSpec.of("ssh", script))
                    .onPassedPerWorker(passed.perWorker())
                    .onBlockedPerWorker(blocked.perWorker())
                    .build()) {
                engine.start();
                String[] banned = exchange(hostA, hostB, 2201, "SSH-2.0-OpenSSH_6.4", 100_000);
                String[] other = exchange(hostA, hostB, 2202, "SSH-2.0-OpenSSH_9.6p1", 100_000);
                assertEquals("-", banned[0], "the banned server's banner never reached the client");
                assertEquals("0", banned[1], "no byte of the client's reached the banned server");
                assertEquals("SSH-2.0-OpenSSH_9.6p1", other[0], "the other banner came through");
                assertEquals("100000", other[1], "the other connection completed");

                FlowListing listing = engine.flows(1000, 5, TimeUnit.SECONDS);
                assertEquals(0, listing.unanswered());
                Map<String, List<FlowRecord>> byKey = byKey(listing);
                List<FlowRecord> bannedFlow = byKey.get("tcp " + A + " " + B + " 2201");
                List<FlowRecord> otherFlow = byKey.get("tcp " + A + " " + B + " 2202");
                assertEquals(1, bannedFlow.size(), "both directions met one entry: " + byKey.keySet());
                assertEquals(1, otherFlow.size(), "both directions met one entry: " + byKey.keySet());
                assertEquals(List.of("ssh"), listing.rules(bannedFlow.get(0).blockedMask()));
                assertEquals(List.of("ssh"), listing.rules(otherFlow.get(0).passedMask()));
                assertTrue(
                        otherFlow.get(0).packetsOrig() > 0 && otherFlow.get(0).packetsReply() > 0);
                assertTrue(bannedFlow.get(0).packetsReply() > 1, "the banner's retransmissions met the entry");

                long sshCalls = engine.stats().script("ssh").calls();
                assertTrue(sshCalls < 40, "the script saw only the frames before each decision: " + sshCalls);
                if (workers > 1) {
                    // 40 more connections: with fanout groups that disagreed between the two ports, about half of
                    // them would split into two entries (one per worker).
                    int n = 40;
                    Process server = LiveBridgeTest.startIn(hostB.namespace(), ECHO_SERVER, B, Integer.toString(n));
                    try {
                        String port = new BufferedReader(new InputStreamReader(server.getInputStream())).readLine();
                        String done = hostA.execInNamespace("python3", "-c", ECHO_CLIENTS, B, port, Integer.toString(n))
                                .trim();
                        assertEquals(Integer.toString(n), done, "every connection crossed the bridge");
                        server.waitFor(10, TimeUnit.SECONDS);
                        Map<String, List<FlowRecord>> echo = byKey(engine.flows(1000, 5, TimeUnit.SECONDS));
                        List<FlowRecord> entries = echo.get("tcp " + A + " " + B + " " + port);
                        assertEquals(n, entries.size(), "one entry per connection through the bridge: " + entries);
                        assertTrue(
                                entries.stream().allMatch(f -> f.packetsOrig() >= 3 && f.packetsReply() >= 3),
                                "both directions of each met its entry: " + entries);
                        assertEquals(
                                n,
                                entries.stream()
                                        .map(FlowRecord::srcPort)
                                        .distinct()
                                        .count());
                        assertTrue(
                                entries.stream()
                                                .map(FlowRecord::worker)
                                                .distinct()
                                                .count()
                                        == 2,
                                "fanout spread the connections over both workers");
                    } finally {
                        server.destroyForcibly();
                    }
                }

                String json = new ControlProtocol(engine).handle("{\"cmd\":\"flows\"}");
                assertTrue(json.contains("\"dport\":2201") && json.contains("\"blocked_by\":[\"ssh\"]"), json);
                assertTrue(json.contains("\"dport\":2202") && json.contains("\"passed_by\":[\"ssh\"]"), json);

                EngineSnapshot s = engine.closeAndReport();
                live = s;
                assertEquals(s.frames(), s.passed() + s.blocked());
                assertTrue(s.total(WorkerCounter.FLOW_BLOCKED) > 0, "retransmissions dropped without Lua: " + s);
                assertTrue(s.total(WorkerCounter.BYPASSED) > 50, "the accepted transfer bypassed the script: " + s);
                assertEquals(1, s.script("ssh").get(ScriptCounter.FLOW_BLOCKS));
                assertEquals(1, s.script("ssh").get(ScriptCounter.FLOW_PASSES));
            }
            // Offline, the same frames in capture order meet the same decisions.
            Path all = dir.resolve("all.pcap");
            LiveFrames.run(
                    "mergecap", "-F", "pcap", "-w", all.toString(), passedFile.toString(), blockedFile.toString());
            EngineSnapshot offline;
            try (Engine engine = Engine.builder()
                    .tap(all.toString())
                    .workers(workers)
                    .sources(EngineSources.pcap(1))
                    .ruleFactory(EngineSources.lua())
                    .script(ScriptSpec.of("ssh", script))
                    .build()) {
                engine.start();
                assertTrue(engine.awaitEnd(20, TimeUnit.SECONDS));
                offline = engine.closeAndReport();
            }
            assertEquals(live.frames(), offline.frames(), "every frame the bridge saw was written");
            assertEquals(live.blocked(), offline.blocked(), "the same frames blocked offline");
            assertEquals(live.total(WorkerCounter.FLOW_BLOCKED), offline.total(WorkerCounter.FLOW_BLOCKED));
            assertEquals(live.total(WorkerCounter.BYPASSED), offline.total(WorkerCounter.BYPASSED));
            for (ScriptCounter c : List.of(ScriptCounter.CALLS, ScriptCounter.FLOW_BLOCKS, ScriptCounter.FLOW_PASSES)) {
                assertEquals(live.script("ssh").get(c), offline.script("ssh").get(c), c + " live and offline");
            }
        }
    }

    /** Runs a banner server in B's namespace and a client in A's; returns {client's banner, server's byte count}. */
    private static String[] exchange(VethLab a, VethLab b, int port, String banner, int bytes) throws Exception {
        Process server = LiveBridgeTest.startIn(b.namespace(), BANNER_SERVER, B, Integer.toString(port), banner);
        try {
            BufferedReader out = LiveBridgeTest.awaitReady(server);
            String got = a.execInNamespace(
                            "python3", "-c", BANNER_CLIENT, B, Integer.toString(port), Integer.toString(bytes))
                    .trim();
            String count = out.readLine();
            server.waitFor(10, TimeUnit.SECONDS);
            return new String[] {got, count == null ? "?" : count.trim()};
        } finally {
            server.destroyForcibly();
        }
    }

    private static Map<String, List<FlowRecord>> byKey(FlowListing listing) {
        Map<String, List<FlowRecord>> byKey = new HashMap<>();
        for (FlowRecord f : listing.flows()) {
            String key = FlowFormat.protocolName(f.protocol()) + " "
                    + FlowFormat.address(f.family(), f.srcHi(), f.srcLo()) + " "
                    + FlowFormat.address(f.family(), f.dstHi(), f.dstLo()) + " " + f.dstPort();
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
        }
        return byKey;
    }

    /** Fails on a frame whose interface is not the tapped one; prints each direction the first time it is seen. */
    private static final String CONTEXT = String.join(
            "\n",
            "local seen = {}",
            "function filter(pkt)",
            "  if pkt:iface() ~= 'IFACE' then error('iface ' .. tostring(pkt:iface())) end",
            "  local d = pkt:dir()",
            "  if not seen[d] then seen[d] = true print(d) end",
            "  assert(pkt:time() > 1.7e9, 'capture time')",
            "  return true",
            "end");

    @Test
    void shouldMeetBothDirectionsOfEveryConnectionInOneEntryOnATapWithTwoWorkers() throws Exception {
        List<String> printed = new CopyOnWriteArrayList<>();
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair pair = lab.addPair(true);
            lab.offloadsOff(pair);
            lab.addAddress(pair.a(), null, "198.18.31.1/24");
            lab.addAddress(pair.b(), lab.namespace(), "198.18.31.2/24");
            try (Engine engine = Engine.builder()
                    .tap(pair.a())
                    .workers(2)
                    .fanout(FanoutMode.HASH)
                    .sources(EngineSources.live(LiveCaptureOptions.defaults()))
                    .ruleFactory(new LuaRuleFactory((script, line) -> printed.add(line), ModuleRegistry.standard()))
                    .script(ScriptSpec.of("context", CONTEXT.replace("IFACE", pair.a())))
                    .build()) {
                engine.start();
                // Client here, server in the peer's namespace: every segment of every connection crosses the tapped
                // link, and the tap sees both directions (outgoing and incoming on the same interface).
                int connections = 40;
                Process server = LiveBridgeTest.startIn(
                        lab.namespace(), ECHO_SERVER, "198.18.31.2", Integer.toString(connections));
                try {
                    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream()));
                    String port = out.readLine();
                    String done = LiveFrames.run(
                            "python3", "-c", ECHO_CLIENTS, "198.18.31.2", port, Integer.toString(connections));
                    assertEquals(Integer.toString(connections), done.trim(), "every connection completed");
                    server.waitFor(10, TimeUnit.SECONDS);
                } finally {
                    server.destroyForcibly();
                }
                LabTraffic.sleepMs(300);
                FlowListing listing = engine.flows(10_000, 5, TimeUnit.SECONDS);
                Map<String, List<FlowRecord>> byKey = new HashMap<>();
                for (FlowRecord f : listing.flows()) {
                    if (f.protocol() == 6) {
                        byKey.computeIfAbsent(f.srcPort() + ">" + f.dstPort(), k -> new ArrayList<>())
                                .add(f);
                    }
                }
                assertEquals(connections, byKey.size(), "one entry per connection: " + byKey.keySet());
                for (List<FlowRecord> entries : byKey.values()) {
                    assertEquals(1, entries.size(), "both directions met one entry: " + entries);
                    FlowRecord f = entries.get(0);
                    assertTrue(f.packetsOrig() >= 3 && f.packetsReply() >= 3, "both directions counted: " + f);
                    assertEquals("198.18.31.1", FlowFormat.address(f.family(), f.srcHi(), f.srcLo()), "opener");
                }
                EngineSnapshot s = engine.closeAndReport();
                assertEquals(0, s.errors(), "pkt:iface() named the tapped interface: " + printed);
                assertTrue(printed.contains("in") && printed.contains("out"), "pkt:dir() told both ways: " + printed);
                assertTrue(
                        s.workers().stream().allMatch(w -> w.get(WorkerCounter.FLOWS_CREATED) > 0),
                        "both workers tracked flows: " + s.workers());
            }
        }
    }

    private static final String ECHO_SERVER = String.join(
            "\n",
            "import socket, sys",
            "srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "srv.bind((sys.argv[1], 0)); srv.listen(64); srv.settimeout(20)",
            "print(srv.getsockname()[1], flush=True)",
            "for _ in range(int(sys.argv[2])):",
            "    c, _ = srv.accept(); c.settimeout(5); c.sendall(c.recv(1000)); c.close()");

    private static final String ECHO_CLIENTS = String.join(
            "\n",
            "import socket, sys",
            "n = 0",
            "for i in range(int(sys.argv[3])):",
            "    c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)",
            "    c.sendall(b'y' * 500); c.recv(1000); c.close(); n += 1",
            "print(n)");

    @Test
    void shouldStayWithinItsBoundUnderASynFloodAndKeepTheEstablishedFlow() throws Exception {
        int maxFlows = 512;
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair pair = lab.addPair();
            try (Engine engine = Engine.builder()
                            .tap(pair.a())
                            .workers(1)
                            .sources(EngineSources.live(LiveCaptureOptions.defaults()))
                            .flows(FlowTracking.defaults()
                                    .withTable(FlowTableOptions.defaults().withMaxFlows(maxFlows)))
                            .ruleFactory(EngineSources.lua())
                            .script(ScriptSpec.of("count", "function filter(pkt) return true end"))
                            .build();
                    PacketSocket tx = LiveFrames.txSocket(pair.b())) {
                engine.start();
                // An established connection (handshake and data both ways), then 20,000 SYNs from random ports,
                // then more data on the connection: it must still be the same flow.
                List<byte[]> established = List.of(
                        seg("198.18.32.1", "198.18.32.2", 41000, 443, FrameBuilder.TCP_SYN, ""),
                        seg("198.18.32.2", "198.18.32.1", 443, 41000, FrameBuilder.TCP_SYN | FrameBuilder.TCP_ACK, ""),
                        seg("198.18.32.1", "198.18.32.2", 41000, 443, FrameBuilder.TCP_ACK, "hello"),
                        seg("198.18.32.2", "198.18.32.1", 443, 41000, FrameBuilder.TCP_ACK, "world"));
                LabTraffic.send(tx.txRing(), established, 0);
                LiveFrames.awaitCount(() -> engine.stats().frames(), 4);
                long id = only(engine.flows(10, 5, TimeUnit.SECONDS), 41000).id();

                SplittableRandom random = new SplittableRandom(13);
                List<byte[]> flood = new ArrayList<>();
                for (int i = 0; i < 20_000; i++) {
                    flood.add(seg(
                            "198.18.33." + (1 + random.nextInt(250)),
                            "198.18.32.2",
                            1024 + random.nextInt(60000),
                            22,
                            FrameBuilder.TCP_SYN,
                            ""));
                }
                for (int i = 0; i < flood.size(); i += 500) {
                    LabTraffic.send(tx.txRing(), flood.subList(i, i + 500), 0);
                    LiveFrames.awaitCount(() -> engine.stats().frames(), 4 + i + 500L);
                }
                LabTraffic.send(
                        tx.txRing(),
                        List.of(seg("198.18.32.1", "198.18.32.2", 41000, 443, FrameBuilder.TCP_ACK, "again")),
                        0);
                LiveFrames.awaitCount(() -> engine.stats().frames(), 20_005);
                FlowRecord after = only(engine.flows(maxFlows, 5, TimeUnit.SECONDS), 41000);
                assertEquals(id, after.id(), "the established flow survived the flood");
                assertEquals(3, after.packetsOrig());

                EngineSnapshot s = engine.closeAndReport();
                long active = s.total(WorkerCounter.FLOWS_ACTIVE);
                assertTrue(active <= maxFlows, "within the bound: " + active);
                assertTrue(s.total(WorkerCounter.FLOWS_EVICTED) > 15_000, "half-open flows evicted: " + s);
                assertEquals(
                        s.total(WorkerCounter.FLOWS_CREATED),
                        active + s.total(WorkerCounter.FLOWS_EXPIRED) + s.total(WorkerCounter.FLOWS_EVICTED),
                        "created = active + expired + evicted");
                assertEquals(0, s.kernelDrops(), "the engine kept up");
                assertEquals(20_005, s.frames());
            }
        }
    }

    private static byte[] seg(String src, String dst, int sport, int dport, int flags, String payload) {
        FrameBuilder b = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4(src, dst)
                .tcp(sport, dport, 1, 1, flags);
        if (!payload.isEmpty()) {
            b.payload(payload);
        }
        return b.build();
    }

    private static FlowRecord only(FlowListing listing, int port) {
        List<FlowRecord> found = listing.flows().stream()
                .filter(f -> f.srcPort() == port || f.dstPort() == port)
                .toList();
        assertEquals(1, found.size(), "one flow on port " + port + ": " + found);
        return found.get(0);
    }
}
