package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.json.Json;
import io.npflua.engine.pcap.PcapReader;
import io.npflua.engine.pcap.PcapWriter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code npflua replay} over damaged captures written by the test (pcap by this build's writer, pcapng byte by byte,
 * then damaged): the good records before the damage go through the script, are counted and written to {@code -w};
 * the damage is one error line after the counters naming the file and byte offset; the exit code is
 * {@link ExitCodes#INPUT_DAMAGED}; no worker dies or restarts, whatever {@code --workers}.
 */
class ReplayDamagedCaptureTest {
    private static final int GOOD = 3;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, {1}, {2} worker(s)")
    @CsvSource({
        "pcap, corrupt, 1",
        "pcap, corrupt, 2",
        "pcap, truncated, 1",
        "pcap, truncated, 2",
        "pcapng, corrupt, 1",
        "pcapng, truncated, 2"
    })
    void shouldProcessTheGoodRecordsThenReportTheDamageOnceAndExitWithItsCode(String format, String damage, int workers)
            throws Exception {
        byte[] good = format.equals("pcap") ? pcap(GOOD) : pcapng(GOOD);
        byte[] bad;
        String problem;
        if (damage.equals("corrupt")) {
            bad = format.equals("pcap")
                    // a record header claiming 2^31 - 1 captured bytes, as in the issue
                    ? ByteBuffer.allocate(16)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .putInt(0)
                            .putInt(0)
                            .putInt(Integer.MAX_VALUE)
                            .putInt(60)
                            .array()
                    // a pcapng block whose length is no multiple of 4
                    : ByteBuffer.allocate(16)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .putInt(6)
                            .putInt(13)
                            .putLong(0)
                            .array();
            problem = format.equals("pcap")
                    ? "record captured length 2147483647 exceeds the 262144-byte maximum; the file is corrupt from here"
                    : "block length 13 is invalid (must be a multiple of 4 between 12 and 16777216); the file is"
                            + " corrupt from here";
        } else {
            // the first 30 bytes of one more record: a capture stopped while it was being written
            byte[] one = format.equals("pcap") ? pcap(1) : pcapng(1);
            int header = format.equals("pcap") ? 24 : 28 + 20;
            bad = Arrays.copyOfRange(one, header, header + 30);
            problem = "truncated dump file: the file ends 30 bytes into the record that starts here (was the capture"
                    + " stopped while it was being written?)";
        }
        Path capture = dir.resolve("damaged." + format);
        byte[] bytes = Arrays.copyOf(good, good.length + bad.length);
        System.arraycopy(bad, 0, bytes, good.length, bad.length);
        Files.write(capture, bytes);
        Path script = Files.writeString(dir.resolve("all.lua"), "function filter(pkt) return true end\n");
        Path passed = dir.resolve("passed.pcap");

        Cli.Result r = Cli.run(
                "replay",
                capture.toString(),
                "-s",
                script.toString(),
                "-w",
                passed.toString(),
                "--workers",
                String.valueOf(workers));

        assertEquals(ExitCodes.INPUT_DAMAGED, r.code(), r.err());
        assertTrue(r.out().startsWith(GOOD + " frames: " + GOOD + " passed, 0 blocked, 0 script errors\n"), r.out());
        assertTrue(r.out().contains("; 0 worker restarts;"), r.out());
        assertEquals(
                List.of("npflua: damaged capture " + capture + ": " + capture + ": byte offset " + good.length
                        + ": " + problem + "; the records before byte offset "
                        + good.length + " went through the scripts and are counted above; none after it was read"),
                r.err().lines().toList(),
                "one line, naming file and offset");
        assertFalse(r.err().contains("worker thread died"), r.err());
        try (PcapReader written = PcapReader.open(passed)) {
            int n = 0;
            while (written.next()) {
                n++;
            }
            assertEquals(GOOD, n, "-w holds the good records");
        }
    }

    @Test
    void shouldPrintTheCountersAsJsonAndStillExitWithTheDamageCode() throws Exception {
        byte[] good = pcap(GOOD);
        Path capture = dir.resolve("cut.pcap");
        Files.write(capture, Arrays.copyOf(good, good.length - 5));
        Path script = Files.writeString(dir.resolve("all.lua"), "function filter(pkt) return true end\n");
        Cli.Result r = Cli.run("replay", capture.toString(), "-s", script.toString(), "--json");
        assertEquals(ExitCodes.INPUT_DAMAGED, r.code(), r.err());
        assertEquals((long) GOOD - 1, Json.parseObject(r.out().trim()).get("frames"), r.out());
        assertTrue(r.err().startsWith("npflua: damaged capture " + capture + ": "), r.err());
        assertTrue(r.err().contains("truncated dump file"), r.err());
    }

    @Test
    void shouldExitZeroOnAnIntactCapture() throws Exception {
        Path capture = dir.resolve("fine.pcap");
        Files.write(capture, pcap(GOOD));
        Path script = Files.writeString(dir.resolve("all.lua"), "function filter(pkt) return true end\n");
        Cli.Result r = Cli.run("replay", capture.toString(), "-s", script.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals("", r.err());
    }

    private static List<byte[]> frames(int n) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            frames.add(Frames.udp4("198.18.0.1", 40_000 + i, "198.18.1.1", 5000, new byte[10 + i]));
        }
        return frames;
    }

    private byte[] pcap(int n) throws Exception {
        Path file = Files.createTempFile(dir, "good", ".pcap");
        try (PcapWriter w = PcapWriter.create(file)) {
            long ts = 1_750_000_000_000_000_000L;
            for (byte[] f : frames(n)) {
                w.write(ts += 1000, f);
            }
        }
        return Files.readAllBytes(file);
    }

    /** pcapng: a section header, one Ethernet interface (no options) and one enhanced packet block per frame. */
    private static byte[] pcapng(int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le(28).putInt(0x0A0D0D0A)
                .putInt(28)
                .putInt(0x1A2B3C4D)
                .putShort((short) 1)
                .putShort((short) 0)
                .putLong(-1)
                .putInt(28)
                .array());
        out.writeBytes(le(20).putInt(1)
                .putInt(20)
                .putShort((short) 1)
                .putShort((short) 0)
                .putInt(262_144)
                .putInt(20)
                .array());
        long us = 1_750_000_000_000_000L;
        for (byte[] f : frames(n)) {
            int padded = (f.length + 3) & ~3;
            int length = 32 + padded;
            us += 1;
            out.writeBytes(le(length)
                    .putInt(6)
                    .putInt(length)
                    .putInt(0)
                    .putInt((int) (us >>> 32))
                    .putInt((int) us)
                    .putInt(f.length)
                    .putInt(f.length)
                    .put(f)
                    .put(new byte[padded - f.length])
                    .putInt(length)
                    .array());
        }
        return out.toByteArray();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
