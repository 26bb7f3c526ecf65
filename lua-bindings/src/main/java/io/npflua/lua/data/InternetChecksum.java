package io.npflua.lua.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit big-endian words,
 * over any {@link MemorySegment} (a ring slot, a mapped file, a heap array). Sums can be chained with
 * {@link #add(MemorySegment, long, int, long)} to cover a pseudo header and a segment, then {@link #finish(long)}.
 * Nothing here allocates.
 */
public final class InternetChecksum {
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private InternetChecksum() {}

    /**
     * The checksum of {@code length} bytes at {@code offset}, ready to store big-endian in a header whose checksum
     * field was zero when summed. A region that already holds a correct checksum gives 0. Allocates nothing.
     */
    public static int checksum(MemorySegment segment, long offset, int length) {
        return finish(add(segment, offset, length, 0));
    }

    /**
     * Adds {@code length} bytes at {@code offset} to a running sum as 16-bit big-endian words; an odd last byte
     * is padded with zero. Chained regions must each start on an even position of the checksummed whole (true for
     * pseudo header + TCP/UDP/ICMP). Allocates nothing.
     */
    public static long add(MemorySegment segment, long offset, int length, long sum) {
        long at = offset;
        long end = offset + length;
        // 8 bytes at a time: the two 32-bit halves are summed in a 64-bit accumulator, folded at the end.
        while (end - at >= 8) {
            long word = segment.get(LONG_BE, at);
            sum += (word >>> 32) + (word & 0xFFFF_FFFFL);
            at += 8;
        }
        while (end - at >= 2) {
            sum += segment.get(SHORT_BE, at) & 0xFFFF;
            at += 2;
        }
        if (at < end) {
            sum += (segment.get(ValueLayout.JAVA_BYTE, at) & 0xFF) << 8;
        }
        return sum;
    }

    /** Adds one 16-bit value (a pseudo-header field) to a running sum. */
    public static long addWord(long sum, int word) {
        return sum + (word & 0xFFFF);
    }

    /** Folds a running sum to 16 bits and complements it: the value to store in the checksum field. */
    public static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /**
     * Sum of the IPv4 pseudo header (source, destination, zero, protocol, upper-layer length) read from the IPv4
     * header at {@code ipOffset}. Allocates nothing.
     */
    public static long ipv4PseudoHeader(MemorySegment segment, long ipOffset, int protocol, int upperLayerLength) {
        long sum = add(segment, ipOffset + 12, 8, 0);
        return sum + protocol + (upperLayerLength & 0xFFFF);
    }

    /**
     * Sum of the IPv6 pseudo header (source, destination, 32-bit upper-layer length, next header) read from the IPv6
     * header at {@code ipOffset}. Allocates nothing.
     */
    public static long ipv6PseudoHeader(MemorySegment segment, long ipOffset, int nextHeader, int upperLayerLength) {
        long sum = add(segment, ipOffset + 8, 32, 0);
        return sum + (upperLayerLength >>> 16) + (upperLayerLength & 0xFFFF) + nextHeader;
    }
}
