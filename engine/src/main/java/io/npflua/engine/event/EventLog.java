package io.npflua.engine.event;

import io.npflua.engine.agent.Agent;
import io.npflua.engine.agent.AgentRunner;
import io.npflua.engine.agent.AgentTerminationException;
import io.npflua.engine.agent.BackoffIdleStrategy;
import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.SnapshotJson;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.json.Json;
import io.npflua.engine.source.Frame;
import io.npflua.engine.source.SourceFailedException;
import io.npflua.lua.sandbox.AlertSink;
import io.npflua.lua.sandbox.CallOutcome;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;

/**
 * The event log: one JSON object per line (eve.json's shape, see {@code docs/events.md}) for each blocked frame,
 * alert and script error, plus periodic {@code stats} records. Workers hand events over through their own
 * {@link EventRing} ({@link #producer(int)}); one writer ({@code npflua-events}, an {@link Agent} run by an
 * {@link AgentRunner}) formats them with Jackson and writes them, so no worker ever formats, writes or waits.
 *
 * <p>The writer survives a full disk (the failed batch is cut off the file again, counted as {@code events_lost} and
 * reported, and writing resumes when there is room) and a deleted or renamed file: once a second, and at once after
 * {@link #reopen()}, it compares the file it has open with what the path names now and opens the path anew when they
 * differ (logrotate's {@code create} mode needs no signal; {@code reopen} serves its {@code postrotate}). A path that
 * cannot be opened again is reported; while it still names the open file, writing goes on there, else the events are
 * counted as lost and the path is tried again every second.
 * {@link #close()} writes every event still queued and flushes.
 *
 * <p>Anything else the writer meets (a bug, an output that throws what it should not) kills its thread: the runner
 * counts the death ({@link #writerRestarts()}), reports it once per cause and runs the writer again on a fresh thread,
 * which goes on with the next events; the batch in hand is counted as lost. After {@value #MAX_RESTARTS} deaths in a
 * row without an event written in between the runner gives up: the queues then fill and their events are counted as
 * dropped, and those still queued at {@link #close()} as lost.
 */
public final class EventLog implements AutoCloseable {
    private static final long CHECK_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int BATCH = 256;
    /** Deaths of the writer in a row (without an event written between them) after which it stays down. */
    static final int MAX_RESTARTS = 10;

    private static final EventType[] TYPES = EventType.values();
    /** Opaque access to the shared clock word: written by the writer, read by every producer. */
    static final VarHandle CLOCK = MethodHandles.arrayElementVarHandle(long[].class);
    /** The clock word's index in its padded array. */
    static final int CLOCK_INDEX = 7;

    private final EventLogOptions options;
    private final EventRing[] rings;
    private final EventProducer[] producers;
    private final ErrorHandler errors;
    private final EventFormat format = new EventFormat(ZoneId.systemDefault());
    private final Buffer buffer = new Buffer();
    /** Per event type: records of the batch being written (the writer's; counted once the batch is written). */
    private final long[] formattedByType = new long[TYPES.length];
    /**
     * System.nanoTime() as of the writer's last turn (at most 8 ms old while it runs; set at construction and at
     * {@link #start()}): the producers' clock for the rate limit, word {@link #CLOCK_INDEX}, padded by 56 bytes on
     * each side so that no other data shares its cache line (the writer's store invalidates only this word's line).
     */
    private final long[] clock = new long[2 * CLOCK_INDEX + 1];

    private final EventOutput output;

    private WorkerCounters[] counters;
    private AgentRunner writer;
    /** Set by {@link #close()}: the writer writes what is queued, then ends. */
    private volatile boolean stopping;

    private volatile boolean reopenRequested;
    private volatile long reopens;
    /** Deaths of the writer's thread: written by the dying thread (deaths come one after the other). */
    private volatile long writerRestarts;

    private FileChannel channel;
    private Object fileKey;
    private long nextCheckNs;
    private long nextStatsNs;
    private long lastReportNs = Long.MIN_VALUE / 2;
    private long unreported;
    private long discards;

    /** An event log for {@code workers} workers; reports its write failures to {@code errors}. Opens nothing yet. */
    public EventLog(EventLogOptions options, int workers, ErrorHandler errors) {
        this(options, workers, errors, EventOutput.FILES);
    }

    /** The same, writing through {@code output} (tests: an output that fails on demand). */
    EventLog(EventLogOptions options, int workers, ErrorHandler errors, EventOutput output) {
        this.options = Objects.requireNonNull(options);
        this.errors = Objects.requireNonNull(errors);
        this.output = Objects.requireNonNull(output);
        this.rings = new EventRing[workers];
        this.producers = new EventProducer[workers];
        CLOCK.setOpaque(clock, CLOCK_INDEX, System.nanoTime());
        double perWorker = options.ratePerSecond() / workers;
        int burst = Math.max(1, (options.burst() + workers - 1) / workers);
        for (int w = 0; w < workers; w++) {
            rings[w] = new EventRing(options.queueSlots());
            producers[w] = new EventProducer(rings[w], w, perWorker, burst, clock);
        }
    }

    /** What this log was made with. */
    public EventLogOptions options() {
        return options;
    }

    /** Number of workers it serves. */
    public int workers() {
        return rings.length;
    }

    /** Worker {@code w}'s producer (its thread only). */
    public EventProducer producer(int w) {
        return producers[w];
    }

    /** The sink for {@code alert} of rule {@code script} in worker {@code w}'s state. */
    public AlertSink alertSink(int w, String script) {
        return producers[w].alertSink(script);
    }

    /**
     * {@code handler}, plus a {@code script_error} record for each rule failure it is told about (on the worker's
     * thread, about the frame that worker has in hand).
     */
    public ErrorHandler wrap(ErrorHandler handler) {
        return new ErrorHandler() {
            @Override
            public void onRuleError(int worker, String rule, CallOutcome kind, String message, long suppressed) {
                handler.onRuleError(worker, rule, kind, message, suppressed);
                if (worker >= 0 && worker < producers.length) {
                    producers[worker].scriptError(rule, kind, message, suppressed);
                }
            }

            @Override
            public void onWorkerError(int worker, String what, Throwable cause, boolean restarting) {
                handler.onWorkerError(worker, what, cause, restarting);
            }

            @Override
            public void onSourceError(int worker, String source, SourceFailedException error) {
                handler.onSourceError(worker, source, error);
            }
        };
    }

    /** Gives the producers the workers' counters (the engine's); before the workers run. */
    public void attach(WorkerCounters[] perWorker) {
        if (perWorker.length != rings.length) {
            throw new IllegalArgumentException("event log for " + rings.length + " workers, got " + perWorker.length);
        }
        this.counters = perWorker.clone();
        for (int w = 0; w < rings.length; w++) {
            producers[w].attach(perWorker[w]);
        }
    }

    /** Opens the file (throws with the reason when it cannot) and starts the writer thread. */
    public synchronized void start() throws IOException {
        if (counters == null) {
            throw new IllegalStateException("attach the workers' counters first");
        }
        if (writer != null) {
            throw new IllegalStateException("event log already started");
        }
        open();
        warmFormatting();
        CLOCK.setOpaque(clock, CLOCK_INDEX, System.nanoTime());
        nextCheckNs = System.nanoTime() + CHECK_INTERVAL_NS;
        nextStatsNs = options.statsIntervalNs() > 0 ? System.nanoTime() + options.statsIntervalNs() : Long.MAX_VALUE;
        // Idle: parks of 1 to 8 ms (doubling), so that a quiet log costs the workers' cores next to nothing; events
        // wait at most that long in the queue, and the producers' clock is at most that old.
        writer = new AgentRunner(
                new Writer(),
                new BackoffIdleStrategy(0, 0, 1_000_000, 8_000_000),
                errors,
                -1,
                MAX_RESTARTS,
                () -> writerRestarts++,
                "event log writer");
        writer.start();
    }

    /**
     * Formats one throwaway drop record (and empties the batch again), so that the formatting code (Jackson, the record
     * layouts, the header parser) is loaded at start-up and not by the first event: that took the writer thread 40 ms
     * of class loading in the middle of a run, on a core the workers may need (a 1 M-frame replay with the log was a
     * third slower than without it for that alone). Writes nothing and counts nothing.
     */
    private void warmFormatting() {
        byte[] bytes = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("198.18.0.1", "198.18.0.2")
                .tcp(40000, 22, 1, 1, FrameBuilder.TCP_ACK)
                .payload(new byte[16])
                .build();
        try (Arena arena = Arena.ofConfined()) {
            // Native, as the rings' frames are: the copy into the slot sees the kind of memory it always sees.
            MemorySegment s = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
            Frame frame = new Frame().wrap(s, 0, bytes.length, bytes.length, false, Frame.NO_HEADER);
            EventRing scratch = new EventRing(2);
            EventProducer p = new EventProducer(scratch, 0, 1, 1, clock);
            p.attach(new WorkerCounters());
            p.blocked(frame, "warm-up", 1, null, CallOutcome.BLOCK);
            if (scratch.ready() > 0) {
                // Straight to the record's format (not format(), which would report a failure as lost events).
                try (JsonGenerator g = Json.FACTORY.createGenerator(ObjectWriteContext.empty(), buffer)) {
                    format.write(g, scratch, scratch.oldest(), 0);
                } finally {
                    scratch.release();
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // Only a warm-up: the first real record will load what this could not, and say so if it fails.
        } finally {
            buffer.reset();
        }
    }

    /** Asks the writer to open the file anew (after logrotate moved it); returns at once. */
    public void reopen() {
        reopenRequested = true;
        AgentRunner r = writer;
        if (r != null) {
            r.wake();
        }
    }

    /** Times the writer opened the file anew (for tests and reports). */
    public long reopens() {
        return reopens;
    }

    /**
     * Times the writer's thread died from something it did not expect (each death is counted; the runner reports it
     * and runs the writer again, up to {@value #MAX_RESTARTS} times in a row). Any thread.
     */
    public long writerRestarts() {
        return writerRestarts;
    }

    /**
     * Gives back every slot worker {@code w} has queued without formatting or writing it: the consumer's half of the
     * hand-off alone, for benchmarks of the producer (a log that was never started). Like the writer, it refreshes
     * the producers' clock, here once every 256 calls. Returns how many slots it took.
     */
    public int discard(int w) {
        return takeWithoutWriting(w, false);
    }

    /**
     * {@link #discard}, formatting each event as the writer would and throwing the lines away: a JIT warm-up's log
     * (never started) so that the writer's formatting is compiled before the real run, where it would otherwise be
     * interpreted and compiled on a core the workers need. The producers' clock moves on every call (as on every turn
     * of a writer), so that the rate limit lets events through again and their records carry the number suppressed.
     * A record that cannot be formatted is counted lost and reported, as the writer does.
     */
    public int formatAndDiscard(int w) {
        return takeWithoutWriting(w, true);
    }

    /** Bytes of the lines {@link #formatAndDiscard} formatted and threw away (tests). */
    long discardedLineBytes() {
        return discardedLineBytes;
    }

    private long discardedLineBytes;

    private int takeWithoutWriting(int w, boolean formatting) {
        if (writer != null) {
            throw new IllegalStateException("the writer thread owns the queues");
        }
        if (formatting || (++discards & 255) == 0) {
            CLOCK.setOpaque(clock, CLOCK_INDEX, System.nanoTime());
        }
        EventRing r = rings[w];
        int n = 0;
        while (r.ready() > 0) {
            if (formatting) {
                format(r, w);
                discardedLineBytes += buffer.size();
                buffer.reset();
            } else {
                r.release();
            }
            n++;
        }
        return n;
    }

    /**
     * Writes every queued event, flushes and closes the file; call after the workers stopped. Idempotent. When the
     * writer had given up (or does not end within 30 s), the events still queued are counted as lost.
     */
    @Override
    public synchronized void close() {
        AgentRunner r = writer;
        if (r == null) {
            return;
        }
        stopping = true;
        r.wake();
        boolean ended = false;
        try {
            ended = r.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ended) {
            // The writer's thread is gone (joined): its queues and the lost counters are this thread's now.
            for (int w = 0; w < rings.length; w++) {
                EventRing ring = rings[w];
                while (ring.ready() > 0) {
                    counters[w].increment(ring.type[ring.oldest()].lost);
                    ring.release();
                }
            }
        } else {
            r.requestStop();
            errors.onWorkerError(-1, "event log writer did not stop within 30 s", null, false);
        }
        writer = null;
    }

    /**
     * The writer's duty cycle: drain every worker's queue (a batch each), refresh the producers' clock, write a stats
     * record when due, follow a moved file; ends (after a last empty turn) once {@link #close()} asked.
     */
    private final class Writer implements Agent {
        @Override
        public int doWork() {
            boolean last = stopping; // read first: every event queued before close() is drained below
            int n = 0;
            for (int w = 0; w < rings.length; w++) {
                n += drain(w);
            }
            long now = System.nanoTime();
            CLOCK.setOpaque(clock, CLOCK_INDEX, now);
            if (now >= nextStatsNs) {
                nextStatsNs = now + options.statsIntervalNs();
                writeStats();
            }
            if (reopenRequested || now >= nextCheckNs) {
                nextCheckNs = now + CHECK_INTERVAL_NS;
                boolean asked = reopenRequested;
                reopenRequested = false;
                if (asked || channel == null || moved()) {
                    reopenQuietly();
                }
            }
            if (last && n == 0) {
                throw new AgentTerminationException();
            }
            return n;
        }

        @Override
        public void onClose(boolean failed) {
            closeChannel();
        }

        @Override
        public String roleName() {
            return "npflua-events";
        }
    }

    /**
     * Formats and writes up to {@link #BATCH} events of worker {@code w}; returns how many it took. Each event taken
     * is counted once, written or lost, whatever is thrown on the way.
     */
    private int drain(int w) {
        EventRing r = rings[w];
        long ready = Math.min(r.ready(), BATCH);
        if (ready == 0) {
            return 0;
        }
        buffer.reset();
        long[] formatted = formattedByType;
        Arrays.fill(formatted, 0);
        boolean written = false;
        try {
            for (long k = 0; k < ready; k++) {
                format(r, w);
            }
            written = buffer.size() > 0 && write(buffer.array(), buffer.size());
        } finally {
            for (EventType type : TYPES) {
                long n = formatted[type.ordinal()];
                if (n > 0) {
                    counters[w].add(written ? type.written : type.lost, n);
                }
            }
        }
        return (int) ready;
    }

    /** Appends the oldest event of {@code r} to the batch as one line and gives its slot back. */
    private void format(EventRing r, int w) {
        int s = r.oldest();
        EventType type = r.type[s];
        int start = buffer.size();
        boolean done = false;
        try {
            try (JsonGenerator g = Json.FACTORY.createGenerator(ObjectWriteContext.empty(), buffer)) {
                format.write(g, r, s, w);
            }
            buffer.write('\n');
            formattedByType[type.ordinal()]++;
            done = true;
        } catch (RuntimeException e) {
            // A bug in formatting one record (its strings cannot make Jackson refuse it: Utf8Text): that record is
            // lost, counted and reported, the others go on.
            report("a record could not be formatted", e);
        } finally {
            if (!done) {
                buffer.truncate(start);
                counters[w].increment(type.lost);
            }
            r.release();
        }
    }

    private void writeStats() {
        buffer.reset();
        try (JsonGenerator g = Json.FACTORY.createGenerator(ObjectWriteContext.empty(), buffer)) {
            g.writeStartObject();
            g.writeStringProperty("timestamp", format.timestamp(System.currentTimeMillis() * 1_000_000L));
            g.writeStringProperty("event_type", "stats");
            g.writeName("stats");
            g.writeStartObject();
            for (WorkerCounter c : WorkerCounter.values()) {
                if (c.total()) {
                    long sum = 0;
                    for (WorkerCounters wc : counters) {
                        sum += wc.get(c);
                    }
                    g.writeNumberProperty(c.json(), sum);
                }
            }
            g.writeNumberProperty(SnapshotJson.EVENTS_WRITER_RESTARTS, writerRestarts);
            g.writeEndObject();
            g.writeEndObject();
        }
        buffer.write('\n');
        write(buffer.array(), buffer.size());
    }

    /**
     * Writes {@code n} bytes; on failure (or whatever is thrown) cuts the file back to where it was (no half line
     * stays behind); reports an I/O error at most every 10 s and returns false.
     */
    private boolean write(byte[] bytes, int n) {
        FileChannel c = channel;
        if (c == null) {
            report("no file open", null);
            return false;
        }
        long before = -1;
        boolean done = false;
        try {
            before = options.path() == null ? -1 : c.size();
            ByteBuffer b = ByteBuffer.wrap(bytes, 0, n);
            while (b.hasRemaining()) {
                c.write(b);
            }
            done = true;
            return true;
        } catch (IOException e) {
            report("write failed", e);
            return false;
        } finally {
            if (!done && before >= 0) {
                try {
                    c.truncate(before);
                } catch (IOException | RuntimeException ignored) {
                    // The next successful batch still starts on a new line: records end with their newline.
                }
            }
        }
    }

    /** The writer's reused output buffer, cut back when a record fails half-way. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(1 << 16);
        }

        byte[] array() {
            return buf;
        }

        void truncate(int size) {
            count = size;
        }
    }

    /** Reports a failure that loses events (at most every 10 s; the failures in between are counted in the next). */
    private void report(String what, Exception e) {
        unreported++;
        report(
                what + "; events are dropped and counted as events_lost (" + unreported
                        + " failed writes since the last report)",
                e,
                true);
    }

    private void report(String message, Exception e, boolean losing) {
        long now = System.nanoTime();
        if (now - lastReportNs < REPORT_INTERVAL_NS) {
            return;
        }
        lastReportNs = now;
        String where =
                options.path() == null ? "standard output" : options.path().toString();
        errors.onWorkerError(-1, "event log " + where + ": " + message, e, false);
        if (losing) {
            unreported = 0;
        }
    }

    private void open() throws IOException {
        Path p = options.path();
        if (p == null) {
            channel = new FileOutputStream(FileDescriptor.out).getChannel();
            return;
        }
        channel = output.open(p);
        fileKey = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    }

    /** True when the path no longer names the file we have open (moved away, deleted, replaced). */
    private boolean moved() {
        Path p = options.path();
        if (p == null) {
            return false;
        }
        try {
            return !Objects.equals(
                    Files.readAttributes(p, BasicFileAttributes.class).fileKey(), fileKey);
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Opens the path anew and only then closes the file it had. When the path cannot be opened: if it still names the
     * file we have open (nothing was moved; e.g. its file system became read-only for new opens), writing goes on
     * there and nothing is lost; otherwise (moved away or deleted) the old file is let go, the events are counted as
     * lost until an open succeeds (retried every second and at each {@link #reopen()}).
     */
    private void reopenQuietly() {
        Path p = options.path();
        if (p == null) {
            return;
        }
        FileChannel next = null;
        try {
            next = output.open(p);
            Object key = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
            closeChannel();
            channel = next;
            fileKey = key;
            reopens++;
        } catch (IOException e) {
            if (next != null) {
                try {
                    next.close();
                } catch (IOException ignored) {
                    // It was never written.
                }
            }
            if (channel != null && !moved()) {
                report(
                        "cannot open the file again; writing on to the file it has open, which the path still names",
                        e,
                        false);
            } else {
                closeChannel();
                report("cannot open the file again", e);
            }
        }
    }

    private void closeChannel() {
        FileChannel c = channel;
        channel = null;
        if (c == null || options.path() == null) {
            return;
        }
        try {
            c.force(false);
        } catch (IOException ignored) {
            // Closing below still hands what was written to the kernel.
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // Nothing to do.
        }
    }
}
