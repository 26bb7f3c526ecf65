package io.npflua.engine.demo;

import static io.npflua.engine.frames.FrameBuilder.TCP_ACK;
import static io.npflua.engine.frames.FrameBuilder.TCP_FIN;
import static io.npflua.engine.frames.FrameBuilder.TCP_PSH;
import static io.npflua.engine.frames.FrameBuilder.TCP_SYN;

import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.pcap.PcapWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates the demo capture bundled in the engine jar ({@code io/npflua/engine/demo/demo.pcap}) and its frame
 * index ({@code demo.txt}), deterministically: the same code always gives the same bytes, and
 * {@code DemoCaptureTest} checks the committed files against a fresh generation.
 *
 * <p>Contents: three IPv4 SSH sessions whose server banners are OpenSSH_6.4 (SSH-2.0), OpenSSH_9.6p1 Debian-3 and
 * OpenSSH_6.4 (SSH-1.99) with PuTTY clients; an IPv6 SSH banner of OpenSSH_6.4 in VLAN 200; plain HTTP with bodies
 * of 40, 512 and 1400 bytes; RTP over UDP with payload types 0, 8, 96 and 34 (H.263, also once in VLAN 100 and once
 * 802.1ad-in-802.1Q) and an RTCP report; DNS; ICMP and ICMPv6 echo. Frames below 60 bytes are padded as received
 * Ethernet frames are. Addresses are 198.18.0.0/15 and 2001:db8::/32, MACs 02:...
 *
 * <p>Regenerate (from the repository root, after {@code mvn -pl engine -am test-compile}):
 * <pre>
 * $JAVA_HOME/bin/java -cp engine/target/classes:engine/target/test-classes io.npflua.engine.demo.DemoCaptureGenerator \
 *     engine/src/main/resources/io/npflua/engine/demo
 * </pre>
 * then rerun the reference verdicts (engine/src/test/resources/golden/README.md).
 */
public final class DemoCaptureGenerator {
    /** 2026-01-15T10:00:00Z. */
    static final long START_NS = 1_768_471_200_000_000_000L;

    /** One generated frame: what it is and the verdicts the seed scripts must give. */
    public record DemoFrame(
            long timestampNs, byte[] bytes, String description, boolean sshBlocked, boolean rtpBlocked) {}

    private final List<DemoFrame> frames = new ArrayList<>();
    private long clockNs = START_NS;
    private long random = 0x9E37_79B9_7F4A_7C15L;

    private DemoCaptureGenerator() {}

    /** Every frame of the demo capture, in file order. */
    public static List<DemoFrame> frames() {
        DemoCaptureGenerator g = new DemoCaptureGenerator();
        g.generate();
        return List.copyOf(g.frames);
    }

    /** Writes demo.pcap and demo.txt into the directory given as the only argument. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "engine/src/main/resources/io/npflua/engine/demo");
        Files.createDirectories(dir);
        List<DemoFrame> all = frames();
        write(dir.resolve("demo.pcap"), all);
        Files.writeString(dir.resolve("demo.txt"), index(all), StandardCharsets.UTF_8);
        System.out.println("wrote " + all.size() + " frames to " + dir.resolve("demo.pcap"));
    }

    /** Writes the frames as a microsecond, little-endian, EN10MB pcap. */
    public static void write(Path file, List<DemoFrame> all) throws IOException {
        try (PcapWriter writer = PcapWriter.builder(file)
                .byteOrder(java.nio.ByteOrder.LITTLE_ENDIAN)
                .open()) {
            for (DemoFrame f : all) {
                writer.write(f.timestampNs(), f.bytes());
            }
        }
    }

    /** One line per frame: number, verdict of each seed script, description. */
    public static String index(List<DemoFrame> all) {
        StringBuilder out = new StringBuilder("# frame  ssh-version  rtp-h263  description\n");
        for (int i = 0; i < all.size(); i++) {
            DemoFrame f = all.get(i);
            out.append(String.format(
                    "%-7d  %-11s  %-8s  %s%n",
                    i + 1, f.sshBlocked() ? "block" : "pass", f.rtpBlocked() ? "block" : "pass", f.description()));
        }
        return out.toString();
    }

    private void generate() {
        sshSession(
                "198.18.0.10",
                "198.18.1.22",
                "02:00:00:00:00:0a",
                "02:00:00:00:01:16",
                50122,
                "SSH-2.0-OpenSSH_6.4\r\n",
                true,
                0);
        dns();
        rtpStream("198.18.0.30", "198.18.1.30", 16384, 16386, 0, 3, 160, 0x11223344);
        sshSession(
                "198.18.0.11",
                "198.18.1.23",
                "02:00:00:00:00:0b",
                "02:00:00:00:01:17",
                50444,
                "SSH-2.0-OpenSSH_9.6p1 Debian-3\r\n",
                false,
                0);
        http();
        rtpStream("198.18.0.31", "198.18.1.31", 5004, 5006, 8, 3, 160, 0x0A0B0C0D);
        rtpStream("198.18.0.32", "198.18.1.32", 5010, 5012, 34, 4, 0, 0x34343434);
        rtcp();
        sshSession(
                "198.18.0.12",
                "198.18.1.24",
                "02:00:00:00:00:0c",
                "02:00:00:00:01:18",
                50777,
                "SSH-1.99-OpenSSH_6.4\r\n",
                true,
                0);
        rtpStream("198.18.0.33", "198.18.1.33", 40000, 40002, 96, 3, 0, 0x60606060);
        icmp();
        ipv6();
        taggedRtp();
    }

    private FrameBuilder eth(String srcMac, String dstMac) {
        return FrameBuilder.ethernet(srcMac, dstMac).padToMinimum(true);
    }

    private void add(FrameBuilder builder, String description, boolean sshBlocked, boolean rtpBlocked) {
        // 40..2000 us between frames, deterministic.
        clockNs += (40 + nextInt(1960)) * 1000L + nextInt(1000);
        frames.add(new DemoFrame(clockNs, builder.build(), description, sshBlocked, rtpBlocked));
    }

    private void sshSession(
            String client,
            String server,
            String clientMac,
            String serverMac,
            int clientPort,
            String serverBanner,
            boolean blocked,
            int vlan) {
        long cseq = 0x1000_0000L + clientPort * 7919L;
        long sseq = 0x7000_0000L + clientPort * 104729L;
        String flow = client + ":" + clientPort + " > " + server + ":22";
        String back = server + ":22 > " + client + ":" + clientPort;
        byte[] mss = {2, 4, 0x05, (byte) 0xb4, 4, 2, 1, 3, 3, 7};
        FrameBuilder c = eth(clientMac, serverMac);
        FrameBuilder s = eth(serverMac, clientMac);
        if (vlan != 0) {
            c.vlan(vlan);
            s.vlan(vlan);
        }
        c.ipv4(client, server).ttl(64).ipId(clientPort);
        s.ipv4(server, client).ttl(64).ipId(clientPort + 1);
        add(c.tcp(clientPort, 22, cseq, 0, TCP_SYN).tcpOptions(mss).window(64240), "TCP SYN " + flow, false, false);
        add(
                s.tcp(22, clientPort, sseq, cseq + 1, TCP_SYN | TCP_ACK)
                        .tcpOptions(mss)
                        .window(65160),
                "TCP SYN-ACK " + back,
                false,
                false);
        c.tcpOptions(new byte[0]).window(502);
        s.tcpOptions(new byte[0]).window(509);
        cseq++;
        sseq++;
        add(c.tcp(clientPort, 22, cseq, sseq, TCP_ACK), "TCP ACK " + flow, false, false);
        byte[] banner = serverBanner.getBytes(StandardCharsets.ISO_8859_1);
        add(
                s.tcp(22, clientPort, sseq, cseq, TCP_PSH | TCP_ACK).payload(banner),
                "SSH server banner " + printable(serverBanner) + " " + back,
                blocked,
                false);
        sseq += banner.length;
        byte[] clientBanner = "SSH-2.0-PuTTY_Release_0.80\r\n".getBytes(StandardCharsets.ISO_8859_1);
        add(
                c.tcp(clientPort, 22, cseq, sseq, TCP_PSH | TCP_ACK).payload(clientBanner),
                "SSH client banner SSH-2.0-PuTTY_Release_0.80\\r\\n " + flow,
                false,
                false);
        cseq += clientBanner.length;
        byte[] kex = kexInit();
        add(
                c.tcp(clientPort, 22, cseq, sseq, TCP_PSH | TCP_ACK).payload(kex),
                "SSH KEXINIT (" + kex.length + " bytes) " + flow,
                false,
                false);
        cseq += kex.length;
        add(s.tcp(22, clientPort, sseq, cseq, TCP_ACK).payload(new byte[0]), "TCP ACK " + back, false, false);
        add(c.tcp(clientPort, 22, cseq, sseq, TCP_FIN | TCP_ACK).payload(new byte[0]), "TCP FIN " + flow, false, false);
        add(s.tcp(22, clientPort, sseq, cseq + 1, TCP_FIN | TCP_ACK), "TCP FIN " + back, false, false);
    }

    private void http() {
        String client = "198.18.0.40";
        String server = "198.18.1.80";
        FrameBuilder c = eth("02:00:00:00:00:28", "02:00:00:00:01:50").ipv4(client, server);
        FrameBuilder s = eth("02:00:00:00:01:50", "02:00:00:00:00:28").ipv4(server, client);
        long cseq = 0x2000_0001L;
        long sseq = 0x5000_0001L;
        int port = 51000;
        for (int size : new int[] {40, 512, 1400}) {
            String request = "GET /demo/" + size + " HTTP/1.1\r\nHost: www.example.test\r\n\r\n";
            byte[] req = request.getBytes(StandardCharsets.ISO_8859_1);
            add(
                    c.tcp(port, 80, cseq, sseq, TCP_PSH | TCP_ACK).payload(req),
                    "HTTP request (" + req.length + " bytes) " + client + ":" + port + " > " + server + ":80",
                    false,
                    false);
            cseq += req.length;
            byte[] body = text(size);
            add(
                    s.tcp(80, port, sseq, cseq, TCP_PSH | TCP_ACK).payload(body),
                    "TCP payload of " + size + " bytes (HTTP, not SSH) " + server + ":80 > " + client + ":" + port,
                    false,
                    false);
            sseq += body.length;
            add(c.tcp(port, 80, cseq, sseq, TCP_ACK).payload(new byte[0]), "TCP ACK", false, false);
        }
    }

    /** RTP packets of one stream: V=2, no padding/extension/CSRC; marker on the last packet of H.263 frames. */
    private void rtpStream(
            String src, String dst, int sport, int dport, int payloadType, int count, int payloadSize, int ssrc) {
        FrameBuilder b =
                eth("02:00:00:00:00:1e", "02:00:00:00:01:1e").ipv4(src, dst).trafficClass(0xB8);
        for (int i = 0; i < count; i++) {
            int size = payloadSize > 0 ? payloadSize : 300 + nextInt(900);
            boolean marker = payloadType == 34 ? i == count - 1 : payloadType == 96 && i == 0;
            byte[] packet = rtp(payloadType, marker, 1000 + i, 160 * i + 90_000, ssrc, size);
            add(
                    b.udp(sport, dport).ipId(0x4000 + i).payload(packet),
                    "RTP PT " + payloadType + (payloadType == 34 ? " (H.263)" : "") + (marker ? " marker" : "")
                            + " seq " + (1000 + i) + " " + src + ":" + sport + " > " + dst + ":" + dport,
                    false,
                    payloadType == 34);
        }
    }

    private void taggedRtp() {
        byte[] packet = rtp(34, false, 77, 3000, 0x0B0B0B0B, 512);
        add(
                eth("02:00:00:00:00:1f", "02:00:00:00:01:1f")
                        .vlan(100)
                        .ipv4("198.18.0.34", "198.18.1.34")
                        .udp(7000, 7002)
                        .payload(packet),
                "RTP PT 34 (H.263) in 802.1Q VLAN 100 198.18.0.34:7000 > 198.18.1.34:7002",
                false,
                true);
        byte[] audio = rtp(0, false, 78, 3160, 0x0C0C0C0C, 160);
        add(
                eth("02:00:00:00:00:1f", "02:00:00:00:01:1f")
                        .vlan(100)
                        .ipv4("198.18.0.34", "198.18.1.34")
                        .udp(7010, 7012)
                        .payload(audio),
                "RTP PT 0 in 802.1Q VLAN 100 198.18.0.34:7010 > 198.18.1.34:7012",
                false,
                false);
        byte[] video = rtp(34, true, 79, 6000, 0x0D0D0D0D, 700);
        add(
                eth("02:00:00:00:00:1f", "02:00:00:00:01:1f")
                        .qinq(300, 30)
                        .ipv4("198.18.0.35", "198.18.1.35")
                        .udp(7020, 7022)
                        .payload(video),
                "RTP PT 34 (H.263) marker in 802.1ad S-VLAN 300 / 802.1Q C-VLAN 30 198.18.0.35:7020 > 198.18.1.35:7022",
                false,
                true);
    }

    private byte[] rtp(int payloadType, boolean marker, int sequence, int timestamp, int ssrc, int size) {
        byte[] p = new byte[12 + size];
        p[0] = (byte) 0x80; // version 2
        p[1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        p[2] = (byte) (sequence >>> 8);
        p[3] = (byte) sequence;
        for (int i = 0; i < 4; i++) {
            p[4 + i] = (byte) (timestamp >>> (24 - 8 * i));
            p[8 + i] = (byte) (ssrc >>> (24 - 8 * i));
        }
        for (int i = 12; i < p.length; i++) {
            p[i] = (byte) nextInt(256);
        }
        if (payloadType == 34 && size >= 4) {
            // RFC 2190 mode A payload header: F=0 P=0 SBIT=0 EBIT=0 SRC=3 (CIF), then a picture start code.
            p[12] = 0;
            p[13] = 0x60;
            p[14] = 0;
            p[15] = 0;
        }
        return p;
    }

    private void rtcp() {
        // RTCP sender report (PT 200) of the H.263 stream, on the RTP port + 1.
        byte[] sr = new byte[28];
        sr[0] = (byte) 0x80;
        sr[1] = (byte) 200;
        sr[3] = 6; // length in 32-bit words minus one
        sr[4] = 0x34;
        sr[5] = 0x34;
        sr[6] = 0x34;
        sr[7] = 0x34;
        for (int i = 8; i < sr.length; i++) {
            sr[i] = (byte) nextInt(256);
        }
        add(
                eth("02:00:00:00:00:1e", "02:00:00:00:01:1e")
                        .ipv4("198.18.0.32", "198.18.1.32")
                        .udp(5011, 5013)
                        .payload(sr),
                "RTCP sender report (PT 200) 198.18.0.32:5011 > 198.18.1.32:5013",
                false,
                false);
    }

    private void dns() {
        ByteArrayOutputStream q = new ByteArrayOutputStream();
        byte[] header = {0x1c, 0x2d, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
        q.writeBytes(header);
        byte[] name = {3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0};
        q.writeBytes(name);
        q.writeBytes(new byte[] {0, 1, 0, 1});
        byte[] query = q.toByteArray();
        add(
                eth("02:00:00:00:00:0a", "02:00:00:00:01:35")
                        .ipv4("198.18.0.10", "198.18.1.53")
                        .udp(53001, 53)
                        .payload(query),
                "DNS query A www.example.test",
                false,
                false);
        ByteArrayOutputStream r = new ByteArrayOutputStream();
        r.writeBytes(new byte[] {0x1c, 0x2d, (byte) 0x81, (byte) 0x80, 0, 1, 0, 1, 0, 0, 0, 0});
        r.writeBytes(name);
        r.writeBytes(new byte[] {0, 1, 0, 1});
        r.writeBytes(new byte[] {(byte) 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, (byte) 198, 18, 1, (byte) 80});
        add(
                eth("02:00:00:00:01:35", "02:00:00:00:00:0a")
                        .ipv4("198.18.1.53", "198.18.0.10")
                        .udp(53, 53001)
                        .payload(r.toByteArray()),
                "DNS response A www.example.test = 198.18.1.80",
                false,
                false);
    }

    private void icmp() {
        byte[] data = new byte[56];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (0x10 + i);
        }
        add(
                eth("02:00:00:00:00:0a", "02:00:00:00:01:01")
                        .ipv4("198.18.0.10", "198.18.1.1")
                        .echo(true, 0x4e50, 1)
                        .payload(data),
                "ICMP echo request 198.18.0.10 > 198.18.1.1",
                false,
                false);
        add(
                eth("02:00:00:00:01:01", "02:00:00:00:00:0a")
                        .ipv4("198.18.1.1", "198.18.0.10")
                        .echo(false, 0x4e50, 1)
                        .payload(data),
                "ICMP echo reply 198.18.1.1 > 198.18.0.10",
                false,
                false);
    }

    private void ipv6() {
        String client = "2001:db8::10";
        String server = "2001:db8::1:22";
        FrameBuilder c = eth("02:00:00:00:00:10", "02:00:00:00:01:22")
                .vlan(200)
                .ipv6(client, server)
                .flowLabel(0x12345);
        FrameBuilder s = eth("02:00:00:00:01:22", "02:00:00:00:00:10")
                .vlan(200)
                .ipv6(server, client)
                .flowLabel(0x54321);
        add(
                c.tcp(50900, 22, 0x3000_0000L, 0, TCP_SYN),
                "TCP SYN [" + client + "]:50900 > [" + server + "]:22 in VLAN 200",
                false,
                false);
        add(s.tcp(22, 50900, 0x6000_0000L, 0x3000_0001L, TCP_SYN | TCP_ACK), "TCP SYN-ACK in VLAN 200", false, false);
        add(c.tcp(50900, 22, 0x3000_0001L, 0x6000_0001L, TCP_ACK), "TCP ACK in VLAN 200", false, false);
        add(
                s.tcp(22, 50900, 0x6000_0001L, 0x3000_0001L, TCP_PSH | TCP_ACK).payload("SSH-2.0-OpenSSH_6.4\r\n"),
                "SSH server banner SSH-2.0-OpenSSH_6.4\\r\\n over IPv6 in VLAN 200",
                true,
                false);
        byte[] data = new byte[32];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + i % 23);
        }
        add(
                eth("02:00:00:00:00:10", "02:00:00:00:01:01")
                        .ipv6(client, "2001:db8::1")
                        .echo(true, 7, 1)
                        .payload(data),
                "ICMPv6 echo request " + client + " > 2001:db8::1",
                false,
                false);
        add(
                eth("02:00:00:00:01:01", "02:00:00:00:00:10")
                        .ipv6("2001:db8::1", client)
                        .echo(false, 7, 1)
                        .payload(data),
                "ICMPv6 echo reply 2001:db8::1 > " + client,
                false,
                false);
        add(
                eth("02:00:00:00:00:10", "02:00:00:00:01:35")
                        .ipv6(client, "2001:db8::53")
                        .udp(53002, 53)
                        .payload(new byte[] {
                            0x2a, 0x01, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 4, 'n', 'a', 'm', 'e', 4, 't', 'e', 's', 't',
                            0, 0, 28, 0, 1
                        }),
                "DNS query AAAA name.test over IPv6",
                false,
                false);
    }

    /** A plausible SSH_MSG_KEXINIT packet (RFC 4253 section 7.1), unencrypted as it is on the wire. */
    private byte[] kexInit() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(20);
        for (int i = 0; i < 16; i++) {
            body.write(nextInt(256));
        }
        String[] lists = {
            "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,diffie-hellman-group14-sha256",
            "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256",
            "chacha20-poly1305@openssh.com,aes128-ctr,aes256-gcm@openssh.com",
            "chacha20-poly1305@openssh.com,aes128-ctr,aes256-gcm@openssh.com",
            "hmac-sha2-256-etm@openssh.com,hmac-sha2-256",
            "hmac-sha2-256-etm@openssh.com,hmac-sha2-256",
            "none,zlib@openssh.com",
            "none,zlib@openssh.com",
            "",
            ""
        };
        for (String list : lists) {
            byte[] bytes = list.getBytes(StandardCharsets.US_ASCII);
            body.writeBytes(new byte[] {
                (byte) (bytes.length >>> 24),
                (byte) (bytes.length >>> 16),
                (byte) (bytes.length >>> 8),
                (byte) bytes.length
            });
            body.writeBytes(bytes);
        }
        body.writeBytes(new byte[] {0, 0, 0, 0, 0});
        byte[] payload = body.toByteArray();
        int padding = 8 - (payload.length + 5) % 8;
        if (padding < 4) {
            padding += 8;
        }
        int packetLength = 1 + payload.length + padding;
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.writeBytes(new byte[] {
            (byte) (packetLength >>> 24),
            (byte) (packetLength >>> 16),
            (byte) (packetLength >>> 8),
            (byte) packetLength,
            (byte) padding
        });
        packet.writeBytes(payload);
        packet.writeBytes(new byte[padding]);
        return packet.toByteArray();
    }

    /** Deterministic English-like text of exactly {@code size} bytes, never containing an SSH banner. */
    private byte[] text(int size) {
        String[] words = {
            "the", "packet", "filter", "engine", "reads", "frames", "from", "a", "ring", "and", "hands", "each", "one",
            "to", "Lua", "scripts", "that", "decide", "pass", "or", "block", "SSH", "SSH-2.0", "keys", "stream",
            "video", "audio", "capture", "offline", "replay"
        };
        StringBuilder out = new StringBuilder(size + 16);
        while (out.length() < size) {
            out.append(words[nextInt(words.length)]).append(out.length() % 9 == 0 ? ".\r\n" : " ");
        }
        out.setLength(size);
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String printable(String banner) {
        return banner.replace("\r", "\\r").replace("\n", "\\n");
    }

    /** xorshift64*: fixed here so that the capture never changes with the JDK. */
    private int nextInt(int bound) {
        random ^= random >>> 12;
        random ^= random << 25;
        random ^= random >>> 27;
        long value = random * 0x2545_F491_4F6C_DD1DL;
        return (int) Long.remainderUnsigned(value >>> 11, bound);
    }
}
