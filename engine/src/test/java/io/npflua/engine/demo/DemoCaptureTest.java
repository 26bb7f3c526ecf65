package io.npflua.engine.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.npflua.engine.demo.DemoCaptureGenerator.DemoFrame;
import io.npflua.engine.pcap.LinkType;
import io.npflua.engine.pcap.PcapReader;
import io.npflua.engine.pcap.TimestampPrecision;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled demo capture is what the generator makes, and the golden verdicts computed by lua5.4
 * (tools/reference) block exactly the frames the generator meant to be blocked: the OpenSSH_6.4 banners for the
 * SSH script and the RTP packets of payload type 34 for the RTP script. Regenerating one without the other fails
 * here.
 */
class DemoCaptureTest {
    private static final String RESOURCE = "/io/npflua/engine/demo/demo.pcap";
    /** What the SSH script's pattern 'SSH%-[^-%G]+%-([^-%G]+)' means: %G is any non-graphic byte. */
    private static final Pattern SSH_VERSION = Pattern.compile("SSH-[!-,.-~]+-([!-,.-~]+)");

    @TempDir
    Path dir;

    @Test
    void shouldBundleExactlyWhatTheGeneratorMakes() throws IOException {
        Path fresh = dir.resolve("demo.pcap");
        List<DemoFrame> frames = DemoCaptureGenerator.frames();
        DemoCaptureGenerator.write(fresh, frames);
        assertArrayEquals(
                Files.readAllBytes(fresh),
                resource(RESOURCE),
                "demo.pcap is stale: regenerate it (see DemoCaptureGenerator) and the golden verdicts");
        assertEquals(
                DemoCaptureGenerator.index(frames),
                new String(resource("/io/npflua/engine/demo/demo.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadTheBundledCaptureFromTheClasspath() throws IOException {
        try (PcapReader reader = PcapReader.of(MemorySegment.ofArray(resource(RESOURCE)), "demo.pcap")) {
            assertEquals(LinkType.ETHERNET, reader.linkType());
            assertEquals(TimestampPrecision.MICROSECONDS, reader.timestampPrecision());
            int count = 0;
            while (reader.next()) {
                count++;
            }
            assertEquals(DemoCaptureGenerator.frames().size(), count);
            assertEquals(0, reader.skippedRecords());
        }
    }

    @Test
    void shouldHaveGoldenSshVerdictsThatBlockExactlyTheOpenSsh64Banners() throws IOException {
        List<byte[]> frames = readFrames();
        TreeSet<Integer> expected = new TreeSet<>();
        for (int i = 0; i < frames.size(); i++) {
            Matcher m = SSH_VERSION.matcher(new String(frames.get(i), StandardCharsets.ISO_8859_1));
            if (m.find() && m.group(1).equals("OpenSSH_6.4")) {
                expected.add(i + 1);
            }
        }
        assertEquals(List.of(4, 44, 58), List.copyOf(expected), "OpenSSH_6.4 banners: SSH-2.0, SSH-1.99, IPv6");
        assertEquals(expected, intended(true));
        assertEquals(expected, golden("/golden/demo-ssh.verdicts", frames.size()));
    }

    @Test
    void shouldHaveGoldenRtpVerdictsThatBlockExactlyThePayloadType34Packets() throws IOException {
        List<byte[]> frames = readFrames();
        TreeSet<Integer> expected = new TreeSet<>();
        for (int i = 0; i < frames.size(); i++) {
            byte[] payload = udpPayload(frames.get(i));
            if (payload != null && payload.length >= 2 && (payload[0] & 0xC0) == 0x80 && (payload[1] & 0x7F) == 34) {
                expected.add(i + 1);
            }
        }
        assertEquals(6, expected.size(), "4 untagged, one in 802.1Q, one in 802.1ad: " + expected);
        assertEquals(expected, intended(false));
        assertEquals(expected, golden("/golden/demo-rtp.verdicts", frames.size()));
    }

    @Test
    void shouldHaveOnlyValidChecksumsAccordingToTshark() throws Exception {
        assumeTrue(onPath("tshark"), "tshark is not installed (apt-get install tshark); skipping");
        Path file = dir.resolve("demo.pcap");
        Files.write(file, resource(RESOURCE));
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
        assertEquals(DemoCaptureGenerator.frames().size(), lines.length);
        for (int i = 0; i < lines.length; i++) {
            String[] fields = lines[i].split("\t", -1);
            boolean anyGood = false;
            for (int c = 0; c < 5; c++) {
                assertTrue(fields[c].isEmpty() || fields[c].equals("1"), "frame " + (i + 1) + ": " + lines[i]);
                anyGood |= fields[c].equals("1");
            }
            assertTrue(anyGood, "frame " + (i + 1) + " has no checked checksum: " + lines[i]);
            assertTrue(fields.length < 6 || fields[5].isEmpty(), "malformed frame " + (i + 1));
        }
    }

    private static TreeSet<Integer> intended(boolean ssh) {
        TreeSet<Integer> blocked = new TreeSet<>();
        List<DemoFrame> frames = DemoCaptureGenerator.frames();
        for (int i = 0; i < frames.size(); i++) {
            if (ssh ? frames.get(i).sshBlocked() : frames.get(i).rtpBlocked()) {
                blocked.add(i + 1);
            }
        }
        return blocked;
    }

    /** Reads a golden verdict file, checking it has one line per frame in order; returns the blocked frames. */
    private static TreeSet<Integer> golden(String name, int frameCount) throws IOException {
        TreeSet<Integer> blocked = new TreeSet<>();
        int line = 0;
        for (String l : new String(resource(name), StandardCharsets.UTF_8).split("\n")) {
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            line++;
            String[] parts = l.trim().split(" ");
            assertEquals(2, parts.length, name + ": " + l);
            assertEquals(line, Integer.parseInt(parts[0]), name + ": frame numbers must run 1..n");
            assertTrue(parts[1].equals("pass") || parts[1].equals("block"), name + ": " + l);
            if (parts[1].equals("block")) {
                blocked.add(line);
            }
        }
        assertEquals(frameCount, line, name + ": one verdict per frame of the demo capture");
        return blocked;
    }

    private static List<byte[]> readFrames() throws IOException {
        List<byte[]> frames = new ArrayList<>();
        try (PcapReader reader = PcapReader.of(MemorySegment.ofArray(resource(RESOURCE)), "demo.pcap")) {
            while (reader.next()) {
                frames.add(reader.record().asSlice().toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return frames;
    }

    /** The UDP payload of an Ethernet frame (any number of 802.1Q/802.1ad tags, IPv4 or IPv6), or null. */
    private static byte[] udpPayload(byte[] f) {
        int at = 12;
        int type = u16(f, at);
        while (type == 0x8100 || type == 0x88A8) {
            at += 4;
            type = u16(f, at);
        }
        int ip = at + 2;
        int l4;
        int protocol;
        if (type == 0x0800) {
            l4 = ip + (f[ip] & 0x0F) * 4;
            protocol = f[ip + 9] & 0xFF;
        } else if (type == 0x86DD) {
            l4 = ip + 40;
            protocol = f[ip + 6] & 0xFF;
        } else {
            return null;
        }
        if (protocol != 17) {
            return null;
        }
        int length = u16(f, l4 + 4);
        byte[] payload = new byte[length - 8];
        System.arraycopy(f, l4 + 8, payload, 0, payload.length);
        return payload;
    }

    private static int u16(byte[] f, int at) {
        return (f[at] & 0xFF) << 8 | (f[at + 1] & 0xFF);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DemoCaptureTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name + " is not on the classpath");
            return in.readAllBytes();
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
