package io.npflua.engine.event;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.json.Json;
import io.npflua.engine.source.SourceFailedException;
import io.npflua.lua.sandbox.AlertSink;
import io.npflua.lua.sandbox.CallOutcome;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;

/**
 * The event log: one JSON object per line (eve.json's shape, see {@code docs/events.md}) for each blocked frame,
 * alert and script error, plus periodic {@code stats} records. Workers hand events over through their own
 * {@link EventRing} ({@link #producer(int)}); one writer thread ({@code npflua-events}) formats them with Jackson and
 * writes them, so no worker ever formats, writes or waits.
 *
 * <p>The writer survives a full disk (the failed batch is cut off the file again, counted as {@code events_lost} and
 * reported, and writing resumes when there is room) and a deleted or renamed file: once a second, and at once after
 * {@link #reopen()}, it compares the file it has open with what the path names now and opens the path anew when they
 * differ (logrotate's {@code create} mode needs no signal; {@code reopen} serves its {@code postrotate}). {@link #close()}
 * writes every event still queued and flushes.
 */
public final class EventLog implements AutoCloseable {
    private static final long CHECK_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int BATCH = 256;
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

    private WorkerCounters[] counters;
    private Thread writer;
    private volatile boolean running;
    private volatile boolean reopenRequested;
    private volatile long reopens;
    private FileChannel channel;
    private Object fileKey;
    private long nextCheckNs;
    private long nextStatsNs;
    private long lastReportNs = Long.MIN_VALUE / 2;
    private long unreported;
    private int idleTurns;
    private long discards;

    /** An event log for {@code workers} workers; reports its write failures to {@code errors}. Opens nothing yet. */
    public EventLog(EventLogOptions options, int workers, ErrorHandler errors) {
        this.options = Objects.requireNonNull(options);
        this.errors = Objects.requireNonNull(errors);
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
        CLOCK.setOpaque(clock, CLOCK_INDEX, System.nanoTime());
        running = true;
        nextCheckNs = System.nanoTime() + CHECK_INTERVAL_NS;
        nextStatsNs = options.statsIntervalNs() > 0 ? System.nanoTime() + options.statsIntervalNs() : Long.MAX_VALUE;
        writer = new Thread(this::run, "npflua-events");
        writer.setDaemon(true);
        writer.start();
    }

    /** Asks the writer to open the file anew (after logrotate moved it); returns at once. */
    public void reopen() {
        reopenRequested = true;
        Thread t = writer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Times the writer opened the file anew (for tests and reports). */
    public long reopens() {
        return reopens;
    }

    /**
     * Gives back every slot worker {@code w} has queued without formatting or writing it: the consumer's half of the
     * hand-off alone, for benchmarks of the producer (a log that was never started). Like the writer, it refreshes
     * the producers' clock, here once every 256 calls. Returns how many slots it took.
     */
    public int discard(int w) {
        if (writer != null) {
            throw new IllegalStateException("the writer thread owns the queues");
        }
        if ((++discards & 255) == 0) {
            CLOCK.setOpaque(clock, CLOCK_INDEX, System.nanoTime());
        }
        EventRing r = rings[w];
        int n = 0;
        while (r.ready() > 0) {
            r.release();
            n++;
        }
        return n;
    }

    /** Writes every queued event, flushes and closes the file; call after the workers stopped. Idempotent. */
    @Override
    public synchronized void close() {
        Thread t = writer;
        if (t == null) {
            return;
        }
        running = false;
        LockSupport.unpark(t);
        try {
            t.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer = null;
    }

    private void run() {
        try {
            while (true) {
                boolean stopping = !running;
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
                if (stopping && n == 0) {
                    break;
                }
                if (n == 0) {
                    // Idle: sleep longer the longer it stays idle (1 to 8 ms), so that a quiet log costs the
                    // workers' cores next to nothing; events wait at most that long in the queue.
                    idleTurns = Math.min(idleTurns + 1, 8);
                    LockSupport.parkNanos(idleTurns * 1_000_000L);
                } else {
                    idleTurns = 0;
                }
            }
        } catch (RuntimeException | Error e) {
            errors.onWorkerError(-1, "event log writer died", e, false);
        } finally {
            closeChannel();
        }
    }

    /** Formats and writes up to {@link #BATCH} events of worker {@code w}; returns how many it took. */
    private int drain(int w) {
        EventRing r = rings[w];
        long ready = Math.min(r.ready(), BATCH);
        if (ready == 0) {
            return 0;
        }
        buffer.reset();
        long[] formatted = formattedByType;
        Arrays.fill(formatted, 0);
        long any = 0;
        for (long k = 0; k < ready; k++) {
            int s = r.oldest();
            EventType type = r.type[s];
            int start = buffer.size();
            try (JsonGenerator g = Json.FACTORY.createGenerator(ObjectWriteContext.empty(), buffer)) {
                format.write(g, r, s, w);
                g.flush();
                buffer.write('\n');
                formatted[type.ordinal()]++;
                any++;
            } catch (RuntimeException e) {
                // A bug in formatting one record (its strings cannot make Jackson refuse it: Utf8Text): that
                // record is lost, counted and reported, the others go on.
                buffer.truncate(start);
                counters[w].increment(type.lost);
                report("a record could not be formatted", e);
            }
            r.release();
        }
        if (any > 0) {
            boolean ok = write(buffer.array(), buffer.size());
            for (EventType type : TYPES) {
                long n = formatted[type.ordinal()];
                if (n > 0) {
                    counters[w].add(ok ? type.written : type.lost, n);
                }
            }
        }
        return (int) ready;
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
            g.writeEndObject();
            g.writeEndObject();
        }
        buffer.write('\n');
        write(buffer.array(), buffer.size());
    }

    /**
     * Writes {@code n} bytes; on failure cuts the file back to where it was (no half line stays behind), reports at
     * most every 10 s and returns false.
     */
    private boolean write(byte[] bytes, int n) {
        FileChannel c = channel;
        if (c == null) {
            report("no file open", null);
            return false;
        }
        long before = -1;
        try {
            before = options.path() == null ? -1 : c.size();
            ByteBuffer b = ByteBuffer.wrap(bytes, 0, n);
            while (b.hasRemaining()) {
                c.write(b);
            }
            return true;
        } catch (IOException e) {
            if (before >= 0) {
                try {
                    c.truncate(before);
                } catch (IOException ignored) {
                    // The next successful batch still starts on a new line: records end with their newline.
                }
            }
            report("write failed", e);
            return false;
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

    private void report(String what, Exception e) {
        long now = System.nanoTime();
        unreported++;
        if (now - lastReportNs < REPORT_INTERVAL_NS) {
            return;
        }
        lastReportNs = now;
        String where =
                options.path() == null ? "standard output" : options.path().toString();
        errors.onWorkerError(
                -1,
                "event log " + where + ": " + what + "; events are dropped and counted as events_lost (" + unreported
                        + " failed writes since the last report)",
                e,
                false);
        unreported = 0;
    }

    private void open() throws IOException {
        Path p = options.path();
        if (p == null) {
            channel = new FileOutputStream(FileDescriptor.out).getChannel();
            return;
        }
        channel = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
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

    private void reopenQuietly() {
        if (options.path() == null) {
            return;
        }
        closeChannel();
        try {
            open();
            reopens++;
        } catch (IOException e) {
            channel = null;
            report("cannot open the file again", e);
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
