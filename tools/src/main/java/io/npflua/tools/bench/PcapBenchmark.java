package io.npflua.tools.bench;

import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.pcap.PcapFormatException;
import io.npflua.engine.pcap.PcapReader;
import io.npflua.engine.pcap.PcapRecord;
import io.npflua.engine.pcap.PcapWriter;
import io.npflua.engine.pcap.TimestampPrecision;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Cost of the offline source: walking the records of a mapped capture file (classic pcap and pcapng) with the
 * flyweight reader, and appending a frame to a pcap output. Both must show 0 B/op with {@code -prof gc}.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar tools/target/npflua-benchmarks.jar PcapBenchmark \
 *     -f 1 -wi 3 -w 1 -i 3 -r 1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PcapBenchmark {
    /** Records per file; the walk benchmarks report per record. */
    static final int RECORDS = 10_000;

    /** A mapped file of {@link #RECORDS} frames of mixed sizes (60 to 1514 bytes). */
    @State(Scope.Thread)
    public static class MappedFile {
        @Param({"pcap", "pcapng"})
        public String format;

        Path file;
        PcapReader reader;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            file = Files.createTempFile("npflua-bench", "." + format);
            byte[][] frames = frames();
            if (format.equals("pcap")) {
                try (PcapWriter writer = PcapWriter.builder(file)
                        .precision(TimestampPrecision.NANOSECONDS)
                        .open()) {
                    for (int i = 0; i < RECORDS; i++) {
                        writer.write(1_768_471_200_000_000_000L + i * 1000L, frames[i % frames.length]);
                    }
                }
            } else {
                writePcapng(file, frames);
            }
            reader = PcapReader.open(file);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            reader.close();
            Files.deleteIfExists(file);
        }
    }

    /** A writer to /dev/null and a frame held in native memory, as a ring slot would be. */
    @State(Scope.Thread)
    public static class Output {
        @Param({"64", "1514"})
        public int frameLength;

        PcapWriter writer;
        MemorySegment frame;
        long timestampNs = 1_768_471_200_000_000_000L;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            writer = PcapWriter.builder(Path.of("/dev/null")).open();
            frame = Arena.ofAuto().allocate(frameLength);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            writer.close();
        }
    }

    /** Walks every record (header checks, timestamp conversion, flyweight update); per record. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long walkRecords(MappedFile state) throws PcapFormatException {
        PcapReader reader = state.reader;
        reader.rewind();
        PcapRecord record = reader.record();
        long sum = 0;
        while (reader.next()) {
            sum += record.capturedLength() + record.timestampNs();
        }
        return sum;
    }

    /** Walks every record and reads its EtherType from the mapping, as a consumer does; per record. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long walkRecordsReadingEtherType(MappedFile state) throws PcapFormatException {
        PcapReader reader = state.reader;
        reader.rewind();
        PcapRecord record = reader.record();
        MemorySegment segment = reader.segment();
        long sum = 0;
        while (reader.next()) {
            sum += segment.get(ValueLayout.JAVA_SHORT_UNALIGNED, record.dataOffset() + 12);
        }
        return sum;
    }

    /** Appends one frame from native memory to a pcap output (buffer copy; a write(2) per MiB). */
    @Benchmark
    public long writeRecord(Output state) throws IOException {
        state.writer.write(state.timestampNs++, state.frameLength, state.frame, 0, state.frameLength);
        return state.timestampNs;
    }

    private static byte[][] frames() {
        int[] payloadSizes = {0, 21, 160, 512, 1400, 1460};
        byte[][] frames = new byte[payloadSizes.length][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                    .ipv4("198.18.0.1", "198.18.1.1")
                    .tcp(40000, 22, i, 0, FrameBuilder.TCP_ACK)
                    .payload(new byte[payloadSizes[i]])
                    .padToMinimum(true)
                    .build();
        }
        return frames;
    }

    /** pcapng: one SHB, one IDB (nanosecond if_tsresol), then enhanced packet blocks. */
    private static void writePcapng(Path file, byte[][] frames) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0x0A0D0D0A)
                    .putInt(28)
                    .putInt(0x1A2B3C4D)
                    .putShort((short) 1)
                    .putShort((short) 0)
                    .putLong(-1)
                    .putInt(28);
            b.putInt(1)
                    .putInt(32)
                    .putShort((short) 1)
                    .putShort((short) 0)
                    .putInt(0)
                    .putShort((short) 9)
                    .putShort((short) 1)
                    .put((byte) 9)
                    .put(new byte[3])
                    .putInt(0)
                    .putInt(32);
            for (int i = 0; i < RECORDS; i++) {
                byte[] f = frames[i % frames.length];
                int padded = (f.length + 3) & ~3;
                int length = 32 + padded;
                if (b.remaining() < length) {
                    b.flip();
                    out.write(b);
                    b.clear();
                }
                long ts = 1_768_471_200_000_000_000L + i * 1000L;
                b.putInt(6)
                        .putInt(length)
                        .putInt(0)
                        .putInt((int) (ts >>> 32))
                        .putInt((int) ts)
                        .putInt(f.length)
                        .putInt(f.length)
                        .put(f)
                        .put(new byte[padded - f.length])
                        .putInt(length);
            }
            b.flip();
            out.write(b);
        }
    }
}
