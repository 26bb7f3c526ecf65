package io.npflua.engine.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.npflua.engine.frames.FrameBuilder;
import java.io.File;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our files read by the real tshark and tcpdump, and files written by tcpdump, editcap and tshark read by us.
 * Skipped with a visible reason where the tools are not installed (CI installs them: .ci/run).
 */
class ToolInteropTest {
    @TempDir
    Path dir;

    /** Expected frames: timestamps with all nine digits used, one frame longer than the snap length. */
    private static final long[] TIMESTAMPS_NS = {
        1_768_471_200_000_000_001L,
        1_768_471_200_123_456_789L,
        1_768_471_201_999_999_999L,
        946_684_800_000_001_000L,
        // the last second tcpdump converts (it prints "[Error converting time]" beyond a signed 32-bit time)
        2_147_483_647_999_999_999L
    };

    private static final int SNAP_LENGTH = 256;

    @BeforeAll
    static void requireTools() {
        assumeTrue(onPath("tshark"), "tshark is not installed (apt-get install tshark); skipping interop tests");
        assumeTrue(onPath("tcpdump"), "tcpdump is not installed (apt-get install tcpdump); skipping interop tests");
        assumeTrue(onPath("editcap"), "editcap is not installed (apt-get install tshark); skipping interop tests");
    }

    private static List<byte[]> frames() {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < TIMESTAMPS_NS.length; i++) {
            frames.add(FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                    .ipv4("198.18.0.1", "198.18.1.1")
                    .udp(4000 + i, 9)
                    .payload(new byte[i * 200])
                    .padToMinimum(true)
                    .build());
        }
        return frames;
    }

    private Path writeOurs(String name, TimestampPrecision precision, ByteOrder order) throws IOException {
        Path file = dir.resolve(name);
        List<byte[]> frames = frames();
        try (PcapWriter writer = PcapWriter.builder(file)
                .precision(precision)
                .byteOrder(order)
                .snapLength(SNAP_LENGTH)
                .open()) {
            for (int i = 0; i < frames.size(); i++) {
                byte[] f = frames.get(i);
                writer.write(TIMESTAMPS_NS[i], f.length, MemorySegment.ofArray(f), 0, f.length);
            }
        }
        return file;
    }

    private static long expectedNs(int i, TimestampPrecision precision) {
        return precision == TimestampPrecision.NANOSECONDS ? TIMESTAMPS_NS[i] : TIMESTAMPS_NS[i] / 1000 * 1000;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "MICROSECONDS, LITTLE_ENDIAN",
        "NANOSECONDS, LITTLE_ENDIAN",
        "MICROSECONDS, BIG_ENDIAN",
        "NANOSECONDS, BIG_ENDIAN"
    })
    void shouldWriteFilesTsharkReadsWithExactTimestampsAndLengths(TimestampPrecision precision, String order)
            throws Exception {
        Path file = writeOurs("ours.pcap", precision, byteOrder(order));
        List<String> lines = run(
                "tshark",
                "-r",
                file.toString(),
                "-T",
                "fields",
                "-e",
                "frame.len",
                "-e",
                "frame.cap_len",
                "-e",
                "frame.time_epoch");
        List<byte[]> frames = frames();
        assertEquals(frames.size(), lines.size(), String.join("\n", lines));
        for (int i = 0; i < frames.size(); i++) {
            String[] fields = lines.get(i).split("\t");
            assertEquals(frames.get(i).length, Integer.parseInt(fields[0]), "frame.len of " + (i + 1));
            assertEquals(
                    Math.min(frames.get(i).length, SNAP_LENGTH),
                    Integer.parseInt(fields[1]),
                    "frame.cap_len of " + (i + 1));
            assertEquals(
                    BigDecimal.valueOf(expectedNs(i, precision), 9),
                    new BigDecimal(fields[2]),
                    "frame.time_epoch of " + (i + 1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"MICROSECONDS", "NANOSECONDS"})
    void shouldWriteFilesTcpdumpReadsWithExactTimestampsAndWireLengths(TimestampPrecision precision) throws Exception {
        Path file = writeOurs("ours.pcap", precision, ByteOrder.LITTLE_ENDIAN);
        List<String> lines = run("tcpdump", "-r", file.toString(), "-nn", "-tt", "-e", "--time-stamp-precision=nano");
        List<byte[]> frames = frames();
        assertEquals(frames.size(), lines.size(), String.join("\n", lines));
        Pattern line = Pattern.compile("^(\\d+\\.\\d{9}) .*?, length (\\d+): .*");
        for (int i = 0; i < frames.size(); i++) {
            Matcher m = line.matcher(lines.get(i));
            assertTrue(m.matches(), lines.get(i));
            assertEquals(BigDecimal.valueOf(expectedNs(i, precision), 9), new BigDecimal(m.group(1)));
            assertEquals(frames.get(i).length, Integer.parseInt(m.group(2)));
        }
    }

    @Test
    void shouldReadFilesWrittenByTcpdumpEditcapAndTshark() throws Exception {
        Path ours = writeOurs("ours.pcap", TimestampPrecision.NANOSECONDS, ByteOrder.BIG_ENDIAN);
        Path tcpdumpMicro = dir.resolve("tcpdump.pcap");
        run("tcpdump", "-r", ours.toString(), "-w", tcpdumpMicro.toString());
        Path tcpdumpNano = dir.resolve("tcpdump-nano.pcap");
        run("tcpdump", "-r", ours.toString(), "--time-stamp-precision=nano", "-w", tcpdumpNano.toString());
        Path editcapNano = dir.resolve("editcap-nano.pcap");
        run("editcap", "-F", "nsecpcap", ours.toString(), editcapNano.toString());
        Path editcapNg = dir.resolve("editcap.pcapng");
        run("editcap", "-F", "pcapng", ours.toString(), editcapNg.toString());
        Path tsharkNg = dir.resolve("tshark.pcapng");
        run("tshark", "-r", ours.toString(), "-w", tsharkNg.toString());
        Path tsharkMicro = dir.resolve("tshark-micro.pcap");
        run("tshark", "-r", ours.toString(), "-F", "pcap", "-w", tsharkMicro.toString());

        assertSameFrames(tcpdumpMicro, CaptureFormat.PCAP, TimestampPrecision.MICROSECONDS);
        assertSameFrames(tcpdumpNano, CaptureFormat.PCAP, TimestampPrecision.NANOSECONDS);
        assertSameFrames(editcapNano, CaptureFormat.PCAP, TimestampPrecision.NANOSECONDS);
        assertSameFrames(editcapNg, CaptureFormat.PCAPNG, TimestampPrecision.NANOSECONDS);
        assertSameFrames(tsharkNg, CaptureFormat.PCAPNG, TimestampPrecision.NANOSECONDS);
        assertSameFrames(tsharkMicro, CaptureFormat.PCAP, TimestampPrecision.MICROSECONDS);
    }

    private static void assertSameFrames(Path file, CaptureFormat format, TimestampPrecision precision)
            throws IOException {
        List<byte[]> frames = frames();
        try (PcapReader reader = PcapReader.open(file)) {
            assertEquals(format, reader.format(), file.toString());
            assertEquals(LinkType.ETHERNET, reader.linkType(), file.toString());
            assertEquals(precision, reader.timestampPrecision(), file.toString());
            for (int i = 0; i < frames.size(); i++) {
                assertTrue(reader.next(), file + " record " + (i + 1));
                PcapRecord r = reader.record();
                byte[] f = frames.get(i);
                int captured = Math.min(f.length, SNAP_LENGTH);
                assertEquals(expectedNs(i, precision), r.timestampNs(), file + " record " + (i + 1));
                assertEquals(f.length, r.wireLength(), file + " record " + (i + 1));
                assertEquals(captured, r.capturedLength(), file + " record " + (i + 1));
                assertArrayEquals(
                        java.util.Arrays.copyOf(f, captured), r.asSlice().toArray(ValueLayout.JAVA_BYTE));
            }
            assertFalse(reader.next());
            assertEquals(0, reader.skippedRecords());
        }
    }

    private static ByteOrder byteOrder(String name) {
        return name.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a tool, fails the test on a non-zero exit, returns its non-empty stdout lines. */
    static List<String> run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        int status = p.waitFor();
        assertEquals(0, status, String.join(" ", command) + " failed: " + new String(err, StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (String l : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (!l.isBlank()) {
                lines.add(l);
            }
        }
        return lines;
    }
}
