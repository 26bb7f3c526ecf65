package io.npflua.engine.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.pcap.CaptureFiles.Frame;
import io.npflua.engine.pcap.CaptureFiles.Pcapng;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PcapReaderTest {
    @TempDir
    Path dir;

    private static final List<Frame> FRAMES = CaptureFiles.sampleFrames();

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"LITTLE_ENDIAN, false", "LITTLE_ENDIAN, true", "BIG_ENDIAN, false", "BIG_ENDIAN, true"})
    void shouldReadClassicPcapInBothByteOrdersAndPrecisions(String order, boolean nanos) throws IOException {
        ByteOrder byteOrder = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        Path file = write(CaptureFiles.classic(byteOrder, nanos, 65535, LinkType.ETHERNET, FRAMES));
        try (PcapReader reader = PcapReader.open(file)) {
            assertEquals(CaptureFormat.PCAP, reader.format());
            assertEquals(byteOrder, reader.byteOrder());
            assertEquals(
                    nanos ? TimestampPrecision.NANOSECONDS : TimestampPrecision.MICROSECONDS,
                    reader.timestampPrecision());
            assertEquals(LinkType.ETHERNET, reader.linkType());
            assertEquals(65535, reader.snapLength());
            assertRecords(reader, FRAMES, nanos ? 1 : 1000);
            assertEquals(-1, reader.truncatedTailOffset());
            assertEquals(0, reader.skippedRecords());
        }
    }

    @Test
    void shouldDescribeEachRecordWithoutAllocatingANewFlyweight() throws IOException {
        Path file = write(CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, true, 0, LinkType.ETHERNET, FRAMES));
        try (PcapReader reader = PcapReader.open(file)) {
            PcapRecord first = reader.record();
            assertTrue(reader.next());
            assertEquals(24, first.recordOffset());
            assertEquals(40, first.dataOffset());
            assertEquals(1, first.frameNumber());
            assertTrue(reader.next());
            assertEquals(first, reader.record());
            assertEquals(2, first.frameNumber());
            assertEquals(40 + FRAMES.get(0).bytes().length + 16, first.dataOffset());
        }
    }

    @ParameterizedTest(name = "linktype {0}")
    @CsvSource({"1, EN10MB", "113, LINUX_SLL", "101, RAW", "276, LINUX_SLL2", "147, LINKTYPE 147"})
    void shouldReportTheLinkTypeSoTheEngineCanRefuseIt(int linkType, String name) throws IOException {
        Path file = write(CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 0, linkType, FRAMES));
        try (PcapReader reader = PcapReader.open(file)) {
            assertEquals(linkType, reader.linkType());
            assertEquals(name, LinkType.name(reader.linkType()));
            assertTrue(reader.next());
            assertEquals(linkType, reader.record().linkType());
        }
    }

    @Test
    void shouldRejectAFileWithAWrongMagicNamingTheFileAndOffset() throws IOException {
        byte[] bytes = CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 0, 1, FRAMES);
        bytes[0] = 0x12;
        Path file = write(bytes);
        PcapFormatException e = assertThrows(PcapFormatException.class, () -> PcapReader.open(file));
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().startsWith(file + ": byte offset 0: not a pcap or pcapng file"), e.getMessage());
    }

    @Test
    void shouldRejectAnEmptyFileAndATruncatedHeader() throws IOException {
        Path empty = write(new byte[0]);
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapReader.open(empty))
                .getMessage()
                .contains("0 bytes long"));
        byte[] header = Arrays.copyOf(CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 0, 1, FRAMES), 20);
        Path shortFile = write(header);
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapReader.open(shortFile))
                .getMessage()
                .contains("file header truncated"));
    }

    @Test
    void shouldRejectAnUnsupportedVersionAndTheModifiedFormat() throws IOException {
        byte[] bytes = CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 0, 1, FRAMES);
        bytes[4] = 3;
        Path file = write(bytes);
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapReader.open(file))
                .getMessage()
                .contains("unsupported pcap version 3"));
        byte[] modified = CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 0, 1, FRAMES);
        MemorySegment.ofArray(modified)
                .set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, 0xa1b2cd34);
        Path modifiedFile = write(modified);
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapReader.open(modifiedFile))
                .getMessage()
                .contains("modified pcap"));
    }

    @Test
    void shouldFailWithTheRecordOffsetWhenACapturedLengthIsAbsurd() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 0, 1, FRAMES.subList(0, 1)));
        long badOffset = out.size();
        out.writeBytes(CaptureFiles.classicRecord(ByteOrder.LITTLE_ENDIAN, false, 0, 300_000, 300_000));
        out.writeBytes(new byte[400_000]);
        Path file = write(out.toByteArray());
        try (PcapReader reader = PcapReader.open(file)) {
            assertTrue(reader.next());
            PcapFormatException e = assertThrows(PcapFormatException.class, reader::next);
            assertEquals(badOffset, e.offset());
            assertEquals(
                    file + ": byte offset " + badOffset + ": record captured length 300000 exceeds the 262144-byte"
                            + " maximum; the file is corrupt from here",
                    e.getMessage());
        }
    }

    @Test
    void shouldDeliverEverythingBeforeATruncatedLastRecordAndReportWhereItStarts() throws IOException {
        byte[] whole = CaptureFiles.classic(ByteOrder.BIG_ENDIAN, false, 0, 1, FRAMES);
        int lastRecord = whole.length - FRAMES.get(4).bytes().length - 16;
        for (int cut : new int[] {lastRecord + 5, lastRecord + 16, whole.length - 1}) {
            Path file = write(Arrays.copyOf(whole, cut));
            try (PcapReader reader = PcapReader.open(file)) {
                assertRecords(reader, FRAMES.subList(0, 4), 1000);
                assertEquals(lastRecord, reader.truncatedTailOffset(), "cut at " + cut);
            }
        }
    }

    @Test
    void shouldSkipAndCountRecordsWithUnusableLengthsAndKeepFrameNumbers() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, true, 100, 1, List.of()));
        byte[] small = new byte[60];
        // 1: fine; 2: zero-length capture; 3: caplen > wire length; 4: caplen > snap length; 5: fine
        out.writeBytes(CaptureFiles.classicRecord(ByteOrder.LITTLE_ENDIAN, true, 1, 60, 60));
        out.writeBytes(small);
        long zeroAt = out.size();
        out.writeBytes(CaptureFiles.classicRecord(ByteOrder.LITTLE_ENDIAN, true, 2, 0, 60));
        out.writeBytes(CaptureFiles.classicRecord(ByteOrder.LITTLE_ENDIAN, true, 3, 60, 59));
        out.writeBytes(small);
        out.writeBytes(CaptureFiles.classicRecord(ByteOrder.LITTLE_ENDIAN, true, 4, 101, 101));
        out.writeBytes(new byte[101]);
        out.writeBytes(CaptureFiles.classicRecord(ByteOrder.LITTLE_ENDIAN, true, 5, 60, 1514));
        out.writeBytes(small);
        Path file = write(out.toByteArray());
        try (PcapReader reader = PcapReader.open(file)) {
            assertTrue(reader.next());
            assertEquals(1, reader.record().frameNumber());
            assertTrue(reader.next());
            assertEquals(5, reader.record().frameNumber());
            assertEquals(5, reader.record().timestampNs());
            assertEquals(1514, reader.record().wireLength());
            assertFalse(reader.next());
            assertEquals(3, reader.skippedRecords());
            assertEquals(
                    file + ": byte offset " + zeroAt + ": record has a captured length of 0 (no frame bytes)",
                    reader.firstSkipReason());
        }
    }

    @Test
    void shouldRewindForRepeatedRuns() throws IOException {
        Path file = write(CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 0, 1, FRAMES));
        try (PcapReader reader = PcapReader.open(file)) {
            for (int pass = 0; pass < 3; pass++) {
                assertRecords(reader, FRAMES, 1000);
                reader.rewind();
            }
        }
    }

    @Test
    void shouldDeliverAtMostLimitRecordsPerDutyCycle() throws IOException {
        Path file = write(CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 0, 1, FRAMES));
        try (PcapReader reader = PcapReader.open(file)) {
            List<Long> seen = new ArrayList<>();
            PcapRecordHandler handler = r -> seen.add(r.frameNumber());
            assertEquals(2, reader.read(handler, 2));
            assertEquals(2, reader.read(handler, 2));
            assertEquals(1, reader.read(handler, 2));
            assertEquals(0, reader.read(handler, 2));
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seen);
        }
    }

    @Test
    void shouldReadACaptureHeldInMemory() throws IOException {
        byte[] bytes = CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, true, 0, 1, FRAMES);
        try (PcapReader reader = PcapReader.of(MemorySegment.ofArray(bytes), "demo.pcap")) {
            assertEquals("demo.pcap", reader.source());
            assertRecords(reader, FRAMES, 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"LITTLE_ENDIAN", "BIG_ENDIAN"})
    void shouldReadPcapngWithSeveralInterfacesResolutionsAndBlockKinds(String order) throws IOException {
        ByteOrder byteOrder = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        byte[] a = FRAMES.get(0).bytes();
        byte[] b = FRAMES.get(1).bytes();
        long ns = 1_768_471_200_123_456_789L;
        byte[] file = new Pcapng()
                .section(byteOrder)
                .interfaceBlock(LinkType.ETHERNET, 0, 9, 0) // if 0: nanoseconds
                .interfaceBlock(LinkType.LINUX_SLL, 0, -1, 0) // if 1: default microseconds
                .interfaceBlock(LinkType.ETHERNET, 0, 0x80 | 20, 100) // if 2: 2^-20 s, +100 s offset
                .enhanced(0, ns, a.length, a.length + 4, a)
                .unknown(5, 20) // interface statistics: skipped
                .enhanced(1, ns / 1000, b.length, b.length, b)
                .enhanced(2, (5L << 20) | (1L << 19), a.length, a.length, a)
                .simple(a.length, a)
                .bytes();
        try (PcapReader reader = PcapReader.of(MemorySegment.ofArray(file), "ng")) {
            assertEquals(CaptureFormat.PCAPNG, reader.format());
            assertEquals(byteOrder, reader.byteOrder());
            assertEquals(LinkType.ETHERNET, reader.linkType());
            assertEquals(TimestampPrecision.NANOSECONDS, reader.timestampPrecision());
            assertEquals(3, reader.interfaceCount());

            assertTrue(reader.next());
            PcapRecord r = reader.record();
            assertEquals(ns, r.timestampNs());
            assertEquals(a.length + 4, r.wireLength());
            assertEquals(0, r.interfaceIndex());
            assertArrayEquals(a, r.asSlice().toArray(ValueLayout.JAVA_BYTE));

            assertTrue(reader.next());
            assertEquals(ns / 1000 * 1000, r.timestampNs());
            assertEquals(1, r.interfaceIndex());
            assertEquals(LinkType.LINUX_SLL, r.linkType());
            assertArrayEquals(b, r.asSlice().toArray(ValueLayout.JAVA_BYTE));

            assertTrue(reader.next());
            assertEquals(105_500_000_000L, r.timestampNs());
            assertEquals(2, r.interfaceIndex());

            assertTrue(reader.next());
            assertEquals(0, r.timestampNs());
            assertEquals(4, r.frameNumber());
            assertArrayEquals(a, r.asSlice().toArray(ValueLayout.JAVA_BYTE));
            assertFalse(reader.next());
            assertEquals(0, reader.skippedRecords());
        }
    }

    @Test
    void shouldForgetInterfacesAtANewSectionAndFollowItsByteOrder() throws IOException {
        byte[] a = FRAMES.get(0).bytes();
        byte[] file = new Pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0, 9, 0)
                .enhanced(0, 7, a.length, a.length, a)
                .section(ByteOrder.BIG_ENDIAN)
                .enhanced(0, 8, a.length, a.length, a) // no interface yet in this section: skipped
                .interfaceBlock(LinkType.RAW, 0, 6, 0)
                .enhanced(0, 9, a.length, a.length, a)
                .bytes();
        try (PcapReader reader = PcapReader.of(MemorySegment.ofArray(file), "ng")) {
            assertTrue(reader.next());
            assertEquals(7, reader.record().timestampNs());
            assertTrue(reader.next());
            assertEquals(3, reader.record().frameNumber());
            assertEquals(9000, reader.record().timestampNs());
            assertEquals(LinkType.RAW, reader.record().linkType());
            assertEquals(ByteOrder.BIG_ENDIAN, reader.byteOrder());
            assertFalse(reader.next());
            assertEquals(1, reader.skippedRecords());
            assertTrue(reader.firstSkipReason().contains("names interface 0 but the section has 0"));
        }
    }

    @Test
    void shouldRejectAPcapngBlockWhoseTrailerDisagreesWithItsHeader() throws IOException {
        byte[] a = FRAMES.get(0).bytes();
        byte[] file = new Pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(1, 0, 9, 0)
                .enhanced(0, 7, a.length, a.length, a)
                .bytes();
        file[file.length - 4] ^= 4;
        try (PcapReader reader = PcapReader.of(MemorySegment.ofArray(file), "ng")) {
            PcapFormatException e = assertThrows(PcapFormatException.class, reader::next);
            assertTrue(e.getMessage().contains("differs from the length"), e.getMessage());
        }
    }

    @Test
    void shouldRejectAPcapngFileWithABadByteOrderMagic() {
        byte[] file = new Pcapng().section(ByteOrder.LITTLE_ENDIAN).bytes();
        file[8] = 0;
        PcapFormatException e =
                assertThrows(PcapFormatException.class, () -> PcapReader.of(MemorySegment.ofArray(file), "ng"));
        assertEquals(8, e.offset());
    }

    @Test
    void shouldSkipAPcapngPacketClaimingMoreBytesThanItsBlockHolds() throws IOException {
        byte[] a = FRAMES.get(0).bytes();
        byte[] file = new Pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(1, 0, 9, 0)
                .enhanced(0, 7, a.length + 100, a.length + 100, a)
                .enhanced(0, 8, a.length, a.length, a)
                .bytes();
        try (PcapReader reader = PcapReader.of(MemorySegment.ofArray(file), "ng")) {
            assertTrue(reader.next());
            assertEquals(8, reader.record().timestampNs());
            assertEquals(2, reader.record().frameNumber());
            assertEquals(1, reader.skippedRecords());
        }
    }

    @Test
    void shouldConvertPcapngTimestampResolutions() {
        assertEquals(1_500_000_000L, PcapReader.toNanos(1_500_000, 6));
        assertEquals(1_500_000_000L, PcapReader.toNanos(1_500_000_000L, 9));
        assertEquals(1_500_000_000L, PcapReader.toNanos(1_500_000_000_000L, 12));
        assertEquals(1_500_000_000L, PcapReader.toNanos(3L << 29, 0x80 | 30));
        assertEquals(2_000_000_000L, PcapReader.toNanos(2, 0x80));
        // 2^-40 s units: 1 s and a half expressed in 40 fractional bits
        assertEquals(1_500_000_000L, PcapReader.toNanos((1L << 40) | (1L << 39), 0x80 | 40));
    }

    /**
     * Mutates valid classic and pcapng files at random: the reader may deliver records, skip them or fail with a
     * {@link PcapFormatException}, but every record it delivers lies inside the file and nothing else is thrown.
     */
    @Test
    void shouldNeverDescribeBytesOutsideTheFileWhateverTheDamage() {
        byte[] a = FRAMES.get(2).bytes();
        byte[] classic = CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, false, 1000, 1, FRAMES);
        byte[] ng = new Pcapng()
                .section(ByteOrder.BIG_ENDIAN)
                .interfaceBlock(1, 0, 9, 0)
                .enhanced(0, 7, a.length, a.length, a)
                .simple(a.length, a)
                .unknown(5, 8)
                .enhanced(0, 9, a.length, a.length, a)
                .bytes();
        SplittableRandom random = new SplittableRandom(20261125);
        int errors = 0;
        int delivered = 0;
        for (int round = 0; round < 4000; round++) {
            byte[] bytes = (round % 2 == 0 ? classic : ng).clone();
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                int at = random.nextInt(bytes.length);
                bytes[at] = (byte) (random.nextBoolean() ? random.nextInt(256) : bytes[at] ^ (1 << random.nextInt(8)));
            }
            if (random.nextInt(4) == 0) {
                bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
            }
            try (PcapReader reader = PcapReader.of(MemorySegment.ofArray(bytes), "fuzz")) {
                while (reader.next()) {
                    PcapRecord r = reader.record();
                    assertTrue(
                            r.capturedLength() > 0
                                    && r.dataOffset() >= 0
                                    && r.dataOffset() + r.capturedLength() <= bytes.length,
                            r.toString());
                    assertTrue(r.wireLength() >= r.capturedLength(), r.toString());
                    delivered++;
                }
            } catch (PcapFormatException e) {
                assertTrue(e.getMessage().startsWith("fuzz: byte offset "), e.getMessage());
                errors++;
            }
        }
        assertTrue(errors > 0 && delivered > 0, "errors " + errors + ", delivered " + delivered);
    }

    private static void assertRecords(PcapReader reader, List<Frame> expected, long resolutionNs)
            throws PcapFormatException {
        PcapRecord r = reader.record();
        for (int i = 0; i < expected.size(); i++) {
            Frame f = expected.get(i);
            assertTrue(reader.next(), "record " + (i + 1));
            assertEquals(i + 1, r.frameNumber());
            assertEquals(f.timestampNs() / resolutionNs * resolutionNs, r.timestampNs());
            assertEquals(f.bytes().length, r.capturedLength());
            assertEquals(f.wireLength(), r.wireLength());
            assertEquals(0, r.interfaceIndex());
            assertArrayEquals(f.bytes(), r.asSlice().toArray(ValueLayout.JAVA_BYTE));
        }
        assertFalse(reader.next());
        assertNull(reader.firstSkipReason());
    }

    private Path write(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(dir, "capture", ".pcap");
        Files.write(file, bytes);
        return file;
    }
}
