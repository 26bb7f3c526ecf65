package io.npflua.engine.counter;

import io.npflua.engine.json.Utf8Text;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.LuaString;

/**
 * One worker's count of the reasons one rule gave with its verdicts ({@code return false, 'why'}): a fixed table of
 * {@link #CAPACITY} distinct reasons, then one count for all the others. Written only by the worker; read without a
 * lock for snapshots (a count may lag by a few calls).
 *
 * <p>A reason that is a constant of the script is the same {@code LuaString} object on every call, so the lookup is
 * first an identity scan; a reason built per call ({@code 'banned ' .. version}) is compared by content. Neither
 * allocates: the table keeps the script's own (immutable) string object.
 */
public final class ReasonCounts {
    /** Distinct reasons counted one by one per worker and rule; beyond it they are counted as {@link #others()}. */
    public static final int CAPACITY = 32;

    private final LuaString[] keys = new LuaString[CAPACITY];
    private final long[] counts = new long[CAPACITY];
    private volatile int size;
    private long others;

    /** Counts one occurrence of {@code reason}. Worker thread only; allocates nothing. */
    public void count(LuaString reason) {
        final LuaString[] k = keys;
        final int n = size;
        for (int i = 0; i < n; i++) {
            if (k[i] == reason) {
                counts[i]++;
                return;
            }
        }
        for (int i = 0; i < n; i++) {
            if (k[i].raweq(reason)) {
                counts[i]++;
                return;
            }
        }
        if (n < CAPACITY) {
            k[n] = reason;
            counts[n] = 1;
            // The volatile write publishes the key and its first count to snapshot readers.
            size = n + 1;
        } else {
            others++;
        }
    }

    /** Occurrences of reasons beyond the first {@link #CAPACITY} distinct ones. */
    public long others() {
        return others;
    }

    /** Adds this table's counts into {@code into}, by reason text (for snapshots; allocates). */
    void addTo(Map<String, Long> into) {
        int n = size;
        for (int i = 0; i < n; i++) {
            into.merge(Utf8Text.of(keys[i]), counts[i], Long::sum);
        }
    }

    /**
     * The {@code limit} most frequent reasons of {@code tables} summed by text, most frequent first, and how many
     * occurrences that list leaves out: those of less frequent reasons and those beyond a table's {@link #CAPACITY}.
     */
    static Summary summarize(ReasonCounts[] tables, int limit) {
        Map<String, Long> sum = new HashMap<>();
        long all = 0;
        for (ReasonCounts t : tables) {
            t.addTo(sum);
            all += t.others();
        }
        List<ReasonCount> list = new ArrayList<>(sum.size());
        for (Map.Entry<String, Long> e : sum.entrySet()) {
            list.add(new ReasonCount(e.getKey(), e.getValue()));
            all += e.getValue();
        }
        list.sort((a, b) -> a.count() != b.count()
                ? Long.compare(b.count(), a.count())
                : a.reason().compareTo(b.reason()));
        List<ReasonCount> top = List.copyOf(list.subList(0, Math.min(limit, list.size())));
        for (ReasonCount r : top) {
            all -= r.count();
        }
        return new Summary(top, all);
    }

    /**
     * The most frequent reasons of a rule and the rest.
     *
     * @param top    the most frequent reasons, most frequent first
     * @param others occurrences of every reason not in {@code top}
     */
    record Summary(List<ReasonCount> top, long others) {}

    /**
     * One reason and how often it was given.
     *
     * @param reason the text (the script's bytes decoded as UTF-8, each invalid byte as {@code \xHH}: {@link Utf8Text})
     * @param count  how many calls gave it
     */
    public record ReasonCount(String reason, long count) {}
}
