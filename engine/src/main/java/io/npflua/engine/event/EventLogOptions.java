package io.npflua.engine.event;

import java.nio.file.Path;

/**
 * How the event log is written.
 *
 * @param path            the log file, or null for standard output ({@code -} on the command line)
 * @param ratePerSecond   events a second allowed per script and event type, over all workers
 *                        (default {@value #DEFAULT_RATE})
 * @param burst           events allowed at once above the rate, per script and type (default {@value #DEFAULT_BURST})
 * @param queueSlots      slots of each worker's queue to the writer, a power of two (default {@value #DEFAULT_SLOTS})
 * @param statsIntervalNs how often a {@code stats} record is written (0 = never; default 60 s)
 */
public record EventLogOptions(Path path, double ratePerSecond, int burst, int queueSlots, long statsIntervalNs) {
    /** Default events a second per script and event type. */
    public static final double DEFAULT_RATE = 100;
    /** Default burst per script and event type. */
    public static final int DEFAULT_BURST = 200;
    /** Default slots per worker queue. */
    public static final int DEFAULT_SLOTS = 4096;
    /** Default interval of stats records. */
    public static final long DEFAULT_STATS_INTERVAL_NS = 60_000_000_000L;

    /** Checks the bounds. */
    public EventLogOptions {
        if (!(ratePerSecond > 0) || burst < 1) {
            throw new IllegalArgumentException(
                    "event rate must be > 0 and burst >= 1, got " + ratePerSecond + " and " + burst);
        }
        if (queueSlots < 2 || Integer.bitCount(queueSlots) != 1) {
            throw new IllegalArgumentException("event queue slots must be a power of two >= 2, got " + queueSlots);
        }
        if (statsIntervalNs < 0) {
            throw new IllegalArgumentException("stats interval must be >= 0");
        }
    }

    /** Defaults, writing to {@code path} (null = standard output). */
    public static EventLogOptions of(Path path) {
        return new EventLogOptions(path, DEFAULT_RATE, DEFAULT_BURST, DEFAULT_SLOTS, DEFAULT_STATS_INTERVAL_NS);
    }

    /** With another rate limit. */
    public EventLogOptions withRate(double perSecond, int burst) {
        return new EventLogOptions(path, perSecond, burst, queueSlots, statsIntervalNs);
    }

    /** With another stats interval (0 = no stats records). */
    public EventLogOptions withStatsIntervalNs(long ns) {
        return new EventLogOptions(path, ratePerSecond, burst, queueSlots, ns);
    }

    /** With another queue size. */
    public EventLogOptions withQueueSlots(int slots) {
        return new EventLogOptions(path, ratePerSecond, burst, slots, statsIntervalNs);
    }
}
