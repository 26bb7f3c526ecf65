package io.npflua.lua.shared;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One named table shared by all states of the JVM: string keys to immutable values ({@code byte[]} string
 * contents, never handed out without copying; {@link Double}; {@link Boolean}), each with an optional expiry.
 * Thread-safe and lock-free ({@link ConcurrentHashMap}); {@link #increment} is atomic per key. Expired entries
 * read as absent and are removed when met; the size bounds count them until then.
 */
public final class SharedTable {
    /** A stored value and its expiry ({@code expiresAtNs == 0}: never). */
    record Entry(Object value, long expiresAtNs) {
        boolean expired(long nowNs) {
            return expiresAtNs != 0 && nowNs - expiresAtNs >= 0;
        }
    }

    private final String name;
    private final long defaultTtlNs;
    private final int maxEntries;
    private final LongSupplier clockNs;
    private final ConcurrentHashMap<String, Entry> map = new ConcurrentHashMap<>();
    private final AtomicInteger entries = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    SharedTable(String name, long defaultTtlNs, int maxEntries, LongSupplier clockNs) {
        this.name = name;
        this.defaultTtlNs = defaultTtlNs;
        this.maxEntries = maxEntries;
        this.clockNs = clockNs;
    }

    /** The table's name. */
    public String name() {
        return name;
    }

    /** Default time to live of entries (ns), 0 for none. */
    public long defaultTtlNs() {
        return defaultTtlNs;
    }

    /** The most entries this table holds. */
    public int maxEntries() {
        return maxEntries;
    }

    /** The live value of {@code key} ({@code byte[]} — do not modify —, Double or Boolean), or null. */
    public Object get(String key) {
        Entry e = map.get(key);
        if (e == null) {
            return null;
        }
        if (e.expired(clockNs.getAsLong())) {
            removeEntry(key, e);
            return null;
        }
        return e.value();
    }

    /**
     * Stores {@code value} ({@code byte[]} owned by the table from now on, Double or Boolean) under {@code key}.
     *
     * @param ttlNs time to live, 0 for none, negative for the table's default
     * @throws SharedTableException if the table is full
     */
    public void put(String key, Object value, long ttlNs) {
        long now = clockNs.getAsLong();
        long ttl = ttlNs < 0 ? defaultTtlNs : ttlNs;
        Entry fresh = new Entry(value, ttl == 0 ? 0 : expiry(now, ttl));
        makeRoom();
        map.compute(key, (k, old) -> {
            account(k, old, fresh, now);
            return fresh;
        });
    }

    /** Removes {@code key}; no effect if absent. */
    public void remove(String key) {
        map.computeIfPresent(key, (k, old) -> {
            entries.decrementAndGet();
            bytes.addAndGet(-size(k, old));
            return null;
        });
    }

    /**
     * Atomically adds {@code delta} to the number under {@code key} (absent or expired counts as 0) and returns the
     * new value. A new entry gets {@code ttlNs} (negative: the table's default); an existing one keeps its expiry.
     *
     * @throws SharedTableException if the value is not a number, or the table is full
     */
    public double increment(String key, double delta, long ttlNs) {
        long now = clockNs.getAsLong();
        double[] result = new double[1];
        makeRoom();
        map.compute(key, (k, old) -> {
            Entry live = old == null || old.expired(now) ? null : old;
            double base;
            long expiresAt;
            if (live == null) {
                base = 0;
                long ttl = ttlNs < 0 ? defaultTtlNs : ttlNs;
                expiresAt = ttl == 0 ? 0 : expiry(now, ttl);
            } else if (live.value() instanceof Double d) {
                base = d;
                expiresAt = live.expiresAtNs();
            } else {
                throw new SharedTableException("shared table '" + name + "': cannot increment key '" + k
                        + "', its value is a " + typeName(live.value()) + ", not a number");
            }
            Entry fresh = new Entry(base + delta, expiresAt);
            account(k, old, fresh, now);
            result[0] = base + delta;
            return fresh;
        });
        return result[0];
    }

    /** Live entries (removes the expired ones it meets; O(entries)). */
    public int count() {
        long now = clockNs.getAsLong();
        int n = 0;
        for (Iterator<Map.Entry<String, Entry>> it = map.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry> e = it.next();
            if (e.getValue().expired(now)) {
                removeEntry(e.getKey(), e.getValue());
            } else {
                n++;
            }
        }
        return n;
    }

    /** Removes every expired entry. */
    public void purgeExpired() {
        count();
    }

    /** Purges expired entries when the table is full (outside compute(), which must not touch other keys). */
    private void makeRoom() {
        if (entries.get() >= maxEntries) {
            purgeExpired();
        }
    }

    private void removeEntry(String key, Entry e) {
        if (map.remove(key, e)) {
            entries.decrementAndGet();
            bytes.addAndGet(-size(key, e));
        }
    }

    /** Updates the size counters for old → fresh; throws (leaving them unchanged) if a bound would be crossed. */
    private void account(String key, Entry old, Entry fresh, long now) {
        long delta = size(key, fresh) - (old == null ? 0 : size(key, old));
        if (old == null) {
            if (entries.incrementAndGet() > maxEntries) {
                entries.decrementAndGet();
                throw new SharedTableException("shared table '" + name + "' is full (" + maxEntries
                        + " entries); give entries a ttl, delete old keys, or raise max");
            }
        }
        if (bytes.addAndGet(delta) > SharedTables.MAX_TABLE_BYTES && delta > 0) {
            bytes.addAndGet(-delta);
            if (old == null) {
                entries.decrementAndGet();
            }
            throw new SharedTableException("shared table '" + name + "' would exceed " + SharedTables.MAX_TABLE_BYTES
                    + " bytes of keys and strings");
        }
    }

    private static long expiry(long now, long ttlNs) {
        long at = now + ttlNs;
        return at == 0 ? 1 : at;
    }

    private static long size(String key, Entry e) {
        return key.length() + (e.value() instanceof byte[] b ? b.length : 0);
    }

    static String typeName(Object value) {
        return value instanceof byte[] ? "string" : value instanceof Double ? "number" : "boolean";
    }

    @Override
    public String toString() {
        return "shared table '" + name + "'";
    }
}
