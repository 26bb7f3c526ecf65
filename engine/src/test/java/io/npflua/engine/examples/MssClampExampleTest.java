package io.npflua.engine.examples;

import static io.npflua.engine.frames.FrameBuilder.TCP_ACK;
import static io.npflua.engine.frames.FrameBuilder.TCP_PSH;
import static io.npflua.engine.frames.FrameBuilder.TCP_SYN;
import static io.npflua.lua.sandbox.CallOutcome.PASS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.pcap.PcapReader;
import io.npflua.engine.pcap.PcapWriter;
import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.ScriptState;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/mss-clamp.lua (MAX_MSS 1360) in inline mode: writable frames go through the script and out to a pcap
 * file. Each output frame must equal, byte for byte, what {@link FrameBuilder} builds with the clamped option
 * (so the checksums are the builder's, computed independently of the script's {@code pkt:checksum()}), and
 * tshark must read the clamped MSS with good checksums.
 */
class MssClampExampleTest {
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    private record Case(String what, byte[] in, byte[] expected, String tsharkMss) {}

    private static FrameBuilder v4(int flags, String optionsHex) {
        return FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("198.18.0.10", "198.18.0.20")
                .ipId(7)
                .tcp(40000, 443, 1000, flags == TCP_SYN ? 0 : 1, flags)
                .tcpOptions(HEX.parseHex(optionsHex));
    }

    private static Case clamped(String what, FrameBuilder b, String before, String after) {
        byte[] in = b.tcpOptions(HEX.parseHex(before)).build();
        return new Case(what, in, b.tcpOptions(HEX.parseHex(after)).build(), "1360");
    }

    private static Case unchanged(String what, byte[] frame, String tsharkMss) {
        return new Case(what, frame, frame, tsharkMss);
    }

    private static List<Case> cases() {
        // MSS 1460, SACK permitted, timestamps, NOP, window scale 7: what Linux sends in a SYN.
        String linux = "020405b4" + "0402" + "080a0000000100000000" + "01" + "030307";
        String linuxClamped = "02040550" + "0402" + "080a0000000100000000" + "01" + "030307";
        List<Case> cases = new ArrayList<>();
        cases.add(clamped("IPv4 SYN, MSS 1460 first", v4(TCP_SYN, ""), linux, linuxClamped));
        cases.add(clamped(
                "IPv6 SYN/ACK, MSS 8960 (jumbo)",
                FrameBuilder.ethernet("02:00:00:00:00:02", "02:00:00:00:00:01")
                        .ipv6("2001:db8::20", "2001:db8::10")
                        .tcp(443, 40000, 5000, 1001, TCP_SYN | TCP_ACK),
                "02042300" + "0402",
                "02040550" + "0402"));
        cases.add(clamped(
                "802.1Q SYN, MSS after NOPs and window scale",
                FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                        .vlan(42)
                        .ipv4("198.18.0.10", "198.18.0.20")
                        .tcp(40001, 22, 1, 0, TCP_SYN),
                "0101" + "030307" + "020405dc",
                "0101" + "030307" + "02040550"));
        cases.add(
                unchanged("SYN, MSS 1200 already below", v4(TCP_SYN, "020404b0").build(), "1200"));
        cases.add(unchanged("SYN, MSS exactly 1360", v4(TCP_SYN, "02040550").build(), "1360"));
        cases.add(unchanged(
                "SYN, option of length 0 before the MSS (malformed: walk stops)",
                v4(TCP_SYN, "0800" + "020405b4").build(),
                null));
        cases.add(unchanged(
                "SYN, option running past the header (malformed: walk stops)",
                v4(TCP_SYN, "0101" + "1e0a" + "020405b4").build(),
                null));
        cases.add(unchanged(
                "SYN, end-of-list before an MSS",
                v4(TCP_SYN, "00000000" + "020405b4").build(),
                null));
        cases.add(unchanged(
                "data segment (no SYN) carrying an MSS option",
                v4(TCP_ACK | TCP_PSH, "020405b4").payload("data").build(),
                "1460"));
        cases.add(unchanged("SYN without options", v4(TCP_SYN, "").build(), ""));
        cases.add(unchanged(
                "UDP",
                FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                        .ipv4("198.18.0.10", "198.18.0.20")
                        .udp(5000, 5001)
                        .payload("x")
                        .build(),
                ""));
        return cases;
    }

    @Test
    void shouldClampTheMssOfSynSegmentsAndRecomputeTheChecksums() throws Exception {
        List<Case> cases = cases();
        Scenario s = new Scenario();
        for (int i = 0; i < cases.size(); i++) {
            s.at(i, cases.get(i).in(), PASS, cases.get(i).what());
        }
        Path out = dir.resolve("clamped.pcap");
        ExampleRunner runner = new ExampleRunner();
        ScriptState script = runner.load("mss-clamp.lua");
        List<CallOutcome> outcomes;
        try (PcapWriter writer = PcapWriter.create(out)) {
            outcomes = runner.replay(s.write(dir.resolve("syn.pcap")), true, writer, script);
        }
        assertEquals(s.expected(), s.lines(outcomes), script.lastError());

        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        try (PcapReader reader = PcapReader.open(out)) {
            for (Case c : cases) {
                expected.add(c.what() + ": " + HEX.formatHex(c.expected()));
                actual.add(c.what() + ": "
                        + (reader.next()
                                ? HEX.formatHex(
                                        reader.record().asSlice().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                                : "(missing)"));
            }
        }
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }

    @Test
    void shouldFailOnlyTheFramesItWouldRewriteWhenRunInTapMode() throws Exception {
        List<Case> cases = cases();
        Scenario s = new Scenario();
        for (int i = 0; i < cases.size(); i++) {
            boolean rewrites = cases.get(i).in() != cases.get(i).expected();
            s.at(
                    i,
                    cases.get(i).in(),
                    rewrites ? CallOutcome.LUA_ERROR : PASS,
                    cases.get(i).what());
        }
        ExampleRunner runner = new ExampleRunner();
        ScriptState script = runner.load("mss-clamp.lua");
        assertEquals(s.expected(), s.lines(runner.replay(s.write(dir.resolve("syn.pcap")), script)));
        assertTrue(script.lastError().contains("packet data is read-only in tap mode"), script.lastError());
    }

    @Test
    void shouldWriteFramesThatTsharkReadsWithTheClampedMssAndGoodChecksums() throws Exception {
        assumeTrue(onPath("tshark"), "tshark is not installed (apt-get install tshark); skipping");
        List<Case> cases = cases();
        Scenario s = new Scenario();
        for (int i = 0; i < cases.size(); i++) {
            s.at(i, cases.get(i).in(), PASS, cases.get(i).what());
        }
        Path out = dir.resolve("clamped.pcap");
        ExampleRunner runner = new ExampleRunner();
        try (PcapWriter writer = PcapWriter.create(out)) {
            runner.replay(s.write(dir.resolve("syn.pcap")), true, writer, runner.load("mss-clamp.lua"));
        }
        Process p = new ProcessBuilder(
                        "tshark",
                        "-r",
                        out.toString(),
                        "-o",
                        "tcp.check_checksum:TRUE",
                        "-o",
                        "ip.check_checksum:TRUE",
                        "-T",
                        "fields",
                        "-E",
                        "occurrence=f",
                        "-e",
                        "tcp.options.mss_val",
                        "-e",
                        "tcp.checksum.status",
                        "-e",
                        "ip.checksum.status")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String[] lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n");
        assertEquals(0, p.waitFor());
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            boolean tcp = !c.what().equals("UDP");
            boolean ipv4 = !c.what().startsWith("IPv6");
            String[] f = (i < lines.length ? lines[i] : "").split("\t", -1);
            // Malformed option lists: tshark's reading of them is its own business; the checksums still count.
            String mss = c.tsharkMss() == null ? "-" : c.tsharkMss();
            expected.add(c.what() + ": mss " + mss + ", tcp " + (tcp ? "1" : "") + ", ip " + (ipv4 ? "1" : ""));
            actual.add(c.what() + ": mss " + (c.tsharkMss() == null ? "-" : field(f, 0)) + ", tcp " + field(f, 1)
                    + ", ip " + field(f, 2));
        }
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }

    private static String field(String[] fields, int i) {
        return i < fields.length ? fields[i] : "";
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
