package io.npflua.engine.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.pcap.CaptureFiles.Frame;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapWriterTest {
    @TempDir
    Path dir;

    @Test
    void shouldWriteTheSameBytesAsTheReferenceLayout() throws IOException {
        List<Frame> frames = CaptureFiles.sampleFrames();
        Path file = dir.resolve("out.pcap");
        try (PcapWriter writer = PcapWriter.builder(file)
                .snapLength(65535)
                .byteOrder(ByteOrder.BIG_ENDIAN)
                .precision(TimestampPrecision.NANOSECONDS)
                .open()) {
            for (Frame f : frames) {
                writer.write(f.timestampNs(), f.bytes());
            }
            assertEquals(frames.size(), writer.recordsWritten());
        }
        assertArrayEquals(
                CaptureFiles.classic(ByteOrder.BIG_ENDIAN, true, 65535, LinkType.ETHERNET, frames),
                Files.readAllBytes(file));
    }

    @Test
    void shouldTruncateFramesToTheSnapLengthAndKeepTheWireLength() throws IOException {
        byte[] frame = new byte[1500];
        Arrays.fill(frame, (byte) 0x5a);
        Path file = dir.resolve("snap.pcap");
        try (PcapWriter writer = PcapWriter.builder(file).snapLength(96).open()) {
            writer.write(1_000_000_000L, 1514, MemorySegment.ofArray(frame), 0, frame.length);
        }
        try (PcapReader reader = PcapReader.open(file)) {
            assertEquals(96, reader.snapLength());
            assertTrue(reader.next());
            assertEquals(96, reader.record().capturedLength());
            assertEquals(1514, reader.record().wireLength());
            assertEquals(1_000_000_000L, reader.record().timestampNs());
        }
    }

    @Test
    void shouldRoundNanosecondsDownToMicrosecondsByDefault() throws IOException {
        Path file = dir.resolve("micro.pcap");
        try (PcapWriter writer = PcapWriter.create(file)) {
            writer.write(1_768_471_200_123_456_789L, new byte[60]);
        }
        try (PcapReader reader = PcapReader.open(file)) {
            assertEquals(TimestampPrecision.MICROSECONDS, reader.timestampPrecision());
            assertEquals(ByteOrder.nativeOrder(), reader.byteOrder());
            assertTrue(reader.next());
            assertEquals(1_768_471_200_123_456_000L, reader.record().timestampNs());
        }
    }

    @Test
    void shouldWriteFromAnOffsetInsideALargerSegment() throws IOException {
        byte[] ring = new byte[4096];
        for (int i = 0; i < ring.length; i++) {
            ring[i] = (byte) i;
        }
        Path file = dir.resolve("slice.pcap");
        try (PcapWriter writer = PcapWriter.create(file)) {
            writer.write(5_000, 200, MemorySegment.ofArray(ring), 1000, 100);
        }
        try (PcapReader reader = PcapReader.open(file)) {
            assertTrue(reader.next());
            assertArrayEquals(
                    Arrays.copyOfRange(ring, 1000, 1100),
                    reader.record().asSlice().toArray(ValueLayout.JAVA_BYTE));
            assertEquals(200, reader.record().wireLength());
        }
    }

    @Test
    void shouldKeepEveryRecordWhenTheBufferFillsOften() throws IOException {
        Path file = dir.resolve("small-buffer.pcap");
        int records = 500;
        try (PcapWriter writer =
                PcapWriter.builder(file).bufferSize(64).snapLength(200).open()) {
            for (int i = 0; i < records; i++) {
                byte[] frame = new byte[60 + i % 140];
                frame[0] = (byte) i;
                writer.write(i * 1000L, frame);
            }
        }
        try (PcapReader reader = PcapReader.open(file)) {
            for (int i = 0; i < records; i++) {
                assertTrue(reader.next());
                assertEquals(60 + i % 140, reader.record().capturedLength());
                assertEquals(
                        (byte) i,
                        reader.record()
                                .segment()
                                .get(ValueLayout.JAVA_BYTE, reader.record().dataOffset()));
            }
            assertFalse(reader.next());
        }
    }

    @Test
    void shouldKeepEveryRecordAndEachWorkersOrderWhenWorkersShareAWriter() throws Exception {
        Path file = dir.resolve("shared.pcap");
        int workers = 4;
        int perWorker = 3000;
        try (PcapWriter writer = PcapWriter.builder(file).bufferSize(8192).open()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                Thread t = new Thread(() -> {
                    MemorySegment frame = MemorySegment.ofArray(new byte[64]);
                    try {
                        start.await();
                        for (int i = 0; i < perWorker; i++) {
                            frame.set(ValueLayout.JAVA_INT_UNALIGNED, 0, worker);
                            frame.set(ValueLayout.JAVA_INT_UNALIGNED, 4, i);
                            writer.write(i, 64, frame, 0, 64);
                        }
                    } catch (Exception e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                });
                t.start();
                threads.add(t);
            }
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(List.of(), failures);
        }
        int[] next = new int[workers];
        try (PcapReader reader = PcapReader.open(file)) {
            while (reader.next()) {
                PcapRecord r = reader.record();
                int worker = r.segment().get(ValueLayout.JAVA_INT_UNALIGNED, r.dataOffset());
                int sequence = r.segment().get(ValueLayout.JAVA_INT_UNALIGNED, r.dataOffset() + 4);
                assertEquals(next[worker]++, sequence, "worker " + worker);
            }
        }
        for (int w = 0; w < workers; w++) {
            assertEquals(perWorker, next[w]);
        }
    }

    @Test
    void shouldRefuseRecordsThatCannotBeRight() throws IOException {
        PcapWriter writer = PcapWriter.create(dir.resolve("bad.pcap"));
        MemorySegment frame = MemorySegment.ofArray(new byte[100]);
        assertThrows(IllegalArgumentException.class, () -> writer.write(0, 99, frame, 0, 100));
        assertThrows(IllegalArgumentException.class, () -> writer.write(0, 100, frame, 0, 0));
        writer.close();
        writer.close();
        IOException e = assertThrows(IOException.class, () -> writer.write(0, 100, frame, 0, 100));
        assertTrue(e.getMessage().contains("closed"));
        assertThrows(
                IllegalArgumentException.class,
                () -> PcapWriter.builder(dir.resolve("x")).snapLength(0));
    }
}
