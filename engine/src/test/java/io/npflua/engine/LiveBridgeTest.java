package io.npflua.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.bridge.BridgePorts;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.rule.Verdict;
import io.npflua.engine.source.Frame;
import io.npflua.engine.source.ring.LiveCaptureOptions;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.VethLab;
import io.npflua.ffm.socket.FanoutMode;
import io.npflua.lua.data.InternetChecksum;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inline bridge: host A (namespace) — veth — [engine bridging two veths in this namespace] — veth — host B
 * (namespace), offloads off. Real TCP and UDP pass; UDP to {@value #BLOCKED} is blocked and never reaches B; UDP to
 * {@value #REWRITTEN} is rewritten in the ring (payload byte, UDP checksum recomputed) and arrives; UDP to
 * {@value #BROKEN} is rewritten without fixing the checksum and is dropped by B's kernel (proving B verifies
 * checksums). Latency at low rate is measured with ping through the bridge and over a direct veth, and printed.
 */
@LiveTest
class LiveBridgeTest {
    static final int BLOCKED = 7777;
    static final int REWRITTEN = 5002;
    static final int BROKEN = 5003;
    private static final String A = "198.18.5.1";
    private static final String B = "198.18.5.2";
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /**
     * Counts datagrams until 1.5 s after the test writes "sent" on its standard input (at most 30 s): a slow start
     * of the sender on a loaded machine must not end the count before the first datagram.
     */
    private static final String UDP_RECEIVER = String.join(
            "\n",
            "import select, socket, sys, time",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.bind((sys.argv[1], int(sys.argv[2])))",
            "print('ready', flush=True)",
            "n = 0",
            "first = b''",
            "end = time.time() + 30",
            "while time.time() < end:",
            "    r, _, _ = select.select([s, sys.stdin], [], [], 0.1)",
            "    if s in r:",
            "        d = s.recv(4096)",
            "        first = first or d",
            "        n += 1",
            "    if sys.stdin in r:",
            "        sys.stdin.readline()",
            "        end = min(end, time.time() + 1.5)",
            "print(n, first[:1].decode('latin-1') if first else '-', flush=True)");

    private static final String UDP_SENDER = String.join(
            "\n",
            "import socket, sys, time",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "for i in range(int(sys.argv[3])):",
            "    s.sendto(b'a' * 100, (sys.argv[1], int(sys.argv[2])))",
            "    time.sleep(0.002)");
    /** One datagram from each of 32 sockets (32 source ports: 32 flows for the fanout hash to spread). */
    private static final String UDP_SPREAD = String.join(
            "\n",
            "import socket, sys",
            "socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(32)]",
            "for s in socks:",
            "    s.sendto(b'spread', (sys.argv[1], int(sys.argv[2])))");

    private static final String ECHO_SERVER = String.join(
            "\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.bind((sys.argv[1], int(sys.argv[2])))",
            "print('ready', flush=True)",
            "s.settimeout(5)",
            "try:",
            "    while True:",
            "        d, peer = s.recvfrom(2048)",
            "        s.sendto(d, peer)",
            "except socket.timeout:",
            "    pass");
    // Round trips of 64-byte datagrams, one at a time, 50 ms apart (the first one also resolves ARP: not counted).
    private static final String ECHO_CLIENT = String.join(
            "\n",
            "import socket, sys, time",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.settimeout(2)",
            "rtts = []",
            "for i in range(int(sys.argv[3]) + 1):",
            "    t = time.perf_counter_ns()",
            "    s.sendto(b'p' * 64, (sys.argv[1], int(sys.argv[2])))",
            "    s.recv(2048)",
            "    if i > 0:",
            "        rtts.append((time.perf_counter_ns() - t) / 1000.0)",
            "    time.sleep(0.05)",
            "rtts.sort()",
            "print('%d %.1f %.1f %.1f' % (len(rtts), rtts[0], rtts[len(rtts) // 2], rtts[-1]), flush=True)");
    private static final String TCP_SERVER = String.join(
            "\n",
            "import socket, sys",
            "s = socket.socket()",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind((sys.argv[1], int(sys.argv[2])))",
            "s.listen(1)",
            "print('ready', flush=True)",
            "s.settimeout(10)",
            "c, _ = s.accept()",
            "c.settimeout(10)",
            "n = 0",
            "while True:",
            "    d = c.recv(65536)",
            "    if not d:",
            "        break",
            "    n += len(d)",
            "c.sendall(str(n).encode())",
            "c.close()",
            "print(n, flush=True)");
    private static final String TCP_CLIENT = String.join(
            "\n",
            "import socket, sys",
            "c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)",
            "c.sendall(b'x' * int(sys.argv[3]))",
            "c.shutdown(socket.SHUT_WR)",
            "print(c.recv(100).decode(), flush=True)");

    /** Blocks UDP to {@link #BLOCKED}; rewrites UDP to {@link #REWRITTEN} / {@link #BROKEN}. Thread-safe. */
    static Verdict bridgeRule(Frame f) {
        MemorySegment s = f.segment();
        long at = f.offset();
        if (f.capturedLength() < 42 || s.get(U16, at + 12) != 0x0800 || s.get(ValueLayout.JAVA_BYTE, at + 23) != 17) {
            return Verdict.PASS;
        }
        long ip = at + 14;
        long udp = ip + (s.get(ValueLayout.JAVA_BYTE, ip) & 0x0f) * 4L;
        int port = s.get(U16, udp + 2) & 0xffff;
        if (port == BLOCKED) {
            return Verdict.BLOCK;
        }
        if ((port == REWRITTEN || port == BROKEN) && f.writable()) {
            s.set(ValueLayout.JAVA_BYTE, udp + 8, (byte) 'Z');
            if (port == REWRITTEN) {
                int udpLength = s.get(U16, udp + 4) & 0xffff;
                s.set(U16, udp + 6, (short) 0);
                int sum = InternetChecksum.finish(InternetChecksum.add(
                        s, udp, udpLength, InternetChecksum.ipv4PseudoHeader(s, ip, 17, udpLength)));
                s.set(U16, udp + 6, (short) (sum == 0 ? 0xffff : sum));
            }
        }
        return Verdict.PASS;
    }

    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void shouldPassTcpAndUdpBlockWhatTheRuleBlocksAndForwardRewrites(int workers) throws Exception {
        try (VethLab hostA = VethLab.create();
                VethLab hostB = VethLab.create();
                VethLab direct = VethLab.create()) {
            VethLab.VethPair left = hostA.addPair(true);
            VethLab.VethPair right = hostB.addPair(true);
            hostA.offloadsOff(left);
            hostB.offloadsOff(right);
            LiveFrames.run("ip", "netns", "exec", hostB.namespace(), "ethtool", "-K", right.b(), "rx", "off");
            hostA.addAddress(left.b(), hostA.namespace(), A + "/24");
            hostB.addAddress(right.b(), hostB.namespace(), B + "/24");

            BridgePorts ports = EngineSources.bridge(LiveCaptureOptions.defaults());
            try (Engine engine = Engine.builder()
                    .bridge(left.a(), right.a())
                    .workers(workers)
                    .fanout(FanoutMode.HASH)
                    .sources(ports)
                    .forwarders(ports)
                    .idleStrategy(ports.idleStrategies())
                    .handler("bridge-rule", LiveBridgeTest::bridgeRule)
                    .build()) {
                engine.start();
                String ping = echo(hostA, hostB.namespace(), B, 6000);
                assertTrue(ping.startsWith("20 "), "every round trip through the bridge completed: " + ping);

                String tcp = transferTcp(hostA, hostB, 2_000_000);
                assertEquals("2000000", tcp, "every TCP byte crossed the bridge");

                assertEquals("50 a", udp(hostA, hostB, 5000, 50), "UDP passes unchanged");
                assertEquals("0 -", udp(hostA, hostB, BLOCKED, 50), "blocked frames never reach B");
                assertEquals("50 Z", udp(hostA, hostB, REWRITTEN, 50), "rewritten frames arrive with valid checksums");
                assertEquals("0 -", udp(hostA, hostB, BROKEN, 50), "B's kernel drops a rewrite with a stale checksum");

                if (workers > 1) {
                    // Six flows above land on one worker with probability 1/32; 32 more make it 2^-37.
                    hostA.execInNamespace("python3", "-c", UDP_SPREAD, B, "5000");
                }
                EngineSnapshot s = engine.closeAndReport();
                assertEquals(s.frames(), s.passed() + s.blocked());
                assertEquals(s.kernelPackets(), s.frames() + s.kernelDrops());
                assertTrue(s.blocked() >= 50, "the engine blocked the 50 datagrams: " + s.blocked());
                assertTrue(s.forwarded() >= s.passed() - s.kernelDrops() - 10, "passed frames were forwarded: " + s);
                if (workers > 1) {
                    assertTrue(s.workers().stream().allMatch(w -> w.seen() > 0), "fanout spread flows: " + s.workers());
                }

                // Direct veth between a namespace and this one, for comparison.
                VethLab.VethPair d = direct.addPair(true);
                direct.addAddress(d.a(), null, "198.18.6.1/24");
                direct.addAddress(d.b(), direct.namespace(), "198.18.6.2/24");
                String directPing = echo(direct, null, "198.18.6.1", 6001);
                System.out.printf(
                        "inline latency (%d worker(s)), UDP round trips n/min/median/max in us: bridge %s,"
                                + " direct veth %s; %d frames,"
                                + " %d forwarded, %d blocked, %d kernel drops%n",
                        workers, ping, directPing, s.frames(), s.forwarded(), s.blocked(), s.kernelDrops());
            }
        }
    }

    /** Round trips from {@code client}'s namespace to an echo server at {@code ip} in {@code serverNs} (null: here). */
    private static String echo(VethLab client, String serverNs, String ip, int port) throws Exception {
        Process server = serverNs == null
                ? startHere(ECHO_SERVER, ip, Integer.toString(port))
                : startIn(serverNs, ECHO_SERVER, ip, Integer.toString(port));
        try {
            awaitReady(server);
            return client.execInNamespace("python3", "-c", ECHO_CLIENT, ip, Integer.toString(port), "20")
                    .trim();
        } finally {
            server.destroyForcibly();
        }
    }

    private static Process startHere(String script, String... args) throws Exception {
        String[] full = new String[3 + args.length];
        full[0] = "python3";
        full[1] = "-c";
        full[2] = script;
        System.arraycopy(args, 0, full, 3, args.length);
        return new ProcessBuilder(full).redirectErrorStream(true).start();
    }

    private static String transferTcp(VethLab a, VethLab b, int bytes) throws Exception {
        Process server = startIn(b.namespace(), TCP_SERVER, B, "5001");
        try {
            awaitReady(server);
            String got = a.execInNamespace("python3", "-c", TCP_CLIENT, B, "5001", Integer.toString(bytes))
                    .trim();
            server.waitFor(10, TimeUnit.SECONDS);
            return got;
        } finally {
            server.destroyForcibly();
        }
    }

    private static String udp(VethLab a, VethLab b, int port, int count) throws Exception {
        Process receiver = startIn(b.namespace(), UDP_RECEIVER, B, Integer.toString(port));
        try {
            BufferedReader out = awaitReady(receiver);
            a.execInNamespace("python3", "-c", UDP_SENDER, B, Integer.toString(port), Integer.toString(count));
            receiver.getOutputStream().write("sent\n".getBytes(StandardCharsets.US_ASCII));
            receiver.getOutputStream().flush();
            String line = out.readLine();
            receiver.waitFor(10, TimeUnit.SECONDS);
            return line == null ? "?" : line.trim();
        } finally {
            receiver.destroyForcibly();
        }
    }

    /** Starts {@code python3 -c script args} in {@code namespace} (a helper server of a live test). */
    static Process startIn(String namespace, String script, String... args) throws Exception {
        String[] cmd = new String[6 + args.length];
        cmd[0] = "ip";
        cmd[1] = "netns";
        cmd[2] = "exec";
        cmd[3] = namespace;
        cmd[4] = "python3";
        cmd[5] = "-c";
        String[] full = new String[cmd.length + 1];
        System.arraycopy(cmd, 0, full, 0, 6);
        full[6] = script;
        System.arraycopy(args, 0, full, 7, args.length);
        return new ProcessBuilder(full).redirectErrorStream(true).start();
    }

    /** The output of a helper that says "ready" first, read past that line. */
    static BufferedReader awaitReady(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String line = out.readLine();
        assertEquals("ready", line, "helper did not start");
        return out;
    }

    /** The Lua way: block UDP to 7777, move UDP to 5004 onto port 5002 and fix the checksums with pkt:checksum(). */
    static final String LUA_BRIDGE_SCRIPT = String.join(
            "\n",
            "function filter(pkt)",
            "  local u = pkt:udp()",
            "  if u == nil then return true end",
            "  if u.dst_port == 7777 then return false end",
            "  if u.dst_port == 5004 then",
            "    u.dst_port = 5002",
            "    pkt:checksum()",
            "  end",
            "  return true",
            "end");

    @org.junit.jupiter.api.Test
    void shouldApplyALuaScriptsVerdictsAndRewritesInline() throws Exception {
        try (VethLab hostA = VethLab.create();
                VethLab hostB = VethLab.create()) {
            VethLab.VethPair left = hostA.addPair(true);
            VethLab.VethPair right = hostB.addPair(true);
            hostA.offloadsOff(left);
            hostB.offloadsOff(right);
            LiveFrames.run("ip", "netns", "exec", hostB.namespace(), "ethtool", "-K", right.b(), "rx", "off");
            hostA.addAddress(left.b(), hostA.namespace(), A + "/24");
            hostB.addAddress(right.b(), hostB.namespace(), B + "/24");
            BridgePorts ports = EngineSources.bridge(LiveCaptureOptions.defaults());
            try (Engine engine = Engine.builder()
                    .bridge(left.a(), right.a())
                    .workers(2)
                    .sources(ports)
                    .forwarders(ports)
                    .idleStrategy(ports.idleStrategies())
                    .ruleFactory(EngineSources.lua())
                    .script(io.npflua.engine.rule.ScriptSpec.of("bridge", LUA_BRIDGE_SCRIPT))
                    .build()) {
                engine.start();
                assertEquals("1000000", transferTcp(hostA, hostB, 1_000_000), "TCP crosses the bridge");
                assertEquals("50 a", udp(hostA, hostB, 5000, 50), "UDP passes unchanged");
                assertEquals("0 -", udp(hostA, hostB, BLOCKED, 50), "frames the script blocks never reach B");
                assertEquals(
                        "50 a",
                        udpRedirected(hostA, hostB, 5004, 5002, 50),
                        "datagrams the script moved to port 5002 arrive there with valid checksums");
                EngineSnapshot s = engine.closeAndReport();
                assertEquals(
                        0, s.errors(), "no script errors: " + s.script("bridge").lastError());
                assertEquals(s.frames(), s.passed() + s.blocked());
                assertEquals(s.kernelPackets(), s.frames() + s.kernelDrops());
                assertTrue(s.blocked() >= 50);
            }
        }
    }

    private static String udpRedirected(VethLab a, VethLab b, int sentTo, int listenOn, int count) throws Exception {
        Process receiver = startIn(b.namespace(), UDP_RECEIVER, B, Integer.toString(listenOn));
        try {
            BufferedReader out = awaitReady(receiver);
            a.execInNamespace("python3", "-c", UDP_SENDER, B, Integer.toString(sentTo), Integer.toString(count));
            String line = out.readLine();
            receiver.waitFor(10, TimeUnit.SECONDS);
            return line == null ? "?" : line.trim();
        } finally {
            receiver.destroyForcibly();
        }
    }

    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void shouldForwardEachPassedFrameOnceAndNeverRecaptureItsOwnFrames(int workers) throws Exception {
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair left = lab.addPair();
            VethLab.VethPair right = lab.addPair();
            java.util.List<byte[]> frames = LiveFrames.udpFrames(2000);
            // The receiver is read only after sending: a long block timeout keeps its V3 ring from filling with
            // nearly empty timed-out blocks (blockCount x timeout is its buffering at low rates).
            BridgePorts ports =
                    EngineSources.bridge(LiveCaptureOptions.defaults().withFilter(LiveFrames.UDP_ONLY));
            try (io.npflua.ffm.socket.PacketSocket receiver =
                            io.npflua.ffm.socket.PacketSocket.open(io.npflua.ffm.socket.PacketSocketOptions.capture(
                                            right.b(), io.npflua.ffm.ring.RingGeometry.blocks(1 << 20, 8, 1000))
                                    .filter(LiveFrames.UDP_ONLY)
                                    .build());
                    Engine engine = Engine.builder()
                            .bridge(left.a(), right.a())
                            .workers(workers)
                            .sources(ports)
                            .forwarders(ports)
                            .idleStrategy(ports.idleStrategies())
                            .handler("udp-port", LiveFrames::decide)
                            .build();
                    io.npflua.ffm.socket.PacketSocket tx = LiveFrames.txSocket(left.b())) {
                engine.start();
                LiveFrames.send(tx, frames);
                io.npflua.ffm.lab.LabTraffic.Received got = io.npflua.ffm.lab.LabTraffic.receive(receiver, 1500, 3000);
                EngineSnapshot s = engine.closeAndReport();
                assertEquals(2000, s.kernelPackets(), "each injected frame counted once: none of our own came back");
                assertEquals(2000, s.frames());
                assertEquals(500, s.blocked());
                assertEquals(1500, s.forwarded(), "every passed frame went out of the other port");
                assertEquals(1500, got.frames.size(), "B's side received exactly the passed frames");
                java.util.Set<Integer> seqs = new java.util.TreeSet<>();
                for (byte[] f : got.frames) {
                    seqs.add(LiveFrames.sequenceOf(f));
                }
                assertEquals(1500, seqs.size(), "no duplicates");
                assertTrue(seqs.stream().allMatch(q -> q % 4 != 0), "no blocked frame reached B");
            }
        }
    }

    /**
     * Byte for byte: frames of many sizes (60 to 1514 bytes), one in five with an 802.1Q tag, are injected on A's
     * side; tcpdump on B's side (which re-inserts VLAN tags like the engine) records what arrives. Every passed frame
     * arrives exactly once and identical to what A sent, except the frames {@link #bridgeRule} rewrote (UDP to
     * {@value #REWRITTEN}: first payload byte 'Z' and the UDP checksum, nothing else); not one frame of the blocked
     * flow ({@value #BLOCKED}) arrives.
     */
    @org.junit.jupiter.api.Test
    void shouldDeliverPassedFramesUnmodifiedByteForByteAndNoFrameOfABlockedFlow(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        int count = 1200;
        java.util.List<byte[]> frames = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            int port = i % 4 == 0 ? BLOCKED : i % 4 == 1 ? REWRITTEN : 5000;
            byte[] payload = new byte[4 + (i * 37) % 1468];
            java.nio.ByteBuffer.wrap(payload).putInt(i);
            for (int k = 4; k < payload.length; k++) {
                payload[k] = (byte) (i * 31 + k);
            }
            io.npflua.engine.frames.FrameBuilder b =
                    io.npflua.engine.frames.FrameBuilder.ethernet("02:00:00:00:0d:01", "02:00:00:00:0d:02");
            if (i % 5 == 0) {
                b.vlan(100 + i % 7);
            }
            frames.add(b.ipv4("198.18.10.1", "198.18.10.2")
                    .udp(30_000 + i % 300, port)
                    .payload(payload)
                    .build());
        }
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair left = lab.addPair();
            VethLab.VethPair right = lab.addPair();
            lab.offloadsOff(left);
            lab.offloadsOff(right);
            java.nio.file.Path arrived = dir.resolve("arrived.pcap");
            int expected = count - (count / 4 - count / 20); // all but the untagged frames of the blocked flow
            // tcpdump stops by itself after the expected count (a SIGTERM could lose frames still in its buffer);
            // more frames than that would show up as a higher forwarded count below.
            Process tcpdump = new ProcessBuilder(
                            "tcpdump",
                            "-i",
                            right.b(),
                            "-n",
                            "-U",
                            "-B",
                            "8192",
                            "-s",
                            "0",
                            "-c",
                            Integer.toString(expected),
                            "-w",
                            arrived.toString(),
                            "udp or (vlan and udp)")
                    .redirectErrorStream(true)
                    .start();
            EngineSnapshot s;
            try {
                BufferedReader err = new BufferedReader(new InputStreamReader(tcpdump.getInputStream()));
                String line = err.readLine();
                assertTrue(line != null && line.contains("listening on"), "tcpdump started: " + line);
                BridgePorts ports = EngineSources.bridge(LiveCaptureOptions.defaults());
                try (Engine engine = Engine.builder()
                                .bridge(left.a(), right.a())
                                .workers(2)
                                .sources(ports)
                                .forwarders(ports)
                                .idleStrategy(ports.idleStrategies())
                                .handler("bridge-rule", LiveBridgeTest::bridgeRule)
                                .build();
                        io.npflua.ffm.socket.PacketSocket tx = LiveFrames.txSocket(left.b())) {
                    engine.start();
                    LiveFrames.send(tx, frames);
                    LiveFrames.awaitCount(() -> engine.stats().forwarded(), expected);
                    s = engine.closeAndReport();
                }
                assertTrue(tcpdump.waitFor(20, TimeUnit.SECONDS), "tcpdump on B's side saw " + expected + " frames");
            } finally {
                tcpdump.destroy();
                tcpdump.waitFor(10, TimeUnit.SECONDS);
            }
            assertEquals(expected, s.forwarded(), "the engine forwarded exactly the passed frames");
            assertEquals(count, s.kernelPackets());
            assertEquals(count, s.frames());
            int taggedBlocked = 0;
            for (int i = 0; i < count; i += 20) {
                taggedBlocked++; // i % 4 == 0 and i % 5 == 0: tagged, so the rule (plain IPv4 only) passes it
            }
            assertEquals(count / 4 - taggedBlocked, s.blocked());

            java.util.Map<Integer, byte[]> got = new java.util.HashMap<>();
            int duplicates = 0;
            try (io.npflua.engine.pcap.PcapReader r = io.npflua.engine.pcap.PcapReader.open(arrived)) {
                while (r.next()) {
                    byte[] f = r.record().asSlice().toArray(ValueLayout.JAVA_BYTE);
                    boolean tagged = (f[12] & 0xff) == 0x81 && f[13] == 0;
                    // The low 24 bits: a rewrite replaces the first payload byte (the sequence's top byte, 0 here).
                    int seq = java.nio.ByteBuffer.wrap(f, (tagged ? 46 : 42), 4).getInt() & 0xffffff;
                    if (got.put(seq, f) != null) {
                        duplicates++;
                    }
                }
            }
            assertEquals(0, duplicates, "each passed frame arrived once");
            int compared = 0;
            for (int i = 0; i < count; i++) {
                byte[] sent = frames.get(i);
                byte[] at = got.get(i);
                boolean tagged = i % 5 == 0;
                if (i % 4 == 0 && !tagged) {
                    assertTrue(at == null, "frame " + i + " of the blocked flow reached B");
                    continue;
                }
                assertTrue(
                        at != null,
                        "passed frame " + i + " did not arrive (" + got.size() + " arrived: "
                                + new java.util.TreeSet<>(got.keySet())
                                        .stream().limit(20).toList() + "; engine " + s + ")");
                assertEquals(sent.length, at.length, "frame " + i + " length");
                if (i % 4 == 1 && !tagged) {
                    int udp = 14 + 20;
                    assertEquals('Z', at[udp + 8], "frame " + i + " was rewritten");
                    for (int k = 0; k < sent.length; k++) {
                        if (k != udp + 8 && k != udp + 6 && k != udp + 7) {
                            assertEquals(
                                    sent[k],
                                    at[k],
                                    "rewritten frame " + i + " differs at byte " + k + " outside the rewrite");
                        }
                    }
                } else {
                    assertTrue(java.util.Arrays.equals(sent, at), "frame " + i + " arrived modified");
                }
                compared++;
            }
            System.out.printf(
                    "inline byte-for-byte: %d sent, %d arrived and compared, %d blocked never arrived%n",
                    count, compared, s.blocked());
            assertEquals(got.size(), compared, "nothing else arrived");
        }
    }
}
