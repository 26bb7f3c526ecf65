package io.npflua.engine.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.npflua.engine.pcap.PcapWriter;
import io.npflua.lua.data.InternetChecksum;
import java.io.File;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameBuilderTest {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    @TempDir
    Path dir;

    private static int u16(byte[] frame, int offset) {
        return MemorySegment.ofArray(frame).get(U16, offset) & 0xFFFF;
    }

    @Test
    void shouldBuildIpv4TcpWithCorrectLengthsAndChecksums() {
        byte[] frame = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("198.18.0.1", "198.19.255.1")
                .tcp(40000, 22, 1, 2, FrameBuilder.TCP_PSH | FrameBuilder.TCP_ACK)
                .tcpOptions(new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2})
                .payload("SSH-2.0-OpenSSH_9.6\r\n")
                .build();
        MemorySegment f = MemorySegment.ofArray(frame);
        assertEquals(14 + 20 + 32 + 21, frame.length);
        assertEquals(0x0800, u16(frame, 12));
        assertEquals(20 + 32 + 21, u16(frame, 16));
        assertEquals(0, InternetChecksum.checksum(f, 14, 20), "IPv4 header checksum");
        assertEquals(8 << 4, frame[14 + 20 + 12] & 0xFF, "data offset of 32 bytes");
        long pseudo = InternetChecksum.ipv4PseudoHeader(f, 14, 6, 32 + 21);
        assertEquals(0, InternetChecksum.finish(InternetChecksum.add(f, 34, 32 + 21, pseudo)), "TCP checksum");
    }

    @Test
    void shouldBuildTaggedIpv6UdpAndIcmpv6WithCorrectChecksums() {
        byte[] udp = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .qinq(300, 30)
                .ipv6("2001:db8::1", "2001:db8:ffff::2")
                .udp(5000, 5002)
                .payload(new byte[] {(byte) 0x80, 34, 0})
                .build();
        MemorySegment u = MemorySegment.ofArray(udp);
        assertEquals(FrameBuilder.TPID_8021AD, u16(udp, 12));
        assertEquals(300, u16(udp, 14) & 0xFFF);
        assertEquals(FrameBuilder.TPID_8021Q, u16(udp, 16));
        assertEquals(30, u16(udp, 18) & 0xFFF);
        assertEquals(0x86DD, u16(udp, 20));
        int ip = 22;
        assertEquals(11, u16(udp, ip + 4), "IPv6 payload length");
        assertEquals(11, u16(udp, ip + 40 + 4), "UDP length");
        long pseudo = InternetChecksum.ipv6PseudoHeader(u, ip, 17, 11);
        assertEquals(0, InternetChecksum.finish(InternetChecksum.add(u, ip + 40, 11, pseudo)));

        byte[] echo = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv6("2001:db8::1", "2001:db8::2")
                .echo(true, 7, 9)
                .payload(new byte[5])
                .build();
        MemorySegment e = MemorySegment.ofArray(echo);
        assertEquals(128, echo[54] & 0xFF);
        assertEquals(
                0,
                InternetChecksum.finish(
                        InternetChecksum.add(e, 54, 13, InternetChecksum.ipv6PseudoHeader(e, 14, 58, 13))));
    }

    @Test
    void shouldChainIpv6ExtensionHeadersBeforeTheTransport() {
        byte[] frame = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv6("2001:db8::1", "2001:db8::2")
                .ipv6Extensions(0, 51, 60)
                .udp(5000, 53)
                .payload(new byte[] {1, 2, 3})
                .build();
        MemorySegment f = MemorySegment.ofArray(frame);
        assertEquals(14 + 40 + 8 + 16 + 8 + 8 + 3, frame.length);
        assertEquals(8 + 16 + 8 + 8 + 3, u16(frame, 18), "IPv6 payload length covers the extension headers");
        assertEquals(0, frame[20], "hop-by-hop first");
        assertEquals(51, frame[54]);
        assertEquals(0, frame[55], "8 bytes: 0 units beyond the first 8");
        assertEquals(60, frame[62]);
        assertEquals(2, frame[63], "AH: 16 bytes, 4-byte words minus 2");
        assertEquals(17, frame[78]);
        assertEquals(0, frame[79]);
        int udp = 14 + 40 + 32;
        assertEquals(5000, u16(frame, udp));
        long pseudo = InternetChecksum.ipv6PseudoHeader(f, 14, 17, 11);
        assertEquals(0, InternetChecksum.finish(InternetChecksum.add(f, udp, 11, pseudo)), "UDP checksum");
        FrameBuilder v4 = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("198.18.0.1", "198.18.0.2")
                .ipv6Extensions(60);
        assertThrows(IllegalStateException.class, v4::build);
        assertThrows(IllegalArgumentException.class, () -> v4.ipv6Extensions(6));
    }

    @Test
    void shouldPadShortFramesToTheEthernetMinimumOnlyWhenAsked() {
        FrameBuilder b = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("198.18.0.1", "198.18.0.2")
                .tcp(1, 2, 0, 0, FrameBuilder.TCP_SYN);
        assertEquals(54, b.build().length);
        byte[] padded = b.padToMinimum(true).build();
        assertEquals(60, padded.length);
        assertEquals(40, u16(padded, 16), "the IP length excludes the padding");
    }

    @Test
    void shouldRefuseAddressesOutsideTheLabRanges() {
        FrameBuilder b = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02");
        assertThrows(IllegalArgumentException.class, () -> b.ipv4("10.0.0.1", "198.18.0.1"));
        assertThrows(IllegalArgumentException.class, () -> b.ipv4("198.20.0.1", "198.18.0.1"));
        assertThrows(IllegalArgumentException.class, () -> b.ipv6("2001:db9::1", "2001:db8::1"));
        assertThrows(IllegalArgumentException.class, () -> b.ipv6("198.18.0.1", "2001:db8::1"));
        assertThrows(IllegalArgumentException.class, () -> b.ipv4("example.com", "198.18.0.1"));
        assertThrows(
                IllegalArgumentException.class, () -> FrameBuilder.ethernet("00:11:22:33:44:55", "02:00:00:00:00:02"));
        assertThrows(
                IllegalArgumentException.class, () -> FrameBuilder.ethernet("02:00:00:00:00:01", "ff:ff:ff:ff:ff:ff"));
    }

    /** The real dissector checks every checksum of every kind of frame the builder makes. */
    @Test
    void shouldBuildFramesTsharkFindsValid() throws Exception {
        assumeTrue(onPath("tshark"), "tshark is not installed (apt-get install tshark); skipping");
        List<byte[]> frames = new ArrayList<>();
        FrameBuilder v4 =
                FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4("198.18.0.1", "198.18.1.1");
        FrameBuilder v6 = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .vlan(7)
                .ipv6("2001:db8::1", "2001:db8::2");
        FrameBuilder v6x = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv6("2001:db8::1", "2001:db8::2")
                .ipv6Extensions(0, 43, 44, 51, 60);
        for (int size : new int[] {0, 1, 17, 512, 1400}) {
            byte[] payload = new byte[size];
            for (int i = 0; i < size; i++) {
                payload[i] = (byte) (i * 31 + size);
            }
            frames.add(
                    v4.tcp(1234, 9, 7, 9, FrameBuilder.TCP_ACK).payload(payload).build());
            frames.add(v4.udp(1234, 9).payload(payload).build());
            frames.add(v4.echo(true, 1, size).payload(payload).build());
            frames.add(
                    v6.tcp(1234, 9, 7, 9, FrameBuilder.TCP_ACK).payload(payload).build());
            frames.add(v6.udp(1234, 9).payload(payload).build());
            frames.add(v6.echo(false, 1, size).payload(payload).build());
            frames.add(v6x.tcp(1234, 9, 7, 9, FrameBuilder.TCP_ACK)
                    .payload(payload)
                    .build());
            frames.add(v6x.udp(1234, 9).payload(payload).build());
            frames.add(v6x.echo(false, 1, size).payload(payload).build());
        }
        Path file = dir.resolve("frames.pcap");
        try (PcapWriter writer = PcapWriter.create(file)) {
            for (byte[] f : frames) {
                writer.write(1_000_000_000L, f);
            }
        }
        Process p = new ProcessBuilder(
                        "tshark",
                        "-r",
                        file.toString(),
                        "-o",
                        "tcp.check_checksum:TRUE",
                        "-o",
                        "udp.check_checksum:TRUE",
                        "-o",
                        "ip.check_checksum:TRUE",
                        "-T",
                        "fields",
                        "-E",
                        "occurrence=f",
                        "-e",
                        "ip.checksum.status",
                        "-e",
                        "tcp.checksum.status",
                        "-e",
                        "udp.checksum.status",
                        "-e",
                        "icmp.checksum.status",
                        "-e",
                        "icmpv6.checksum.status",
                        "-e",
                        "_ws.malformed")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        String[] lines = out.replaceAll("\\n+$", "").split("\n");
        assertEquals(frames.size(), lines.length, out);
        for (int i = 0; i < lines.length; i++) {
            String[] fields = lines[i].split("\t", -1);
            int good = 0;
            for (int c = 0; c < 5; c++) {
                assertTrue(fields[c].isEmpty() || fields[c].equals("1"), "frame " + (i + 1) + ": " + lines[i]);
                good += fields[c].equals("1") ? 1 : 0;
            }
            // IPv4 frames: IP + transport checksums; IPv6 (also behind extension headers): the transport checksum.
            assertEquals(i % 9 < 3 ? 2 : 1, good, "frame " + (i + 1) + ": " + lines[i]);
            assertTrue(fields.length < 6 || fields[5].isEmpty(), "malformed frame " + (i + 1));
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
