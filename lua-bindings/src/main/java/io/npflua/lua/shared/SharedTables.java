package io.npflua.lua.shared;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The named shared tables of one engine (normally one per JVM: {@link #global()}), reachable from every worker's
 * and every script's state through the {@code shared} module. Thread-safe.
 */
public final class SharedTables {
    /** Most tables one registry holds; a script creating names in a loop hits a clear error instead of the heap. */
    public static final int MAX_TABLES = 256;
    /** Default and upper bound of entries per table. */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;
    /** Bytes of keys plus string values one table may hold (16 MiB). */
    public static final long MAX_TABLE_BYTES = 16L * 1024 * 1024;
    /** Longest key, in bytes. */
    public static final int MAX_KEY_BYTES = 1024;
    /** Longest string value, in bytes. */
    public static final int MAX_VALUE_BYTES = 64 * 1024;

    /**
     * The monotonic clock of the JVM-wide registry, one object: a registry made elsewhere on it (the JIT warm-up's)
     * calls the same class the real tables call, where another {@code System::nanoTime} would be a class of its own.
     */
    public static final LongSupplier SYSTEM_CLOCK = System::nanoTime;

    private static final SharedTables GLOBAL = new SharedTables(SYSTEM_CLOCK);

    private final Map<String, SharedTable> tables = new ConcurrentHashMap<>();
    private final LongSupplier clockNs;

    /**
     * A registry with its own tables and clock.
     *
     * @param clockNs monotonic nanoseconds (tests pass a settable clock to check expiry without sleeping)
     */
    public SharedTables(LongSupplier clockNs) {
        this.clockNs = clockNs;
    }

    /** The JVM-wide registry the standard {@code shared} module uses. */
    public static SharedTables global() {
        return GLOBAL;
    }

    /**
     * The table {@code name}, created with these options if it does not exist yet. Options of a later call for an
     * existing table are ignored: the first creator decides (every worker runs the same script).
     *
     * @param ttlNs      default time to live of entries in nanoseconds, 0 for none
     * @param maxEntries most entries, 1..{@link #DEFAULT_MAX_ENTRIES}
     * @throws IllegalArgumentException if the registry already holds {@link #MAX_TABLES} tables
     */
    public SharedTable table(String name, long ttlNs, int maxEntries) {
        SharedTable t = tables.get(name);
        if (t != null) {
            return t;
        }
        synchronized (tables) {
            t = tables.get(name);
            if (t == null) {
                if (tables.size() >= MAX_TABLES) {
                    throw new IllegalArgumentException("too many shared tables (limit " + MAX_TABLES
                            + "); reuse a few named tables instead of creating names at run time");
                }
                t = new SharedTable(name, ttlNs, maxEntries, clockNs);
                tables.put(name, t);
            }
            return t;
        }
    }

    /** The table {@code name}, or null. */
    public SharedTable find(String name) {
        return tables.get(name);
    }

    /** Drops every table (tests, engine restart). */
    public void clear() {
        tables.clear();
    }
}
