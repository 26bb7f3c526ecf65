package io.npflua.engine.agent;

import java.util.concurrent.locks.LockSupport;

/**
 * Spins, then yields, then parks for exponentially longer times up to a maximum: low latency under load, little CPU
 * when idle. The maximum park time bounds how late a worker notices a stop request or a new chain.
 */
public final class BackoffIdleStrategy implements IdleStrategy {
    private final long maxSpins;
    private final long maxYields;
    private final long minParkNs;
    private final long maxParkNs;
    private long spins;
    private long yields;
    private long parkNs;

    /** 100 spins, 10 yields, then parks from 1 µs up to 1 ms. */
    public BackoffIdleStrategy() {
        this(100, 10, 1_000, 1_000_000);
    }

    /** A strategy with the given phases. */
    public BackoffIdleStrategy(long maxSpins, long maxYields, long minParkNs, long maxParkNs) {
        if (minParkNs <= 0 || maxParkNs < minParkNs) {
            throw new IllegalArgumentException("need 0 < minParkNs <= maxParkNs");
        }
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.minParkNs = minParkNs;
        this.maxParkNs = maxParkNs;
        this.parkNs = minParkNs;
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            reset();
            return;
        }
        if (spins < maxSpins) {
            spins++;
            Thread.onSpinWait();
        } else if (yields < maxYields) {
            yields++;
            Thread.yield();
        } else {
            LockSupport.parkNanos(parkNs);
            parkNs = Math.min(parkNs << 1, maxParkNs);
        }
    }

    @Override
    public void reset() {
        spins = 0;
        yields = 0;
        parkNs = minParkNs;
    }
}
