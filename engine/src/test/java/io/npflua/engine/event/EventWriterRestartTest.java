package io.npflua.engine.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.RecordingErrors;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer runs under an agent runner: an output that throws what no output should (a bug, not an I/O error) kills
 * the writer's thread once; the death is counted and reported, the batch in hand counted as lost with no half line
 * left in the file, and the writer goes on with the next events on a fresh thread.
 */
class EventWriterRestartTest {
    @TempDir
    Path dir;

    private final RecordingErrors errors = new RecordingErrors();

    @Test
    void shouldCountAndReportAWriterDeathAndKeepWritingTheEventsAfterIt() throws Exception {
        Path log = dir.resolve("eve.json");
        EventOutput output = path -> new BrokenOnce(EventOutput.FILES.open(path), "boom");
        EventLog events = new EventLog(EventLogOptions.of(log).withRate(1e12, 1 << 30), 1, errors, output);
        EventFixtures worker = EventFixtures.start(events);
        WorkerCounters counters = worker.counters();
        try {
            worker.produce("ok", 20);
            assertEquals(20, counters.get(WorkerCounter.DROP_EVENTS_WRITTEN));

            worker.produce("boom", 1);
            assertEquals(1, counters.get(WorkerCounter.DROP_EVENTS_LOST), "the batch in hand is lost, and counted");
            // The batch is counted on the way out of the dying thread, the death by the runner just after.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (errors.workerErrors.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "no report of the death");
                Thread.sleep(5);
            }
            assertEquals(1, events.writerRestarts(), "the death is counted");
            assertEquals(
                    List.of("-1:event log writer thread died:java.lang.IllegalStateException: bug in the output:true"),
                    errors.workerErrors);

            worker.produce("ok", 20);
            assertEquals(40, counters.get(WorkerCounter.DROP_EVENTS_WRITTEN), "the writer went on");
        } finally {
            events.close();
        }
        assertEquals(1, events.writerRestarts());
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertEquals(40, lines.size());
        for (String line : lines) {
            assertEquals("ok", ((Map<?, ?>) Json.parseObject(line).get("npflua")).get("reason"), line);
        }
        assertEquals(
                counters.get(WorkerCounter.EVENTS),
                counters.get(WorkerCounter.EVENTS_WRITTEN) + counters.get(WorkerCounter.EVENTS_LOST));
    }

    /**
     * A real file whose first write that contains {@code poison} writes half its bytes and then throws an
     * {@link IllegalStateException}: a bug in an output, which the writer does not expect.
     */
    private static final class BrokenOnce extends FileChannel {
        private final FileChannel file;
        private final byte[] poison;
        private boolean broken;

        BrokenOnce(FileChannel file, String poison) {
            this.file = file;
            this.poison = poison.getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (!broken && contains(src, poison)) {
                broken = true;
                ByteBuffer half = src.slice(src.position(), src.remaining() / 2);
                file.write(half);
                throw new IllegalStateException("bug in the output");
            }
            return file.write(src);
        }

        private static boolean contains(ByteBuffer b, byte[] what) {
            String text = StandardCharsets.US_ASCII.decode(b.duplicate()).toString();
            return text.contains(new String(what, StandardCharsets.US_ASCII));
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            file.force(metaData);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        // Not used by the writer.

        @Override
        public int read(ByteBuffer dst) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(ByteBuffer dst, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }
    }
}
