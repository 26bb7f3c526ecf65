package io.npflua.engine.flow;

import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * A bounded, preallocated connection table for one worker thread: each IP frame maps to its flow (both directions
 * to one entry), the flow's per-direction packets and bytes, first and last capture time and a light TCP state are
 * kept, idle flows expire, and when the table is full the least valuable flow makes room.
 *
 * <p><b>Use.</b> {@link #track} per frame returns the flow's <em>entry</em> (an int, {@code 0 .. maxFlows-1}, stable
 * for the flow's life, so the Lua side can hang {@code flow.vars} on it) or {@link #NO_FLOW} / {@link #UNTRACKED};
 * {@link #lastDirection()} says whether the frame came from the side that opened the flow ({@link #ORIG}) or the
 * other ({@link #REPLY}). The accessors ({@link #id}, {@link #state}, {@link #packets}, ...) read an entry. The
 * worker calls {@link #expire} when idle, so that flows end in quiet periods too. Not thread-safe: one table per
 * worker; a listing for another thread must be taken on the worker's thread.
 *
 * <p><b>Layout.</b> Arrays indexed by entry, allocated at construction for {@code maxFlows} (about
 * {@value #MAX_BYTES_PER_FLOW} bytes per flow, see {@link #memoryBytes()}); nothing grows. The key sits in one
 * {@code long[]} with a stride of {@value #KEY_LONGS} (lower side's address high/low, higher side's address
 * high/low, ports|protocol|IP version, VLAN pair), so a key compare reads one run of 48 bytes; what a frame of a
 * known flow updates (packets, bytes and payload bytes per direction, the decision masks) is one record of
 * {@value #STATS} longs; flags and the last time, which the expiry sweep reads, have arrays of their own, and a
 * deadline is derived from them (last time + the timeout of the protocol and state) rather than stored.
 * Measured: neither this record nor one 128-byte record holding everything changed the lookup cost beyond noise
 * against one array per field (out of cache the cost is the two dependent misses, index slot then key, which no
 * layout removes). What did count is the JIT: the path of a known flow ({@link #track} down to the counters) must
 * stay small enough to be inlined whole, so creation, the TCP state transitions and the rare transports are
 * methods of their own ({@code FlowTableBenchmark}, docs/benchmarks.md).
 *
 * <p><b>Index.</b> Open addressing with linear probing over a power-of-two {@code long[]} of at least twice
 * {@code maxFlows} slots (load factor at most 1/2, so probes stay short), each slot {@code hash32 << 32 | entry+1}
 * (0 = empty): a probe compares the stored hash before touching the entry, and deletion shifts the following run
 * back (no tombstones, so a table under churn never degrades). Slots hold entry numbers, so the shift moves 8-byte
 * slots and never a flow's data: the entry, and anything hung on it, stays put. The hash is a multilinear hash of
 * the key's six words with per-table random odd multipliers, keyed from {@link SecureRandom} unless a seed is
 * given: an attacker who knows this code still cannot pick tuples that collide (hash flooding).
 *
 * <p><b>Symmetry.</b> The key orders the two endpoints (address, then port; unsigned): the lower one is stored
 * first, so both directions build the same key. An entry remembers which endpoint sent the first packet.
 *
 * <p><b>Expiry.</b> Each entry keeps its deadline ({@code last + timeout(protocol, state)}). A clock hand visits
 * {@link FlowTableOptions#sweepPerLookup()} entries per {@link #track} (in batches: every {@value #SWEEP_BATCH}th
 * lookup sweeps {@value #SWEEP_BATCH} times as many) and {@code budget} per {@link #expire} call and
 * ends those past their deadline: amortised, never a full scan on the packet path. A lookup that finds its flow
 * past the deadline ends it and starts a new one.
 *
 * <p><b>Eviction.</b> Entries sit on one of three lists by state: closing (CLOSING and CLOSED), new (NEW, the
 * half-open ones for TCP), established. A full table first sweeps {@value #PRESSURE_SWEEP} more entries for expired
 * flows, then takes a victim from the closing list, else the new list, else (if
 * {@link FlowTableOptions#evictEstablished()}) the established list: an ESTABLISHED flow never goes while a NEW one
 * can. Within a list the victim is chosen by a second-chance clock: the head (oldest on that list) goes unless a
 * packet touched it since it was last passed over, in which case it moves to the tail, at most
 * {@value #CLOCK_STEPS} times. If nothing may go the frame is {@link #UNTRACKED}.
 *
 * <p><b>Counters</b> (plain fields, single writer): {@code created = active + expired + evicted + removed} at all
 * times; {@link #untracked()} counts frames that found the table full with nothing to evict, {@link #noFlow()}
 * frames without a flow key (non-IP, later fragments, malformed).
 *
 * <p><b>Extension slots</b> for the script side, cleared when an entry is reused: {@link #passedMask} and
 * {@link #blockedMask} (bit {@code i}: the rule holding decision slot {@code i} passed / blocked the flow).
 * {@link FlowEndListener} tells their owner when a flow ends.
 */
public final class FlowTable {
    /** {@link #track} result: the frame has no flow (non-IP, later fragment, malformed; see {@link FlowKey}). */
    public static final int NO_FLOW = -1;
    /** {@link #track} result: the table is full and no flow may be evicted. */
    public static final int UNTRACKED = -2;

    /** Direction of a frame: sent by the side that opened the flow. */
    public static final int ORIG = 0;
    /** Direction of a frame: sent by the other side. */
    public static final int REPLY = 1;

    /** {@link FlowEndListener} reason: idle past its timeout, or a CLOSED TCP flow whose port was reused. */
    public static final int END_EXPIRED = 0;
    /** {@link FlowEndListener} reason: made room in a full table. */
    public static final int END_EVICTED = 1;
    /** {@link FlowEndListener} reason: {@link #remove} was called. */
    public static final int END_REMOVED = 2;

    /** Protocol classes, for timeouts. */
    static final int CLASS_TCP = 0;

    static final int CLASS_UDP = 1;
    static final int CLASS_ICMP = 2;
    static final int CLASS_OTHER = 3;

    static final int KEY_LONGS = 6;

    /** Longs per entry in {@link #stats}, and their offsets: packets, bytes, payload bytes (orig, reply), masks. */
    static final int STATS = 8;

    private static final int S_PACKETS = 0;
    private static final int S_BYTES = 2;
    private static final int S_PAYLOAD = 4;
    private static final int S_PASSED = 6;
    private static final int S_BLOCKED = 7;
    /**
     * Bytes per flow of all arrays together, at most: 160 per entry plus 16 to 32 for the index (two to four slots
     * per flow, as {@code maxFlows} rounds up to a power of two).
     */
    public static final int MAX_BYTES_PER_FLOW = 192;
    /** Lookups per expiry sweep (a power of two); each sweep visits this many times the per-lookup share. */
    static final int SWEEP_BATCH = 16;
    /** Extra entries swept for expired flows before evicting from a full table. */
    static final int PRESSURE_SWEEP = 16;
    /** Entries at most passed over (second chance) when picking a victim from one list. */
    static final int CLOCK_STEPS = 8;

    // flags word per entry
    private static final int STATE_MASK = 0x7;
    private static final int CLASS_SHIFT = 3;
    private static final int ORIG_IS_LOW = 1 << 5;
    private static final int SEEN_REPLY = 1 << 6;
    private static final int FIN_ORIG = 1 << 7;
    private static final int FIN_REPLY = 1 << 8;
    private static final int TOUCHED = 1 << 9;

    private static final int LIST_CLOSING = 0;
    private static final int LIST_NEW = 1;
    private static final int LIST_ESTABLISHED = 2;

    private static final int TCP_FIN = 0x01;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_RST = 0x04;
    private static final int TCP_ACK = 0x10;

    private final int maxFlows;
    private final int indexMask;
    private final long[] index;
    private final long[] keys;
    private final int[] hashes;
    private final long[] ids;
    private final long[] firstNs;
    private final long[] lastNs;
    /**
     * What a frame of an existing flow updates, one record of {@value #STATS} longs per entry (so a frame touches one
     * or two cache lines here, not one per field): packets, wire bytes and payload bytes per direction, then the
     * passed and blocked decision masks.
     */
    private final long[] stats;

    private final int[] flags;
    private final int[] prev;
    private final int[] next;

    private final long[] timeoutNs = new long[32];
    private final int sweepPerLookup;
    private final boolean evictEstablished;
    private final long[] multipliers = new long[KEY_LONGS + 1];
    private final FlowKey key = new FlowKey();
    private final int[] listHead = {-1, -1, -1};
    private final int[] listTail = {-1, -1, -1};
    private final long idBase;

    private FlowEndListener endListener;
    private int freeHead;
    private int sweepHand;
    private int lookups;
    private int lastDirection;
    private long nextId;

    private int active;
    private long created;
    private long expired;
    private long evicted;
    private long removed;
    private long untracked;
    private long noFlow;

    /** A table with a random hash key and flow ids counting from 1. */
    public FlowTable(FlowTableOptions options) {
        this(options, 0, new SecureRandom().nextLong());
    }

    /**
     * A table whose flow ids are {@code idBase + 1}, {@code idBase + 2}, ... (give each worker its own base, for
     * example {@code (long) worker << 48}, so ids stay unique across workers) and whose hash is keyed by
     * {@code seed} (fixed seeds for tests and benchmarks only).
     */
    public FlowTable(FlowTableOptions options, long idBase, long seed) {
        maxFlows = options.maxFlows();
        int indexSize = Integer.highestOneBit(maxFlows) << 2;
        if (indexSize / 2 >= maxFlows * 2L) {
            indexSize /= 2;
        }
        indexMask = indexSize - 1;
        index = new long[indexSize];
        keys = new long[maxFlows * KEY_LONGS];
        hashes = new int[maxFlows];
        ids = new long[maxFlows];
        firstNs = new long[maxFlows];
        lastNs = new long[maxFlows];
        stats = new long[maxFlows * STATS];
        flags = new int[maxFlows];
        prev = new int[maxFlows];
        next = new int[maxFlows];
        for (int e = 0; e < maxFlows; e++) {
            next[e] = e + 1 < maxFlows ? e + 1 : -1;
        }
        freeHead = 0;
        this.idBase = idBase;
        sweepPerLookup = options.sweepPerLookup();
        evictEstablished = options.evictEstablished();
        FlowTimeouts t = options.timeouts();
        setTimeouts(
                CLASS_TCP,
                t.tcpNew().toNanos(),
                t.tcpEstablished().toNanos(),
                t.tcpClosing().toNanos(),
                t.tcpClosed().toNanos());
        setTimeouts(
                CLASS_UDP,
                t.udpNew().toNanos(),
                t.udpEstablished().toNanos(),
                t.udpEstablished().toNanos(),
                t.udpEstablished().toNanos());
        long icmp = t.icmp().toNanos();
        setTimeouts(CLASS_ICMP, icmp, icmp, icmp, icmp);
        setTimeouts(
                CLASS_OTHER,
                t.otherNew().toNanos(),
                t.otherEstablished().toNanos(),
                t.otherEstablished().toNanos(),
                t.otherEstablished().toNanos());
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < multipliers.length; i++) {
            multipliers[i] = random.nextLong() | 1;
        }
    }

    private void setTimeouts(int protocolClass, long newNs, long establishedNs, long closingNs, long closedNs) {
        timeoutNs[protocolClass << 3 | FlowState.NEW] = newNs;
        timeoutNs[protocolClass << 3 | FlowState.ESTABLISHED] = establishedNs;
        timeoutNs[protocolClass << 3 | FlowState.CLOSING] = closingNs;
        timeoutNs[protocolClass << 3 | FlowState.CLOSED] = closedNs;
    }

    /** Registers the one listener told before a flow's entry is freed (null: none). */
    public void endListener(FlowEndListener listener) {
        endListener = listener;
    }

    /**
     * Finds or creates the flow of the frame at {@code offset} ({@code capturedLength} bytes captured,
     * {@code wireLength} on the wire) seen at capture time {@code nowNs}, counts the frame in its direction, updates
     * the TCP state, and returns the flow's entry, or {@link #NO_FLOW} (no flow key) or {@link #UNTRACKED} (table
     * full, nothing may be evicted). Afterwards {@link #lastDirection()} and {@link #lastKey()} describe this frame.
     * Sweeps a few entries for expiry first. Allocates nothing.
     */
    public int track(MemorySegment segment, long offset, int capturedLength, int wireLength, long nowNs) {
        // The expiry sweep runs every SWEEP_BATCH lookups over SWEEP_BATCH times its per-lookup share: the same
        // entries per frame, one loop instead of one per frame.
        if (sweepPerLookup > 0 && (++lookups & SWEEP_BATCH - 1) == 0) {
            expire(nowNs, sweepPerLookup * SWEEP_BATCH);
        }
        if (key.parse(segment, offset, capturedLength) != FlowKey.OK) {
            noFlow++;
            return NO_FLOW;
        }
        return track(wireLength, nowNs);
    }

    /** The canonical form of the last key {@link #findCanonical} looked up: the lower endpoint first. */
    private boolean cSrcIsLow;

    private long cLowHi;
    private long cLowLo;
    private long cHighHi;
    private long cHighLo;
    private long cMeta;
    private long cVlans;
    private int cHash;

    /**
     * Puts {@code k} in its direction-free form (the lower address/port first, so that both directions of a flow are
     * one key) into the {@code c*} fields, and finds its entry: the entry, or a negative number when it has none.
     * Allocates nothing.
     */
    private int findCanonical(FlowKey k) {
        boolean srcIsLow = srcIsLow(k);
        long lowHi = srcIsLow ? k.srcHi() : k.dstHi();
        long lowLo = srcIsLow ? k.srcLo() : k.dstLo();
        long highHi = srcIsLow ? k.dstHi() : k.srcHi();
        long highLo = srcIsLow ? k.dstLo() : k.srcLo();
        int lowPort = srcIsLow ? k.srcPort() : k.dstPort();
        int highPort = srcIsLow ? k.dstPort() : k.srcPort();
        long meta = (long) lowPort << 16 | highPort | (long) k.protocol() << 32 | (long) k.ipVersion() << 40;
        long vlans = k.outerVlan() << 12 | k.innerVlan();
        int hash = hash(lowHi, lowLo, highHi, highLo, meta, vlans);
        cSrcIsLow = srcIsLow;
        cLowHi = lowHi;
        cLowLo = lowLo;
        cHighHi = highHi;
        cHighLo = highLo;
        cMeta = meta;
        cVlans = vlans;
        cHash = hash;
        return find(hash, lowHi, lowLo, highHi, highLo, meta, vlans);
    }

    /** {@link #track(MemorySegment, long, int, int, long)} for a key already in {@link #lastKey()}. */
    private int track(int wireLength, long nowNs) {
        FlowKey k = key;
        int e = findCanonical(k);
        if (e >= 0) {
            int f = flags[e];
            if (deadline(e, f) > nowNs
                    && ((f & STATE_MASK) != FlowState.CLOSED || (k.tcpFlags() & (TCP_SYN | TCP_ACK)) != TCP_SYN)) {
                int direction = cSrcIsLow == ((f & ORIG_IS_LOW) != 0) ? ORIG : REPLY;
                lastDirection = direction;
                update(e, f, direction, k.tcpFlags(), wireLength, k.payloadLength(), nowNs);
                return e;
            }
            end(e, END_EXPIRED);
        }
        return create(k, wireLength, nowNs);
    }

    // A new flow for the key in the c* fields (kept out of track so that the path of known flows stays small).
    private int create(FlowKey k, int wireLength, long nowNs) {
        if (active == maxFlows && !makeRoom(nowNs)) {
            untracked++;
            return UNTRACKED;
        }
        boolean srcIsLow = cSrcIsLow;
        int hash = cHash;
        int e = freeHead;
        freeHead = next[e];
        int slot = hash & indexMask;
        while (index[slot] != 0) {
            slot = slot + 1 & indexMask;
        }
        index[slot] = (long) hash << 32 | e + 1;
        int base = e * KEY_LONGS;
        keys[base] = cLowHi;
        keys[base + 1] = cLowLo;
        keys[base + 2] = cHighHi;
        keys[base + 3] = cHighLo;
        keys[base + 4] = cMeta;
        keys[base + 5] = cVlans;
        hashes[e] = hash;
        ids[e] = idBase + ++nextId;
        firstNs[e] = nowNs;
        lastNs[e] = nowNs;
        int r = e * STATS;
        stats[r + S_PACKETS] = 1;
        stats[r + S_PACKETS + 1] = 0;
        stats[r + S_BYTES] = wireLength;
        stats[r + S_BYTES + 1] = 0;
        stats[r + S_PAYLOAD] = k.payloadLength();
        stats[r + S_PAYLOAD + 1] = 0;
        stats[r + S_PASSED] = 0;
        stats[r + S_BLOCKED] = 0;
        int protocolClass = protocolClass(k.protocol());
        int state = FlowState.NEW;
        int f = protocolClass << CLASS_SHIFT | (srcIsLow ? ORIG_IS_LOW : 0);
        if (protocolClass == CLASS_TCP) {
            if ((k.tcpFlags() & TCP_RST) != 0) {
                state = FlowState.CLOSED;
            } else if ((k.tcpFlags() & TCP_FIN) != 0) {
                state = FlowState.CLOSING;
                f |= FIN_ORIG;
            }
        }
        flags[e] = f | state;
        link(listOf(state), e);
        active++;
        created++;
        lastDirection = ORIG;
        return e;
    }

    private void update(int e, int f, int direction, int tcpFlags, int wireLength, int payloadLength, long nowNs) {
        int r = e * STATS + direction;
        stats[r + S_PACKETS]++;
        stats[r + S_BYTES] += wireLength;
        stats[r + S_PAYLOAD] += payloadLength;
        if (nowNs > lastNs[e]) {
            lastNs[e] = nowNs;
        }
        int state = f & STATE_MASK;
        // Most frames change nothing but the touched bit: an established TCP flow without FIN or RST, any other
        // protocol's flow once established (or still new and from its opener).
        boolean tcp = (f >>> CLASS_SHIFT & 3) == CLASS_TCP;
        if (tcp
                ? state == FlowState.ESTABLISHED && (tcpFlags & (TCP_FIN | TCP_RST)) == 0
                : state != FlowState.NEW || direction == ORIG) {
            if ((f & TOUCHED) == 0) {
                flags[e] = f | TOUCHED;
            }
            return;
        }
        transition(e, f, direction, tcpFlags);
    }

    // The state machine of update for frames that may change a flow's state (kept out of the common path).
    private void transition(int e, final int was, int direction, int tcpFlags) {
        int f = was;
        int state = f & STATE_MASK;
        int protocolClass = f >>> CLASS_SHIFT & 3;
        int newState = state;
        if (protocolClass == CLASS_TCP) {
            if ((tcpFlags & TCP_RST) != 0) {
                newState = FlowState.CLOSED;
            } else if ((tcpFlags & TCP_FIN) != 0) {
                f |= direction == ORIG ? FIN_ORIG : FIN_REPLY;
                if (state != FlowState.CLOSED) {
                    newState = (f & (FIN_ORIG | FIN_REPLY)) == (FIN_ORIG | FIN_REPLY)
                            ? FlowState.CLOSED
                            : FlowState.CLOSING;
                }
            } else if (state == FlowState.NEW) {
                if (direction == REPLY) {
                    f |= SEEN_REPLY;
                } else if ((f & SEEN_REPLY) != 0) {
                    newState = FlowState.ESTABLISHED;
                }
            }
        } else if (state == FlowState.NEW && direction == REPLY) {
            newState = FlowState.ESTABLISHED;
        }
        if (newState != state) {
            int from = listOf(state);
            int to = listOf(newState);
            if (from != to) {
                unlink(from, e);
                link(to, e);
            }
        }
        int updated = (f & ~STATE_MASK) | newState | TOUCHED;
        if (updated != was) {
            flags[e] = updated;
        }
    }

    private static boolean srcIsLow(FlowKey k) {
        int c = Long.compareUnsigned(k.srcHi(), k.dstHi());
        if (c == 0) {
            c = Long.compareUnsigned(k.srcLo(), k.dstLo());
        }
        return c < 0 || c == 0 && k.srcPort() <= k.dstPort();
    }

    private int hash(long lowHi, long lowLo, long highHi, long highLo, long meta, long vlans) {
        long[] m = multipliers;
        long h = m[0] * lowHi + m[1] * lowLo + m[2] * highHi + m[3] * highLo + m[4] * meta + m[5] * vlans + m[6];
        // Multiply-shift: the high bits of the sum are the well-mixed ones.
        return (int) (h >>> 32);
    }

    private int find(int hash, long lowHi, long lowLo, long highHi, long highLo, long meta, long vlans) {
        int slot = hash & indexMask;
        while (true) {
            long v = index[slot];
            if (v == 0) {
                return -1;
            }
            if ((int) (v >>> 32) == hash) {
                int e = (int) v - 1;
                int base = e * KEY_LONGS;
                if (keys[base] == lowHi
                        && keys[base + 1] == lowLo
                        && keys[base + 2] == highHi
                        && keys[base + 3] == highLo
                        && keys[base + 4] == meta
                        && keys[base + 5] == vlans) {
                    return e;
                }
            }
            slot = slot + 1 & indexMask;
        }
    }

    /**
     * The entry of the frame's flow without counting the frame or creating anything ({@link #NO_FLOW} when it has
     * none, also when the flow is past its deadline at {@code nowNs}); {@link #lastDirection()} is set when found.
     * Allocates nothing.
     */
    public int lookup(MemorySegment segment, long offset, int capturedLength, long nowNs) {
        if (key.parse(segment, offset, capturedLength) != FlowKey.OK) {
            return NO_FLOW;
        }
        FlowKey k = key;
        int e = findCanonical(k);
        boolean srcIsLow = cSrcIsLow;
        if (e < 0 || deadline(e, flags[e]) <= nowNs) {
            return NO_FLOW;
        }
        lastDirection = srcIsLow == ((flags[e] & ORIG_IS_LOW) != 0) ? ORIG : REPLY;
        return e;
    }

    /**
     * Moves the expiry clock hand over {@code budget} entries and ends the flows past their deadline at
     * {@code nowNs}; returns how many ended. Call it from the worker's idle path (a budget of a few hundred costs
     * around a microsecond). Allocates nothing.
     */
    public int expire(long nowNs, int budget) {
        int ended = 0;
        int hand = sweepHand;
        for (int i = 0; i < budget; i++) {
            int e = hand;
            hand = hand + 1 == maxFlows ? 0 : hand + 1;
            int f = flags[e];
            if (f != FlowState.FREE && deadline(e, f) <= nowNs) {
                end(e, END_EXPIRED);
                ended++;
            }
        }
        sweepHand = hand;
        return ended;
    }

    /** Ends the flow at {@code entry} now (counted as removed). */
    public void remove(int entry) {
        if (entry < 0 || entry >= maxFlows || flags[entry] == FlowState.FREE) {
            throw new IllegalArgumentException("no flow at entry " + entry);
        }
        end(entry, END_REMOVED);
    }

    private boolean makeRoom(long nowNs) {
        if (expire(nowNs, PRESSURE_SWEEP) > 0) {
            return true;
        }
        int list = listHead[LIST_CLOSING] >= 0
                ? LIST_CLOSING
                : listHead[LIST_NEW] >= 0
                        ? LIST_NEW
                        : evictEstablished && listHead[LIST_ESTABLISHED] >= 0 ? LIST_ESTABLISHED : -1;
        if (list < 0) {
            return false;
        }
        int victim = listHead[list];
        for (int step = 0; step < CLOCK_STEPS && (flags[victim] & TOUCHED) != 0; step++) {
            flags[victim] &= ~TOUCHED;
            unlink(list, victim);
            link(list, victim);
            victim = listHead[list];
        }
        end(victim, deadline(victim, flags[victim]) <= nowNs ? END_EXPIRED : END_EVICTED);
        return true;
    }

    private void end(int e, int reason) {
        if (endListener != null) {
            endListener.onFlowEnd(e, reason);
        }
        int hash = hashes[e];
        long slotValue = (long) hash << 32 | e + 1;
        int hole = hash & indexMask;
        while (index[hole] != slotValue) {
            hole = hole + 1 & indexMask;
        }
        // Backward shift: pull each following entry of the run into the hole unless its home slot lies cyclically
        // in (hole, j], where moving it before its home would make it unreachable.
        int j = hole;
        while (true) {
            j = j + 1 & indexMask;
            long v = index[j];
            if (v == 0) {
                break;
            }
            int home = (int) (v >>> 32) & indexMask;
            boolean stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
            if (!stays) {
                index[hole] = v;
                hole = j;
            }
        }
        index[hole] = 0;
        unlink(listOf(flags[e] & STATE_MASK), e);
        flags[e] = FlowState.FREE;
        next[e] = freeHead;
        freeHead = e;
        active--;
        switch (reason) {
            case END_EXPIRED -> expired++;
            case END_EVICTED -> evicted++;
            default -> removed++;
        }
    }

    /** When entry {@code e} (flags {@code f}) expires: its last time plus the timeout of its protocol and state. */
    private long deadline(int e, int f) {
        return lastNs[e] + timeoutNs[(f >>> CLASS_SHIFT & 3) << 3 | f & STATE_MASK];
    }

    private static int listOf(int state) {
        return state == FlowState.NEW ? LIST_NEW : state == FlowState.ESTABLISHED ? LIST_ESTABLISHED : LIST_CLOSING;
    }

    private void link(int list, int e) {
        int tail = listTail[list];
        prev[e] = tail;
        next[e] = -1;
        if (tail >= 0) {
            next[tail] = e;
        } else {
            listHead[list] = e;
        }
        listTail[list] = e;
    }

    private void unlink(int list, int e) {
        int p = prev[e];
        int n = next[e];
        if (p >= 0) {
            next[p] = n;
        } else {
            listHead[list] = n;
        }
        if (n >= 0) {
            prev[n] = p;
        } else {
            listTail[list] = p;
        }
    }

    static int protocolClass(int protocol) {
        return switch (protocol) {
            case FlowKey.PROTO_TCP -> CLASS_TCP;
            case FlowKey.PROTO_UDP, FlowKey.PROTO_UDPLITE -> CLASS_UDP;
            case FlowKey.PROTO_ICMP, FlowKey.PROTO_ICMPV6 -> CLASS_ICMP;
            default -> CLASS_OTHER;
        };
    }

    // ---- the last frame

    /** {@link #ORIG} or {@link #REPLY}: the direction of the frame of the last successful {@link #track}. */
    public int lastDirection() {
        return lastDirection;
    }

    /** The key parsed from the last frame given to {@link #track} or {@link #lookup} (payload offset and length). */
    public FlowKey lastKey() {
        return key;
    }

    // ---- entries

    /**
     * The next entry at or after {@code from} that holds a flow, or -1: {@code for (int e = t.nextFlow(0); e >= 0;
     * e = t.nextFlow(e + 1))} lists the flows. Allocates nothing.
     */
    public int nextFlow(int from) {
        for (int e = Math.max(from, 0); e < maxFlows; e++) {
            if (flags[e] != FlowState.FREE) {
                return e;
            }
        }
        return -1;
    }

    /** The flow's 64-bit id: unique within this table's life (ids are never reused), stable for the flow's life. */
    public long id(int entry) {
        return ids[entry];
    }

    /** {@link FlowState#NEW}, {@link FlowState#ESTABLISHED}, {@link FlowState#CLOSING}, {@link FlowState#CLOSED}. */
    public int state(int entry) {
        return flags[entry] & STATE_MASK;
    }

    public int protocol(int entry) {
        return (int) (keys[entry * KEY_LONGS + 4] >>> 32) & 0xff;
    }

    /** 4 or 6. */
    public int ipVersion(int entry) {
        return (int) (keys[entry * KEY_LONGS + 4] >>> 40) & 0xff;
    }

    public int outerVlan(int entry) {
        return (int) (keys[entry * KEY_LONGS + 5] >>> 12);
    }

    public int innerVlan(int entry) {
        return (int) keys[entry * KEY_LONGS + 5] & 0xfff;
    }

    private boolean origIsLow(int entry) {
        return (flags[entry] & ORIG_IS_LOW) != 0;
    }

    /** The port (or ICMP echo id) of the side that sent in {@code direction} ({@link #ORIG}: the opener). */
    public int port(int entry, int direction) {
        long meta = keys[entry * KEY_LONGS + 4];
        boolean low = origIsLow(entry) == (direction == ORIG);
        return (int) (low ? meta >>> 16 : meta) & 0xffff;
    }

    /** The high 64 bits of the address of the side that sent in {@code direction} (0 for IPv4). */
    public long addressHi(int entry, int direction) {
        boolean low = origIsLow(entry) == (direction == ORIG);
        return keys[entry * KEY_LONGS + (low ? 0 : 2)];
    }

    /** The low 64 bits of the address of the side that sent in {@code direction} (IPv4 in the low 32 bits). */
    public long addressLo(int entry, int direction) {
        boolean low = origIsLow(entry) == (direction == ORIG);
        return keys[entry * KEY_LONGS + (low ? 1 : 3)];
    }

    /** Frames seen in {@code direction}. */
    public long packets(int entry, int direction) {
        return stats[entry * STATS + S_PACKETS + direction];
    }

    /** Wire bytes (Ethernet frame lengths as given to {@link #track}) seen in {@code direction}. */
    public long bytes(int entry, int direction) {
        return stats[entry * STATS + S_BYTES + direction];
    }

    /** Capture time of the flow's first frame, ns. */
    public long firstNs(int entry) {
        return firstNs[entry];
    }

    /** The latest capture time of the flow's frames, ns. */
    public long lastNs(int entry) {
        return lastNs[entry];
    }

    /** When the flow expires unless another frame comes: last time + timeout for its protocol and state, ns. */
    public long deadlineNs(int entry) {
        return deadline(entry, flags[entry]);
    }

    /** Bit {@code i} set: script {@code i} passed the flow (is done with it). */
    public long passedMask(int entry) {
        return stats[entry * STATS + S_PASSED];
    }

    public void passedMask(int entry, long mask) {
        stats[entry * STATS + S_PASSED] = mask;
    }

    /** Bit {@code i} set: script {@code i} blocked the flow. */
    public long blockedMask(int entry) {
        return stats[entry * STATS + S_BLOCKED];
    }

    public void blockedMask(int entry, long mask) {
        stats[entry * STATS + S_BLOCKED] = mask;
    }

    /**
     * Transport payload bytes seen in {@code direction} (TCP/UDP data after the headers, as far as captured; the
     * whole L4 payload for other protocols), including the last frame's: what {@code --inspect-bytes} limits.
     */
    public long payloadBytes(int entry, int direction) {
        return stats[entry * STATS + S_PAYLOAD + direction];
    }

    /**
     * Clears decision bit {@code bit} in every flow (a reloaded script may decide differently). Visits every entry:
     * for the reload path, not the packet path. Allocates nothing.
     */
    public void clearDecisions(int bit) {
        clearDecisionMask(1L << bit);
    }

    /** Clears the decision bits of {@code mask} in every flow, in one pass. Allocates nothing. */
    public void clearDecisionMask(long mask) {
        long keep = ~mask;
        for (int e = 0; e < maxFlows; e++) {
            stats[e * STATS + S_PASSED] &= keep;
            stats[e * STATS + S_BLOCKED] &= keep;
        }
    }

    // ---- counters

    /** The bound given at construction. */
    public int maxFlows() {
        return maxFlows;
    }

    /** Flows in the table now. */
    public int active() {
        return active;
    }

    /** Flows created since construction. */
    public long created() {
        return created;
    }

    /** Flows ended idle past their timeout (or a closed TCP flow whose port was reused). */
    public long expired() {
        return expired;
    }

    /** Flows ended to make room in a full table. */
    public long evicted() {
        return evicted;
    }

    /** Flows ended by {@link #remove}. */
    public long removed() {
        return removed;
    }

    /** Frames that found the table full with no flow allowed to make room ("could not track"). */
    public long untracked() {
        return untracked;
    }

    /** Frames without a flow key (non-IP, later fragments, truncated or malformed headers). */
    public long noFlow() {
        return noFlow;
    }

    /** Bytes held by this table's arrays (fixed at construction). */
    public long memoryBytes() {
        return 8L * index.length
                + 8L * keys.length
                + 4L * hashes.length
                + 8L * (ids.length + firstNs.length + lastNs.length + stats.length)
                + 4L * (flags.length + prev.length + next.length);
    }
}
