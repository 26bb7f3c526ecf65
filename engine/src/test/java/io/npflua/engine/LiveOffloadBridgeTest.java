package io.npflua.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.bridge.BridgePorts;
import io.npflua.engine.bridge.OffloadPolicy;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.rule.Verdict;
import io.npflua.engine.source.Frame;
import io.npflua.engine.source.ring.LiveCaptureOptions;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.Shell;
import io.npflua.ffm.lab.VethLab;
import io.npflua.ffm.socket.FanoutMode;
import io.npflua.ffm.socket.OffloadFeatures;
import io.npflua.ffm.socket.OffloadSnapshot;
import io.npflua.ffm.socket.PacketSocket;
import io.npflua.ffm.socket.PacketSocketOptions;
import io.npflua.lua.data.InternetChecksum;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The inline bridge with the kernel's DEFAULT offloads (issue 15): host A (namespace) — veth — [engine] — veth — host
 * B (namespace), nothing turned off, so TCP senders hand the bridge GSO super-frames of up to 64 KiB with partial
 * checksums. Real iperf3 both ways and over IPv6, a real OpenSSH client's banner exchange, the seed SSH script
 * blocking an OpenSSH_6.4 server, VLAN-tagged super-frames, UDP GSO, different MTUs; and the fallbacks: offloads turned
 * off for the run and restored exactly, and a (simulated) kernel without vnet headers taking that path.
 */
@LiveTest
class LiveOffloadBridgeTest {
    private static final String A = "198.18.7.1";
    private static final String B = "198.18.7.2";
    private static final String A6 = "2001:db8:7::1";
    private static final String B6 = "2001:db8:7::2";
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern RECEIVED =
            Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+]+)");

    /** Host A and host B, each a namespace holding one end of a veth whose other end the engine bridges. */
    private record Hosts(VethLab a, VethLab b, VethLab.VethPair left, VethLab.VethPair right) implements AutoCloseable {
        static Hosts create() {
            VethLab a = VethLab.create();
            VethLab b = VethLab.create();
            VethLab.VethPair left = a.addPair(true);
            VethLab.VethPair right = b.addPair(true);
            a.addAddress(left.b(), a.namespace(), A + "/24");
            b.addAddress(right.b(), b.namespace(), B + "/24");
            return new Hosts(a, b, left, right);
        }

        /** The hosts send MTU-sized frames, as hosts behind a wire do (their NIC cuts super-frames before the wire). */
        void hostsSegment() {
            Shell.check("ip", "netns", "exec", a.namespace(), "ethtool", "-K", left.b(), "tso", "off", "gso", "off");
            Shell.check("ip", "netns", "exec", b.namespace(), "ethtool", "-K", right.b(), "tso", "off", "gso", "off");
        }

        /** The bridged interfaces coalesce what they receive, as a NIC with GRO does. */
        void bridgeGroOn() {
            Shell.check("ethtool", "-K", left.a(), "gro", "on");
            Shell.check("ethtool", "-K", right.a(), "gro", "on");
        }

        void ipv6() {
            for (VethLab lab : List.of(a, b)) {
                Shell.check(
                        "ip", "netns", "exec", lab.namespace(), "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0");
            }
            Shell.check(
                    "ip",
                    "netns",
                    "exec",
                    a.namespace(),
                    "sysctl",
                    "-qw",
                    "net.ipv6.conf." + left.b() + ".disable_ipv6=0");
            Shell.check(
                    "ip",
                    "netns",
                    "exec",
                    b.namespace(),
                    "sysctl",
                    "-qw",
                    "net.ipv6.conf." + right.b() + ".disable_ipv6=0");
            // nodad: usable at once (Duplicate Address Detection would hold them tentative for a second or more).
            Shell.check(
                    "ip",
                    "netns",
                    "exec",
                    a.namespace(),
                    "ip",
                    "-6",
                    "addr",
                    "add",
                    A6 + "/64",
                    "dev",
                    left.b(),
                    "nodad");
            Shell.check(
                    "ip",
                    "netns",
                    "exec",
                    b.namespace(),
                    "ip",
                    "-6",
                    "addr",
                    "add",
                    B6 + "/64",
                    "dev",
                    right.b(),
                    "nodad");
        }

        Engine.Builder bridge(BridgePorts ports, int workers) {
            return Engine.builder()
                    .bridge(left.a(), right.a())
                    .workers(workers)
                    .fanout(FanoutMode.HASH)
                    .sources(ports)
                    .forwarders(ports)
                    .idleStrategy(ports.idleStrategies());
        }

        @Override
        public void close() {
            try {
                a.close();
            } finally {
                b.close();
            }
        }
    }

    /** Counts super-frames and the largest frame the scripts saw; passes everything. Thread-safe. */
    private static final class SuperFrames {
        final LongAdder superFrames = new LongAdder();
        final LongAdder partial = new LongAdder();
        volatile int largest;

        Verdict onFrame(Frame f) {
            if (f.gsoType() != Frame.GSO_NONE) {
                superFrames.increment();
            }
            if (f.checksumPartial()) {
                partial.increment();
            }
            if (f.capturedLength() > largest) {
                largest = f.capturedLength();
            }
            return Verdict.PASS;
        }
    }

    private static BridgePorts ports(OffloadPolicy policy, List<String> log) {
        return EngineSources.bridge(LiveCaptureOptions.defaults(), policy, line -> {
            synchronized (log) {
                log.add(line);
            }
            System.out.println("bridge: " + line);
        });
    }

    @ParameterizedTest(name = "{0} worker(s), super-frames sent from their RX slot: {1}")
    @CsvSource({"1, true", "2, true", "1, false"})
    void shouldCarryIperf3TcpBothWaysWithDefaultOffloadsAsWholeSuperFrames(int workers, boolean direct)
            throws Exception {
        try (Hosts hosts = Hosts.create()) {
            OffloadSnapshot leftBefore = OffloadFeatures.read(hosts.left().a());
            List<String> log = new ArrayList<>();
            BridgePorts ports = ports(OffloadPolicy.AUTO, log).directSend(direct);
            SuperFrames seen = new SuperFrames();
            try (Engine engine =
                    hosts.bridge(ports, workers).handler("count", seen::onFrame).build()) {
                engine.start();
                double forward = iperf(hosts, A, B, false);
                double reverse = iperf(hosts, A, B, true);
                System.out.printf(
                        "default offloads, %d worker(s): iperf3 A->B %.0f Mbit/s, B->A %.0f Mbit/s; %d super-frames,"
                                + " largest %d B%n",
                        workers, forward / 1e6, reverse / 1e6, seen.superFrames.sum(), seen.largest);
                assertTrue(forward > 50e6, "TCP A->B crossed the bridge: " + forward / 1e6 + " Mbit/s");
                assertTrue(reverse > 50e6, "TCP B->A crossed the bridge: " + reverse / 1e6 + " Mbit/s");
                assertTrue(ports.vnetHeaders(), "vnet headers are the default: " + ports.offloadSummary());
                EngineSnapshot s = engine.closeAndReport();
                assertBalanced(s);
                assertTrue(seen.superFrames.sum() > 0, "super-frames reached the scripts whole");
                assertTrue(seen.largest > 1514 * 4, "a script saw a frame of " + seen.largest + " B");
                assertTrue(seen.partial.sum() > 0, "partial checksums were seen");
                assertEquals(0, s.total(WorkerCounter.FORWARD_TRUNCATED), "nothing was cut: " + s);
                assertEquals(ports.framesSentDirect(), s.total(WorkerCounter.FORWARDED_DIRECT), "counted: " + s);
                if (direct) {
                    assertTrue(ports.framesSentDirect() > 0, "super-frames went out from their RX slots");
                } else {
                    assertEquals(0, ports.framesSentDirect(), "every frame went out from the TX ring");
                }
            }
            assertEquals(1, log.size(), "one line about offloads, none about restoring: " + log);
            assertTrue(log.get(0).contains("vnet headers"), log.get(0));
            assertEquals(leftBefore, OffloadFeatures.read(hosts.left().a()), "offloads untouched");
        }
    }

    /**
     * A shaped egress (a token bucket) keeps the frames sent to it queued, so the send-only socket's buffer fills and
     * the kernel answers EAGAIN: those super-frames must go through the TX ring instead, behind anything queued there,
     * and TCP must still flow at about the shaped rate with every passed frame accounted for.
     */
    @Test
    void shouldKeepForwardingThroughAShapedEgressWhenTheDirectSocketIsFull() throws Exception {
        try (Hosts hosts = Hosts.create()) {
            Shell.check(
                    "tc",
                    "qdisc",
                    "add",
                    "dev",
                    hosts.right().a(),
                    "root",
                    "tbf",
                    "rate",
                    "300mbit",
                    "burst",
                    "256kb",
                    "latency",
                    "100ms");
            BridgePorts ports = ports(OffloadPolicy.AUTO, new ArrayList<>()).directSend(true);
            try (Engine engine =
                    hosts.bridge(ports, 1).handler("pass", f -> Verdict.PASS).build()) {
                engine.start();
                double forward = iperf(hosts, A, B, false);
                EngineSnapshot s = engine.closeAndReport();
                System.out.printf(
                        "shaped egress (300 Mbit/s): iperf3 A->B %.0f Mbit/s; %d super-frames sent directly, %d through"
                                + " the ring instead%n",
                        forward / 1e6, ports.framesSentDirect(), ports.framesDeferredToRing());
                // Loose on purpose (2 shared cores): TCP flowed, and no faster than the shaper lets anything through.
                assertTrue(
                        forward > 20e6 && forward < 350e6, "TCP flowed at most at the shaped rate: " + forward / 1e6);
                assertBalanced(s);
                assertTrue(s.total(WorkerCounter.FORWARDED_DIRECT) > 0, "super-frames still went out directly: " + s);
                assertEquals(ports.framesSentDirect(), s.total(WorkerCounter.FORWARDED_DIRECT));
                assertTrue(ports.framesDeferredToRing() > 0, "and some through the ring when the socket was full");
            }
        }
    }

    @Test
    void shouldCarryIpv6TcpAndUdpGsoWithDefaultOffloads() throws Exception {
        try (Hosts hosts = Hosts.create()) {
            hosts.ipv6();
            BridgePorts ports = ports(OffloadPolicy.AUTO, new ArrayList<>());
            SuperFrames seen = new SuperFrames();
            try (Engine engine =
                    hosts.bridge(ports, 1).handler("count", seen::onFrame).build()) {
                engine.start();
                double v6 = iperf(hosts, A6, B6, false);
                assertTrue(v6 > 50e6, "TCP over IPv6 crossed the bridge: " + v6 / 1e6 + " Mbit/s");
                long before = seen.superFrames.sum();
                assertTrue(before > 0, "IPv6 super-frames seen");
                // 40 sends of 8 datagrams of 1000 B each with UDP_SEGMENT: GSO_UDP_L4 super-frames of 8 datagrams.
                assertEquals("320", udpGso(hosts, B, 1000, 8, 40), "every UDP GSO datagram arrived");
                assertTrue(seen.superFrames.sum() > before, "UDP super-frames were seen as such");
                EngineSnapshot s = engine.closeAndReport();
                assertBalanced(s);
                System.out.printf("IPv6 iperf3 %.0f Mbit/s; %s%n", v6 / 1e6, s);
            }
        }
    }

    /**
     * A VLAN-tagged TCP super-frame (20,000 payload bytes, segment size 1000, partial checksum), made by hand and sent
     * with a vnet header on A's side (this kernel has no 802.1Q devices to make one): the receiving veth strips the
     * tag, the bridge writes it back (csum_start + 4) and sends the super-frame on; B's side has TSO and TX
     * checksumming off, so the kernel cuts it in software and finishes each checksum from csum_start. B receives 20
     * tagged segments, each with valid IPv4 and TCP checksums: a csum_start not moved with the tag would not give that.
     */
    @Test
    void shouldCarryVlanTaggedSuperFramesAndFinishTheirChecksumsWhereTheTagMovedThem() throws Exception {
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair left = lab.addPair();
            VethLab.VethPair right = lab.addPair();
            Shell.check("ethtool", "-K", right.a(), "tso", "off", "tx", "off");
            int payload = 20_000;
            int mss = 1000;
            byte[] frame = taggedTcpSuperFrame(payload);
            BridgePorts ports = ports(OffloadPolicy.AUTO, new ArrayList<>()).directSend(true);
            SuperFrames seen = new SuperFrames();
            int[] checksumStart = new int[1];
            try (PacketSocket receiver = PacketSocket.open(PacketSocketOptions.capture(
                                    right.b(), io.npflua.ffm.ring.RingGeometry.blocks(1 << 20, 8, 1000))
                            .vlanReinsertion(true)
                            .build());
                    Engine engine = Engine.builder()
                            .bridge(left.a(), right.a())
                            .sources(ports)
                            .forwarders(ports)
                            .idleStrategy(ports.idleStrategies())
                            .handler("count", f -> {
                                if (f.gsoType() != Frame.GSO_NONE) {
                                    checksumStart[0] = f.checksumStart();
                                }
                                return seen.onFrame(f);
                            })
                            .build();
                    PacketSocket tx = PacketSocket.open(PacketSocketOptions.builder(left.b())
                            .txRing(io.npflua.ffm.ring.RingGeometry.frames(17 * 4096, 2, 4096))
                            .vnetHeader(true)
                            .build())) {
                engine.start();
                assertTrue(tx.txRing()
                        .offer(
                                java.lang.foreign.MemorySegment.ofArray(frame),
                                0,
                                frame.length,
                                1, // NEEDS_CSUM
                                Frame.GSO_TCPV4,
                                18 + 20 + 20,
                                mss,
                                18 + 20,
                                16));
                tx.txRing().flush();
                io.npflua.ffm.lab.LabTraffic.Received got = io.npflua.ffm.lab.LabTraffic.receive(receiver, 20, 2000);
                EngineSnapshot s = engine.closeAndReport();
                assertBalanced(s);
                assertEquals(1, seen.superFrames.sum(), "the bridge saw one super-frame: " + s);
                assertEquals(frame.length, seen.largest, "whole, with its tag");
                assertEquals(38, checksumStart[0], "csum_start counts the re-inserted tag");
                assertEquals(1, ports.framesSentDirect(), "sent from its RX slot, tag and vnet header before it");
                int segments = 0;
                int bytes = 0;
                for (byte[] f : got.frames) {
                    if (f.length < 58 || (f[12] & 0xff) != 0x81 || f[13] != 0 || f[15] != 100 || f[27] != 6) {
                        continue;
                    }
                    java.lang.foreign.MemorySegment m = java.lang.foreign.MemorySegment.ofArray(f);
                    assertEquals(
                            0, InternetChecksum.checksum(m, 18, 20), "IPv4 header checksum of segment " + segments);
                    int tcpLength = (((f[20] & 0xff) << 8) | (f[21] & 0xff)) - 20;
                    long pseudo = InternetChecksum.ipv4PseudoHeader(m, 18, 6, tcpLength);
                    assertEquals(
                            0,
                            InternetChecksum.finish(InternetChecksum.add(m, 38, tcpLength, pseudo)),
                            "TCP checksum of segment " + segments);
                    segments++;
                    bytes += tcpLength - 20;
                }
                assertEquals(payload / mss, segments, "cut into MSS-sized tagged segments: " + got.frames.size());
                assertEquals(payload, bytes);
            }
        }
    }

    /** Ethernet, 802.1Q tag 100, IPv4, TCP (ACK|PSH), payload; the TCP checksum field holds the pseudo-header sum. */
    private static byte[] taggedTcpSuperFrame(int payload) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(18 + 20 + 20 + payload);
        b.put(new byte[] {2, 0, 0, 0, 0x0e, 2, 2, 0, 0, 0, 0x0e, 1});
        b.putShort((short) 0x8100).putShort((short) 100).putShort((short) 0x0800);
        b.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) (40 + payload))
                .putShort((short) 7)
                .putShort((short) 0x4000);
        b.put((byte) 64).put((byte) 6).putShort((short) 0);
        b.put(new byte[] {(byte) 198, 18, 11, 1, (byte) 198, 18, 11, 2});
        b.putShort((short) 40_000).putShort((short) 5001).putInt(1000).putInt(2000);
        b.put((byte) 0x50)
                .put((byte) 0x18)
                .putShort((short) 512)
                .putShort((short) 0)
                .putShort((short) 0);
        for (int i = 0; i < payload; i++) {
            b.put((byte) (i * 7));
        }
        byte[] f = b.array();
        java.lang.foreign.MemorySegment m = java.lang.foreign.MemorySegment.ofArray(f);
        int ipSum = InternetChecksum.checksum(m, 18, 20);
        f[28] = (byte) (ipSum >> 8);
        f[29] = (byte) ipSum;
        int pseudo = ~InternetChecksum.finish(InternetChecksum.ipv4PseudoHeader(m, 18, 6, 20 + payload)) & 0xffff;
        f[38 + 16] = (byte) (pseudo >> 8);
        f[38 + 17] = (byte) pseudo;
        return f;
    }

    @Test
    void shouldFitSuperFramesToASmallerEgressMtuAndCountWhatCannotBeCut() throws Exception {
        try (Hosts hosts = Hosts.create()) {
            // B's link has MTU 1400; A's 1500, so A's TCP segments (MSS from A's route) are too big for B's side.
            Shell.check("ip", "link", "set", hosts.right().a(), "mtu", "1400");
            Shell.check(
                    "ip",
                    "netns",
                    "exec",
                    hosts.b().namespace(),
                    "ip",
                    "link",
                    "set",
                    hosts.right().b(),
                    "mtu",
                    "1400");
            BridgePorts ports = ports(OffloadPolicy.AUTO, new ArrayList<>());
            try (Engine engine =
                    hosts.bridge(ports, 1).handler("pass", f -> Verdict.PASS).build()) {
                engine.start();
                // A 1472-byte UDP payload makes a 1514-byte frame: 1500 B of IP, over B's MTU, not a super-frame.
                hosts.a()
                        .execInNamespace(
                                "python3",
                                "-c",
                                String.join(
                                        "\n",
                                        "import socket",
                                        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                                        "for i in range(20): s.sendto(b'm' * 1472, ('" + B + "', 9))"));
                LiveFrames.awaitCount(() -> engine.stats().total(WorkerCounter.FORWARD_OVER_MTU), 20);
                double tcp = iperf(hosts, A, B, false);
                assertTrue(tcp > 20e6, "TCP A->B re-segmented to B's MTU: " + tcp / 1e6 + " Mbit/s");
                EngineSnapshot s = engine.closeAndReport();
                assertBalanced(s);
                assertTrue(s.total(WorkerCounter.FORWARD_OVER_MTU) >= 20, "the big datagrams were counted: " + s);
            }
        }
    }

    /** A real OpenSSH client's banner exchange through the bridge, then the seed script blocking OpenSSH_6.4. */
    @Test
    void shouldCarryAnSshBannerExchangeAndTheSeedScriptShouldBlockOpenSsh64() throws Exception {
        try (Hosts hosts = Hosts.create()) {
            BridgePorts ports = ports(OffloadPolicy.AUTO, new ArrayList<>());
            String script = Files.readString(ROOT.resolve("examples/ssh-version.lua"));
            try (Engine engine = hosts.bridge(ports, 2)
                    .ruleFactory(EngineSources.lua())
                    .script(ScriptSpec.of("ssh-version", script))
                    .build()) {
                engine.start();
                String[] good = sshExchange(hosts, "SSH-2.0-OpenSSH_9.2p1 Debian-2", 2222);
                assertTrue(good[0].startsWith("SSH-2.0-OpenSSH_"), "the server read the client's banner: " + good[0]);
                assertTrue(
                        good[1].contains("remote software version OpenSSH_9.2p1"),
                        "the client read the server's banner: " + good[1]);
                String[] old = sshExchange(hosts, "SSH-2.0-OpenSSH_6.4", 2223);
                assertFalse(
                        old[1].contains("remote software version OpenSSH_6.4"),
                        "the OpenSSH_6.4 banner never reached the client: " + old[1]);
                assertTrue(old[0].startsWith("SSH-2.0-OpenSSH_"), "the client's own banner still passed: " + old[0]);
                double tcp = iperf(hosts, A, B, false);
                assertTrue(tcp > 50e6, "bulk TCP with the script: " + tcp / 1e6 + " Mbit/s");
                EngineSnapshot s = engine.closeAndReport();
                assertBalanced(s);
                assertTrue(s.blocked() >= 1, "the 6.4 banner (and its retransmissions) was blocked: " + s);
                assertEquals(0, s.errors(), "no script errors");
                System.out.printf("ssh + bulk with the seed script: %.0f Mbit/s; %s%n", tcp / 1e6, s);
            }
        }
    }

    /**
     * The default-offload variant of {@code LiveBridgeTest.shouldApplyALuaScriptsVerdictsAndRewritesInline}: a script
     * that rewrites every IPv4 frame (TTL 64 to 63) and UDP to port 5004 onto 5002, then calls {@code pkt:checksum()},
     * on super-frames and frames with partial checksums. The bridge's own interfaces have TX checksumming (and so TSO)
     * off: the kernel segments and finishes every checksum in software from what the script left, and B's stack
     * verifies each, so a full checksum where a pseudo-header sum belongs (or the reverse) would stall TCP and lose the
     * datagrams.
     */
    @Test
    void shouldRewriteSuperFramesAndPartialChecksumsWithPktChecksum() throws Exception {
        String script = String.join(
                "\n",
                "function filter(pkt)",
                "  local ip = pkt:ip()",
                "  if ip == nil or ip.ttl ~= 64 then return true end",
                "  ip.ttl = 63",
                "  local u = pkt:udp()",
                "  if u ~= nil and u.dst_port == 5004 then u.dst_port = 5002 end",
                "  pkt:checksum()",
                "  return true",
                "end");
        try (Hosts hosts = Hosts.create()) {
            Shell.check("ethtool", "-K", hosts.left().a(), "tx", "off");
            Shell.check("ethtool", "-K", hosts.right().a(), "tx", "off");
            BridgePorts ports = ports(OffloadPolicy.AUTO, new ArrayList<>());
            SuperFrames seen = new SuperFrames();
            try (Engine engine = hosts.bridge(ports, 1)
                    .handler("count", seen::onFrame)
                    .ruleFactory(EngineSources.lua())
                    .script(ScriptSpec.of("rewrite", script))
                    .build()) {
                engine.start();
                double tcp = iperf(hosts, A, B, false);
                assertTrue(tcp > 20e6, "rewritten TCP super-frames arrive with good checksums: " + tcp / 1e6);
                assertTrue(seen.superFrames.sum() > 0 && seen.partial.sum() > 0, "super-frames, partial checksums");
                String receiver = String.join(
                        "\n",
                        "import socket",
                        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                        "s.bind(('" + B + "', 5002))",
                        "print('ready', flush=True)",
                        "s.settimeout(3)",
                        "n = 0",
                        "try:",
                        "    while True:",
                        "        d, peer = s.recvfrom(2048)",
                        "        n += 1",
                        "except socket.timeout:",
                        "    pass",
                        "print(n, flush=True)");
                Process rcv = new ProcessBuilder(
                                "ip", "netns", "exec", hosts.b().namespace(), "python3", "-c", receiver)
                        .redirectErrorStream(true)
                        .start();
                try {
                    BufferedReader out = new BufferedReader(new InputStreamReader(rcv.getInputStream()));
                    assertEquals("ready", out.readLine());
                    hosts.a()
                            .execInNamespace(
                                    "python3",
                                    "-c",
                                    String.join(
                                            "\n",
                                            "import socket, time",
                                            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                                            "for i in range(50):",
                                            "    s.sendto(b'r' * 300, ('" + B + "', 5004))",
                                            "    time.sleep(0.002)"));
                    assertEquals("50", out.readLine(), "datagrams moved to 5002 arrive with valid UDP checksums");
                } finally {
                    rcv.destroyForcibly();
                    rcv.waitFor(5, TimeUnit.SECONDS);
                }
                EngineSnapshot s = engine.closeAndReport();
                assertBalanced(s);
                assertEquals(
                        0,
                        s.errors(),
                        "no script errors: " + s.script("rewrite").lastError());
                System.out.printf("rewriting script, default offloads: %.0f Mbit/s%n", tcp / 1e6);
            }
        }
    }

    @Test
    void shouldTurnReceiveOffloadsOffForTheRunAndRestoreThemExactly() throws Exception {
        try (Hosts hosts = Hosts.create()) {
            hosts.hostsSegment();
            hosts.bridgeGroOn();
            String ethtoolBefore = Shell.check("ethtool", "-k", hosts.left().a());
            OffloadSnapshot before = OffloadFeatures.read(hosts.left().a());
            OffloadSnapshot rightBefore = OffloadFeatures.read(hosts.right().a());
            assertTrue(before.active("rx-gro"), "the lab turned GRO on");
            List<String> log = new ArrayList<>();
            BridgePorts ports = ports(OffloadPolicy.OFF, log);
            try (Engine engine =
                    hosts.bridge(ports, 1).handler("pass", f -> Verdict.PASS).build()) {
                engine.start();
                assertFalse(ports.vnetHeaders());
                assertFalse(OffloadFeatures.read(hosts.left().a()).active("rx-gro"), "GRO off during the run");
                assertTrue(log.get(0).contains("turned off rx-gro"), log.get(0));
                double tcp = iperf(hosts, A, B, false);
                assertTrue(tcp > 20e6, "TCP through MTU-sized slots: " + tcp / 1e6 + " Mbit/s");
                EngineSnapshot s = engine.closeAndReport();
                assertBalanced(s);
                assertEquals(0, s.total(WorkerCounter.FORWARD_TRUNCATED), "no super-frame arrived: " + s);
            }
            assertEquals(before, OffloadFeatures.read(hosts.left().a()), "every feature as before (OffloadSnapshot)");
            assertEquals(rightBefore, OffloadFeatures.read(hosts.right().a()));
            assertEquals(
                    ethtoolBefore, Shell.check("ethtool", "-k", hosts.left().a()), "ethtool -k reads the same");
            assertTrue(ports.offloadChanges().isEmpty());
            assertTrue(log.get(log.size() - 1).contains("back on"), "one line says what was restored: " + log);
        }
    }

    @Test
    void shouldTakeTheTurnOffPathOnAKernelWithoutVnetHeaders() throws Exception {
        String old = System.getProperty(PacketSocket.VNET_HEADERS_PROPERTY);
        System.setProperty(PacketSocket.VNET_HEADERS_PROPERTY, "false");
        try (Hosts hosts = Hosts.create()) {
            hosts.hostsSegment();
            hosts.bridgeGroOn();
            String ethtoolBefore = Shell.check("ethtool", "-k", hosts.right().a());
            OffloadSnapshot before = OffloadFeatures.read(hosts.right().a());
            List<String> log = new ArrayList<>();
            BridgePorts ports = ports(OffloadPolicy.AUTO, log);
            try (Engine engine =
                    hosts.bridge(ports, 2).handler("pass", f -> Verdict.PASS).build()) {
                engine.start();
                assertFalse(ports.vnetHeaders(), "no vnet headers on this (simulated) kernel");
                assertTrue(log.get(0).contains("vnet headers unavailable"), log.get(0));
                assertEquals(2, ports.offloadChanges().size(), "both interfaces changed: " + log);
                assertFalse(OffloadFeatures.read(hosts.right().a()).active("rx-gro"));
                double tcp = iperf(hosts, A, B, true);
                assertTrue(tcp > 20e6, "TCP B->A: " + tcp / 1e6 + " Mbit/s");
                EngineSnapshot s = engine.closeAndReport();
                assertBalanced(s);
            }
            assertEquals(before, OffloadFeatures.read(hosts.right().a()));
            assertEquals(
                    ethtoolBefore, Shell.check("ethtool", "-k", hosts.right().a()));
        } finally {
            if (old == null) {
                System.clearProperty(PacketSocket.VNET_HEADERS_PROPERTY);
            } else {
                System.setProperty(PacketSocket.VNET_HEADERS_PROPERTY, old);
            }
        }
    }

    @Test
    void shouldCountSuperFramesItCannotForwardWhenToldToLeaveOffloadsAlone() throws Exception {
        String old = System.getProperty(PacketSocket.VNET_HEADERS_PROPERTY);
        System.setProperty(PacketSocket.VNET_HEADERS_PROPERTY, "false");
        try (Hosts hosts = Hosts.create()) {
            hosts.hostsSegment();
            hosts.bridgeGroOn();
            OffloadSnapshot before = OffloadFeatures.read(hosts.left().a());
            BridgePorts ports = ports(OffloadPolicy.LEAVE, new ArrayList<>());
            try (Engine engine =
                    hosts.bridge(ports, 1).handler("pass", f -> Verdict.PASS).build()) {
                engine.start();
                assertEquals(before, OffloadFeatures.read(hosts.left().a()), "nothing changed");
                // A transfer that GRO coalesces on the bridge's side: it crawls, and the counters say why.
                iperf(hosts, A, B, false);
                EngineSnapshot s = engine.closeAndReport();
                assertBalanced(s);
                System.out.println("leave, no vnet: " + s);
                assertTrue(s.total(WorkerCounter.TRUNCATED) > 0, "super-frames captured cut: " + s);
                assertEquals(
                        s.total(WorkerCounter.TRUNCATED),
                        s.total(WorkerCounter.FORWARD_TRUNCATED),
                        "and none of them forwarded: " + s);
            }
        } finally {
            if (old == null) {
                System.clearProperty(PacketSocket.VNET_HEADERS_PROPERTY);
            } else {
                System.setProperty(PacketSocket.VNET_HEADERS_PROPERTY, old);
            }
        }
    }

    /** frames = passed + blocked, kernel packets = frames + drops, each passed frame forwarded or counted by reason. */
    static void assertBalanced(EngineSnapshot s) {
        assertEquals(s.frames(), s.passed() + s.blocked(), "frames = passed + blocked: " + s);
        assertEquals(s.kernelPackets(), s.frames() + s.kernelDrops(), "kernel packets = frames + drops: " + s);
        long refused = s.total(WorkerCounter.FORWARD_TRUNCATED)
                + s.total(WorkerCounter.FORWARD_OVER_MTU)
                + s.total(WorkerCounter.FORWARD_OVERSIZE)
                + s.total(WorkerCounter.FORWARD_FAILED);
        assertEquals(s.passed(), s.forwarded() + refused, "every passed frame forwarded or counted by reason: " + s);
    }

    /** iperf3 for 2 s from host A to {@code server} (reverse: B sends); bits per second received. */
    static double iperf(Hosts hosts, String client, String server, boolean reverse) throws Exception {
        Process srv = new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        hosts.b().namespace(),
                        "iperf3",
                        "-s",
                        "-1",
                        "--forceflush",
                        "-B",
                        server,
                        "-p",
                        "5201")
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(srv.getInputStream()));
            String line;
            while ((line = out.readLine()) != null && !line.contains("Server listening")) {
                // wait for the listener
            }
            List<String> cmd = new ArrayList<>(List.of(
                    "ip",
                    "netns",
                    "exec",
                    hosts.a().namespace(),
                    "iperf3",
                    "-c",
                    server,
                    "-B",
                    client,
                    "-p",
                    "5201",
                    "-t",
                    "2",
                    "-J",
                    "--connect-timeout",
                    "3000"));
            if (reverse) {
                cmd.add("-R");
            }
            Shell.Result r = Shell.run(cmd.toArray(String[]::new));
            Matcher m = RECEIVED.matcher(r.output());
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        } finally {
            srv.destroyForcibly();
            srv.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * A tiny SSH server in B announcing {@code banner}, and the real OpenSSH client in A: returns the client's banner
     * as the server read it, and the client's verbose log (which names the server's software version when its banner
     * arrived).
     */
    static String[] sshExchange(Hosts hosts, String banner, int port) throws Exception {
        String server = String.join(
                "\n",
                "import socket, sys",
                "s = socket.socket()",
                "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
                "s.bind(('" + B + "', " + port + "))",
                "s.listen(1)",
                "print('ready', flush=True)",
                "s.settimeout(15)",
                "c, _ = s.accept()",
                "c.settimeout(8)",
                "c.sendall(b'" + banner + "\\r\\n')",
                "got = b''",
                "try:",
                "    while b'\\n' not in got:",
                "        d = c.recv(256)",
                "        if not d: break",
                "        got += d",
                "except socket.timeout:",
                "    pass",
                "print(got.split(b'\\r')[0].decode('latin-1') or '-', flush=True)");
        Process srv = new ProcessBuilder("ip", "netns", "exec", hosts.b().namespace(), "python3", "-c", server)
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(srv.getInputStream()));
            assertEquals("ready", out.readLine());
            Shell.Result client = Shell.run(
                    "ip",
                    "netns",
                    "exec",
                    hosts.a().namespace(),
                    "timeout",
                    "8",
                    "ssh",
                    "-v",
                    "-o",
                    "BatchMode=yes",
                    "-o",
                    "StrictHostKeyChecking=no",
                    "-o",
                    "UserKnownHostsFile=/dev/null",
                    "-o",
                    "ConnectTimeout=5",
                    "-p",
                    Integer.toString(port),
                    "nobody@" + B,
                    "true");
            String read = out.readLine();
            return new String[] {read == null ? "-" : read, client.output()};
        } finally {
            srv.destroyForcibly();
            srv.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** {@code sends} sends of {@code segments} datagrams of {@code size} B each with UDP_SEGMENT; datagrams received. */
    static String udpGso(Hosts hosts, String ip, int size, int segments, int sends) throws Exception {
        String receiver = String.join(
                "\n",
                "import socket",
                "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                "s.bind(('" + ip + "', 9999))",
                "print('ready', flush=True)",
                "s.settimeout(3)",
                "n = 0",
                "try:",
                "    while True:",
                "        d = s.recv(65536)",
                "        if len(d) == " + size + ": n += 1",
                "except socket.timeout:",
                "    pass",
                "print(n, flush=True)");
        Process rcv = new ProcessBuilder("ip", "netns", "exec", hosts.b().namespace(), "python3", "-c", receiver)
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(rcv.getInputStream()));
            assertEquals("ready", out.readLine());
            hosts.a()
                    .execInNamespace(
                            "python3",
                            "-c",
                            String.join(
                                    "\n",
                                    "import socket, time",
                                    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                                    "s.setsockopt(17, 103, " + size + ")  # SOL_UDP, UDP_SEGMENT",
                                    "for i in range(" + sends + "):",
                                    "    s.sendto(b'u' * " + (size * segments) + ", ('" + ip + "', 9999))",
                                    "    time.sleep(0.005)"));
            String line = out.readLine();
            return line == null ? "?" : line.trim();
        } finally {
            rcv.destroyForcibly();
            rcv.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
