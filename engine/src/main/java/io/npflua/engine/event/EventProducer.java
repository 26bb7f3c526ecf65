package io.npflua.engine.event;

import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.flow.FlowTable;
import io.npflua.engine.source.Frame;
import io.npflua.lua.sandbox.AlertFields;
import io.npflua.lua.sandbox.AlertSink;
import io.npflua.lua.sandbox.CallOutcome;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.luaj.vm2.LuaString;

/**
 * One worker's side of the event log: turns a blocked frame, an alert or a script error into a slot of the worker's
 * {@link EventRing}, after the rate limit of its script and event type. Never waits: a full ring drops the event and
 * counts it ({@code TYPE_events_dropped}). Used only by its worker's thread; an alert from any other thread (a script's
 * top-level chunk runs on the loading thread) is refused.
 *
 * <p>The rate limit is a GCRA (virtual scheduling) bucket per script and event type: {@code rate} events a second
 * on average with bursts of {@code burst}, per worker (the log's limit divided over the workers). An event over it is
 * counted ({@code TYPE_events_suppressed}) and its number is reported in the next record of that script and type.
 */
public final class EventProducer {
    private final EventRing ring;
    private final int worker;
    private final long intervalNs;
    /** How far ahead of now the bucket's schedule may run: (burst - 1) intervals. */
    private final long toleranceNs;

    /** Per script: per event type {theoretical arrival time, suppressed since the last record}. */
    private final Map<String, long[]> buckets = new HashMap<>();

    /** The last script's buckets: a flood comes from one script, so most events skip the map. */
    private String lastScript;

    private long[] lastBucket;
    /** The buckets of flow records ({@link #FLOWS}), kept apart from {@link #lastBucket}. */
    private final long[] flowBuckets = newBuckets();

    private WorkerCounters counters;
    /** The generation of the rule the worker's chain is calling: whose alerts and failures come in. */
    private LongSupplier generationInCall = () -> 0;

    private Frame frame;
    private String iface;
    private Thread owner;

    /**
     * The writer's clock: System.nanoTime() at word {@link EventLog#CLOCK_INDEX}, refreshed every turn of the writer
     * (at most 8 ms apart while it runs); set when the log is made.
     */
    private final long[] clock;

    EventProducer(EventRing ring, int worker, double ratePerSecond, int burst, long[] clock) {
        this.ring = ring;
        this.clock = clock;
        this.worker = worker;
        this.intervalNs = (long) Math.max(1, 1e9 / ratePerSecond);
        this.toleranceNs = intervalNs * (Math.max(1, burst) - 1);
    }

    void attach(WorkerCounters counters) {
        this.counters = counters;
    }

    /**
     * Where alerts and script failures find the generation of their rule: the worker's chain, which knows the rule it
     * is calling ({@code RuleChain.generationInCall}). Set once, before the worker runs; called on its thread.
     */
    public void generations(LongSupplier inCall) {
        this.generationInCall = inCall;
    }

    /** The worker index this producer belongs to. */
    public int worker() {
        return worker;
    }

    /**
     * Before the calling thread polls the source {@code iface}: the alerts and errors of its frames come from there
     * and from this thread (stored only on a change). Once per poll, not per frame. Allocates nothing.
     */
    public void source(String iface) {
        if (this.iface != iface) {
            this.iface = iface;
        }
        Thread t = Thread.currentThread();
        if (owner != t) {
            owner = t;
        }
    }

    /**
     * Before the chain sees {@code frame}: alerts and errors during its evaluation are about this frame (a source's
     * frame is one flyweight, so it is stored only on a change). Allocates nothing.
     */
    public void frame(Frame frame) {
        if (this.frame != frame) {
            this.frame = frame;
        }
    }

    /**
     * A frame the chain blocked: one {@code drop} record (rate-limited) naming the rule that blocked it ({@code ""}
     * when none did) and that rule's generation (from the chain), its reason (or null) and its outcome ({@code BLOCK},
     * or the failure its error policy turned into a block). Allocates nothing.
     */
    public void blocked(Frame frame, String script, long generation, LuaString reason, CallOutcome outcome) {
        int s = open(script, generation, EventType.DROP, frame, 0);
        if (s < 0) {
            return;
        }
        ring.reason[s] = reason;
        ring.kind[s] = outcome;
        publish(EventType.DROP);
    }

    /**
     * {@code alert(message, fields)} of {@code script} on this worker's thread, about the current frame. Copies the
     * references of the (immutable) message and field values into the slot. Allocates nothing.
     */
    public boolean alert(String script, LuaString message, AlertFields fields) {
        if (Thread.currentThread() != owner || counters == null) {
            return false;
        }
        int s = open(script, generationInCall.getAsLong(), EventType.ALERT, frame, 0);
        if (s < 0) {
            return false;
        }
        ring.reason[s] = message;
        int n = fields.count();
        for (int f = 0; f < n; f++) {
            ring.fieldNames[s * EventRing.FIELDS + f] = fields.name(f);
            ring.fieldValues[s * EventRing.FIELDS + f] = fields.value(f);
        }
        ring.fieldCount[s] = n;
        publish(EventType.ALERT);
        return true;
    }

    /** An {@link AlertSink} that records the alerts of rule {@code script} (its chunk name differs). */
    public AlertSink alertSink(String script) {
        return (chunk, message, fields) -> alert(script, message, fields);
    }

    /** A script's failure as the chain reports it (at most once a second per rule): one {@code script_error} record. */
    void scriptError(String script, CallOutcome kind, String message, long skipped) {
        if (Thread.currentThread() != owner || counters == null) {
            return;
        }
        int s = open(script, generationInCall.getAsLong(), EventType.SCRIPT_ERROR, frame, skipped);
        if (s < 0) {
            return;
        }
        ring.kind[s] = kind;
        ring.text[s] = message;
        publish(EventType.SCRIPT_ERROR);
    }

    /** The rate-limit key of flow records (they belong to no script). */
    static final String FLOWS = "(flows)";

    /**
     * The flow at {@code entry} of {@code table} is ending ({@code reason}: a {@code FlowTable.END_*} value): one
     * {@code flow} record (rate-limited like a script's events, under {@link #FLOWS}) with its key, counts, times,
     * state and whether a rule blocked or every rule passed it. Called on the worker's thread from the table's end
     * listener, before the entry is freed. Allocates nothing.
     */
    public void flowEnded(FlowTable table, int entry, int reason) {
        if (counters == null) {
            return;
        }
        int s = open(FLOWS, 0, EventType.FLOW, null, 0);
        if (s < 0) {
            return;
        }
        EventRing r = ring;
        r.timeNs[s] = table.lastNs(entry);
        r.flowId[s] = table.id(entry);
        r.flowFirstNs[s] = table.firstNs(entry);
        r.flowCounts[4 * s] = table.packets(entry, FlowTable.ORIG);
        r.flowCounts[4 * s + 1] = table.packets(entry, FlowTable.REPLY);
        r.flowCounts[4 * s + 2] = table.bytes(entry, FlowTable.ORIG);
        r.flowCounts[4 * s + 3] = table.bytes(entry, FlowTable.REPLY);
        r.flowAddress[4 * s] = table.addressHi(entry, FlowTable.ORIG);
        r.flowAddress[4 * s + 1] = table.addressLo(entry, FlowTable.ORIG);
        r.flowAddress[4 * s + 2] = table.addressHi(entry, FlowTable.REPLY);
        r.flowAddress[4 * s + 3] = table.addressLo(entry, FlowTable.REPLY);
        r.flowPorts[s] = table.port(entry, FlowTable.ORIG) << 16 | table.port(entry, FlowTable.REPLY);
        int decided = table.blockedMask(entry) != 0 ? 2 : table.passedMask(entry) != 0 ? 1 : 0;
        r.flowMeta[s] = table.protocol(entry)
                | table.ipVersion(entry) << 8
                | table.state(entry) << 12
                | reason << 16
                | decided << 20;
        publish(EventType.FLOW);
    }

    /**
     * One event of {@code script} (of {@code generation}) and {@code type} about frame {@code f} (or none): past the rate limit and into a
     * claimed slot, which is filled with what every record has (plus {@code alsoSuppressed} to report) and returned
     * for the caller to complete and {@link #publish}; -1 when the event is suppressed or the ring is full (then
     * counted as dropped). Allocates nothing.
     */
    private int open(String script, long generation, EventType type, Frame f, long alsoSuppressed) {
        long suppressed = admit(script, type);
        if (suppressed < 0) {
            return -1;
        }
        int s = ring.claim();
        if (s < 0) {
            counters.increment(type.dropped);
            return -1;
        }
        fill(s, type, script, generation, f, suppressed + alsoSuppressed);
        return s;
    }

    /**
     * The rate limit: -1 when the event is over it (then counted as suppressed), else the number suppressed since the
     * last admitted event of this script and type (reset here). Allocates only for a script's first event.
     *
     * <p>The path of a flood (the same script over its limit, frame after frame) is one reference compare, one load
     * of the writer's clock, one compare and two increments: no {@code System.nanoTime()}, no map lookup (flow records
     * have buckets of their own, so a flow ending amid a flood of drops does not evict the script's), no store to a
     * cache line another thread writes.
     */
    private long admit(String script, EventType type) {
        long[] b = script == lastScript ? lastBucket : script == FLOWS ? flowBuckets : bucket(script);
        int t = type.ordinal() << 1;
        // The writer's millisecond clock: an opaque read of a word it rewrites on a cache line of its own (a stale
        // value only delays the limit by a few milliseconds), where System.nanoTime() per event would cost ~20 ns
        // on every blocked frame of a flood.
        long now = (long) EventLog.CLOCK.getOpaque(clock, EventLog.CLOCK_INDEX);
        long tat = b[t];
        // tat - now > tolerance: the schedule runs further ahead than the burst allows (a tat in the past gives a
        // negative difference: never over). The deadline form of "suppressed until tat - tolerance".
        if (tat - now > toleranceNs) {
            b[t + 1]++;
            counters.increment(type.suppressed);
            return -1;
        }
        b[t] = Math.max(tat, now) + intervalNs;
        long suppressed = b[t + 1];
        b[t + 1] = 0;
        return suppressed;
    }

    /** The buckets of {@code script} (made at its first event), remembered as the last script's. */
    private long[] bucket(String script) {
        long[] b = buckets.get(script);
        if (b == null) {
            b = newBuckets();
            buckets.put(script, b);
        }
        lastScript = script;
        lastBucket = b;
        return b;
    }

    /** Per event type {theoretical arrival time, suppressed since the last record}, with no event yet. */
    private static long[] newBuckets() {
        long[] b = new long[EventType.values().length * 2];
        for (int i = 0; i < b.length; i += 2) {
            b[i] = Long.MIN_VALUE / 4; // no event yet: the first is on time
        }
        return b;
    }

    private void fill(int s, EventType type, String script, long generation, Frame f, long suppressed) {
        EventRing r = ring;
        r.type[s] = type;
        r.script[s] = script;
        r.iface[s] = iface;
        r.suppressed[s] = suppressed;
        // The frame's flow (0: none, then the record has no flow_id).
        r.flowId[s] = f != null && f.flowEntry() >= 0 ? f.flows().id(f.flowEntry()) : 0;
        r.generation[s] = generation;
        if (f != null) {
            r.timeNs[s] = f.timestampNs();
            r.frameLength[s] = f.wireLength();
            r.capturedLength[s] = f.capturedLength();
            int n = Math.min(f.capturedLength(), EventRing.HEADER_BYTES);
            MemorySegment.copy(f.segment(), f.offset(), r.header, (long) s * EventRing.HEADER_BYTES, n);
            r.headerLength[s] = n;
        } else {
            r.timeNs[s] = 0;
            r.frameLength[s] = 0;
            r.capturedLength[s] = 0;
            r.headerLength[s] = 0;
        }
    }

    private void publish(EventType type) {
        ring.publish();
        counters.increment(type.handed);
    }
}
