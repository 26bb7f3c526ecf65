package io.npflua.engine.event;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * One worker's hand-off of events to the writer thread: a single-producer single-consumer ring of fixed slots, all
 * allocated up front. A slot is columns of primitives, references to immutable objects the event already had (the
 * script's name, the reason and alert strings of the script, which LuaJ never mutates) and {@link #HEADER_BYTES} of
 * the frame's first bytes, copied (the frame goes back to the kernel after the call). Nothing is formatted here.
 *
 * <pre>
 *  slot i:  type | timeNs | flowId | generation | suppressed | frameLength | capturedLength | headerLength
 *           script (String) | iface (String) | text (String: error message) | reason (LuaString) | kind (Object)
 *           fieldNames[i*16 ..] / fieldValues[i*16 ..] (LuaValue) | header[i*128 .. +headerLength]
 * </pre>
 *
 * The producer writes a slot, then publishes it with a release store of {@code tail}; the consumer reads {@code tail}
 * with an acquire load, so it sees the slot complete, and gives slots back with a release store of {@code head}.
 */
final class EventRing {
    /**
     * Bytes of the frame copied into a slot: Ethernet, two VLAN tags, IPv6, 46 bytes of extension headers and a TCP
     * header fit.
     */
    static final int HEADER_BYTES = 128;

    /** Fields an alert slot holds (the sandbox's bound). */
    static final int FIELDS = io.npflua.lua.sandbox.SandboxLimits.MAX_ALERT_FIELDS;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(EventRing.class, "head", long.class);
            TAIL = MethodHandles.lookup().findVarHandle(EventRing.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int capacity;
    final int mask;
    final EventType[] type;
    final long[] timeNs;
    /** 0 = no flow (flow ids come with stateful flows). */
    final long[] flowId;

    final long[] generation;
    final long[] suppressed;
    final int[] frameLength;
    final int[] capturedLength;
    final int[] headerLength;
    final String[] script;
    final String[] iface;
    final String[] text;
    final LuaString[] reason;
    final Object[] kind;
    final int[] fieldCount;
    final LuaString[] fieldNames;
    final LuaValue[] fieldValues;
    /**
     * The frames' first bytes, {@link #HEADER_BYTES} per slot, in native memory: the writer parses them with the flow
     * table's {@code FlowKey}, whose compiled code then sees native segments only, as the flow table's does on a live
     * ring (a heap array here made its memory accesses polymorphic and the flow lookups of the workers slower).
     */
    final MemorySegment header;
    /** Flow records: first capture time. */
    final long[] flowFirstNs;
    /** Flow records: packets orig, packets reply, bytes orig, bytes reply (4 per slot). */
    final long[] flowCounts;
    /** Flow records: opener's address hi, lo, other side's hi, lo (4 per slot). */
    final long[] flowAddress;
    /** Flow records: opener's port << 16 | other side's port. */
    final int[] flowPorts;
    /** Flow records: protocol | family << 8 | state << 12 | end reason << 16 | decided << 20 (1 passed, 2 blocked). */
    final int[] flowMeta;

    @SuppressWarnings("unused") // through HEAD
    private long head;

    @SuppressWarnings("unused") // through TAIL
    private long tail;
    /** The producer's copy of head, refreshed only when the ring looks full. */
    private long headCache;

    EventRing(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("event ring capacity must be a power of two, got " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        type = new EventType[capacity];
        timeNs = new long[capacity];
        flowId = new long[capacity];
        generation = new long[capacity];
        suppressed = new long[capacity];
        frameLength = new int[capacity];
        capturedLength = new int[capacity];
        headerLength = new int[capacity];
        script = new String[capacity];
        iface = new String[capacity];
        text = new String[capacity];
        reason = new LuaString[capacity];
        kind = new Object[capacity];
        fieldCount = new int[capacity];
        fieldNames = new LuaString[capacity * FIELDS];
        fieldValues = new LuaValue[capacity * FIELDS];
        header = Arena.ofAuto().allocate((long) capacity * HEADER_BYTES, 8);
        flowFirstNs = new long[capacity];
        flowCounts = new long[capacity * 4];
        flowAddress = new long[capacity * 4];
        flowPorts = new int[capacity];
        flowMeta = new int[capacity];
    }

    /** Producer: the slot to fill next, or -1 when the ring is full. Allocates nothing. */
    int claim() {
        long t = (long) TAIL.get(this);
        if (t - headCache >= capacity) {
            // Acquire: slots the consumer gave back are fully read before we overwrite them.
            headCache = (long) HEAD.getAcquire(this);
            if (t - headCache >= capacity) {
                return -1;
            }
        }
        return (int) (t & mask);
    }

    /** Producer: hands the claimed slot to the consumer. */
    void publish() {
        // Release: every store into the slot happens-before the consumer's acquire of tail.
        TAIL.setRelease(this, (long) TAIL.get(this) + 1);
    }

    /** Consumer: how many slots are ready from {@code head}. */
    long ready() {
        return (long) TAIL.getAcquire(this) - (long) HEAD.get(this);
    }

    /** Consumer: the slot index of the oldest ready event. */
    int oldest() {
        return (int) ((long) HEAD.get(this) & mask);
    }

    /** Consumer: clears the references of the oldest slot and gives it back to the producer. */
    void release() {
        int i = oldest();
        script[i] = null;
        iface[i] = null;
        text[i] = null;
        reason[i] = null;
        kind[i] = null;
        for (int f = 0, n = fieldCount[i]; f < n; f++) {
            fieldNames[i * FIELDS + f] = null;
            fieldValues[i * FIELDS + f] = null;
        }
        fieldCount[i] = 0;
        // Release: our reads of the slot happen-before the producer reuses it.
        HEAD.setRelease(this, (long) HEAD.get(this) + 1);
    }
}
