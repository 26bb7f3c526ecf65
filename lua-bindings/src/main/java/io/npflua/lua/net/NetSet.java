package io.npflua.lua.net;

import io.npflua.lua.string.CanonicalStrings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;

/**
 * An immutable set of IP prefixes, IPv4 and IPv6: {@code net.set{'198.18.0.0/15', '2001:db8::/32'}} in Lua, with
 * {@code s:contains(address or prefix)} and {@code #s}. Java code tests an address held as two halves with
 * {@link #contains(long, long, int)}. Thread-safe.
 *
 * <p>The prefixes are kept per family as sorted, disjoint, non-adjacent address ranges (overlapping and adjacent
 * prefixes merged when the set is built). A lookup is a binary search: at most ⌈log2(ranges + 1)⌉ steps, 14 for
 * 10,000 ranges, and never more than the address width (32 or 128), over primitive arrays — no trie nodes to chase.
 */
public final class NetSet extends LuaUserdata implements AddressMatcher {
    /** The most prefixes one set is built from (a bound on the memory a script can ask for: 32 MiB of ranges). */
    public static final int MAX_PREFIXES = 1_000_000;

    private static final LuaString CONTAINS = CanonicalStrings.of("contains");
    private static final LuaValue CONTAINS_METHOD = new ContainsFunction("net set", "s");
    private static final Object INSTANCE = "net set";

    /** IPv4 ranges: first and last address, unsigned 32-bit values in longs, sorted and disjoint. */
    private final long[] v4First;

    private final long[] v4Last;

    /** IPv6 ranges: first and last address as halves, compared unsigned, sorted and disjoint. */
    private final long[] v6FirstHi;

    private final long[] v6FirstLo;
    private final long[] v6LastHi;
    private final long[] v6LastLo;

    /** Distinct prefixes the set was built from. */
    private final int size;

    private NetSet(List<NetPrefix> prefixes) {
        super(INSTANCE);
        List<NetPrefix> sorted = new ArrayList<>(prefixes);
        sorted.sort(Comparator.comparingInt(NetPrefix::family)
                .thenComparing(NetPrefix::hi, Long::compareUnsigned)
                .thenComparing(NetPrefix::lo, Long::compareUnsigned)
                .thenComparingInt(NetPrefix::length));
        int distinct = 0;
        int v4 = 0;
        long[][] ranges = new long[4][sorted.size()];
        int n = 0;
        int lastFamily = 0;
        NetPrefix previous = null;
        for (NetPrefix p : sorted) {
            if (previous == null || !sameAs(previous, p)) {
                distinct++;
            }
            previous = p;
            if (p.family() == lastFamily && continuesRange(ranges, n, p)) {
                // Overlapping or adjacent: extend the last range when this prefix ends later.
                if (compare(p.lastHi(), p.lastLo(), ranges[2][n - 1], ranges[3][n - 1]) > 0) {
                    ranges[2][n - 1] = p.lastHi();
                    ranges[3][n - 1] = p.lastLo();
                }
                continue;
            }
            ranges[0][n] = p.hi();
            ranges[1][n] = p.lo();
            ranges[2][n] = p.lastHi();
            ranges[3][n] = p.lastLo();
            n++;
            lastFamily = p.family();
            if (p.family() == 4) {
                v4 = n;
            }
        }
        size = distinct;
        v4First = Arrays.copyOfRange(ranges[1], 0, v4);
        v4Last = Arrays.copyOfRange(ranges[3], 0, v4);
        v6FirstHi = Arrays.copyOfRange(ranges[0], v4, n);
        v6FirstLo = Arrays.copyOfRange(ranges[1], v4, n);
        v6LastHi = Arrays.copyOfRange(ranges[2], v4, n);
        v6LastLo = Arrays.copyOfRange(ranges[3], v4, n);
    }

    private static boolean sameAs(NetPrefix a, NetPrefix b) {
        return a.family() == b.family() && a.hi() == b.hi() && a.lo() == b.lo() && a.length() == b.length();
    }

    /** Whether {@code p} (sorted after the last range, same family) starts at most one address past its end. */
    private static boolean continuesRange(long[][] ranges, int n, NetPrefix p) {
        long lastHi = ranges[2][n - 1];
        long lastLo = ranges[3][n - 1];
        if (compare(p.hi(), p.lo(), lastHi, lastLo) <= 0) {
            return true;
        }
        // last + 1, with the carry into the high half; a range ending at the top address has no successor.
        long nextLo = lastLo + 1;
        long nextHi = nextLo == 0 ? lastHi + 1 : lastHi;
        boolean top = p.family() == 4 ? lastLo == 0xffff_ffffL : lastHi == -1L && lastLo == -1L;
        return !top && p.hi() == nextHi && p.lo() == nextLo;
    }

    private static int compare(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compareUnsigned(aHi, bHi);
        return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
    }

    /** A set of these prefixes (duplicates and overlaps allowed). */
    public static NetSet of(List<NetPrefix> prefixes) {
        if (prefixes.size() > MAX_PREFIXES) {
            throw new IllegalArgumentException(
                    "a net set holds at most " + MAX_PREFIXES + " prefixes, got " + prefixes.size());
        }
        return new NetSet(prefixes);
    }

    /** The number of distinct prefixes the set was built from. */
    public int size() {
        return size;
    }

    /**
     * Whether the address is in one of the set's prefixes. Allocates nothing; a binary search over the family's
     * ranges.
     *
     * @param hi      bytes 0–7 of an IPv6 address (0 for IPv4)
     * @param lo      bytes 8–15 of an IPv6 address, or the IPv4 address in the low 32 bits
     * @param version 4 or 6
     */
    @Override
    public boolean contains(long hi, long lo, int version) {
        return version == 4
                ? containsV4(lo & 0xffff_ffffL, lo & 0xffff_ffffL)
                : version == 6 && containsV6(hi, lo, hi, lo);
    }

    /** Whether every address of {@code p} is in the set (in one prefix or spread over several). */
    @Override
    public boolean contains(NetPrefix p) {
        return p.family() == 4 ? containsV4(p.lo(), p.lastLo()) : containsV6(p.hi(), p.lo(), p.lastHi(), p.lastLo());
    }

    private boolean containsV4(long first, long last) {
        // The last range starting at or before first; ranges never touch, so it alone can hold [first, last].
        int low = 0;
        int high = v4First.length - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (v4First[mid] <= first) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found >= 0 && last <= v4Last[found];
    }

    private boolean containsV6(long firstHi, long firstLo, long lastHi, long lastLo) {
        int low = 0;
        int high = v6FirstHi.length - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (compare(v6FirstHi[mid], v6FirstLo[mid], firstHi, firstLo) <= 0) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found >= 0 && compare(lastHi, lastLo, v6LastHi[found], v6LastLo[found]) <= 0;
    }

    @Override
    public LuaValue get(LuaValue key) {
        return key == CONTAINS || key.raweq(CONTAINS) ? CONTAINS_METHOD : NIL;
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
        throw new LuaError("a net set is immutable (tried to set '" + key.tojstring() + "')");
    }

    @Override
    public LuaValue len() {
        return valueOf(size);
    }

    @Override
    public int length() {
        return size;
    }

    @Override
    public String tojstring() {
        return "net set: " + size + " prefixes (" + v4First.length + " IPv4 and " + v6FirstHi.length + " IPv6 ranges)";
    }
}
