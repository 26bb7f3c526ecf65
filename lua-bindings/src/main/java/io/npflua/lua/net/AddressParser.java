package io.npflua.lua.net;

/**
 * Parses address and prefix text in place from bytes (a {@code LuaString}'s array): a mutable flyweight whose
 * {@link #parseAddress} / {@link #parsePrefix} refill {@link #hi}, {@link #lo} and {@link #length}. One instance per
 * thread ({@link #current()}); allocates nothing. The grammar is {@link NetAddresses}'s.
 */
final class AddressParser {
    private static final ThreadLocal<AddressParser> PER_THREAD = ThreadLocal.withInitial(AddressParser::new);

    /** The address or network, {@link NetAddresses}'s two-halves form. */
    long hi;

    long lo;

    /** {@link AddressParser#error} of a prefix whose address has bits set past its length. */
    static final String HOST_BITS = "host bits set";

    /** The family of the last address or prefix read (4 or 6), also when a prefix failed for its length. */
    int family;

    /** The prefix length ({@link #parsePrefix}); 32 or 128 for a bare address. */
    int length;

    /** Why the last parse failed (a constant phrase), or null. */
    String error;

    /** This thread's parser (scratch space: never keep a result across calls that may parse). */
    static AddressParser current() {
        return PER_THREAD.get();
    }

    /** Parses an address: returns 4 or 6, or 0 with {@link #error} set. */
    int parseAddress(byte[] b, int off, int len) {
        error = null;
        if (len == 0 || len > NetAddresses.MAX_INPUT_LENGTH) {
            return fail(len == 0 ? "empty" : "too long for an address");
        }
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (c == ':') {
                return parseV6(b, off, end) ? 6 : 0;
            }
            if (c == '.') {
                break;
            }
        }
        long v4 = parseV4(b, off, end);
        if (v4 < 0) {
            return fail("not an IPv4 or IPv6 address");
        }
        hi = 0;
        lo = v4;
        return 4;
    }

    /**
     * Parses {@code address/length} or a bare address (a host prefix): returns the family, or 0 with {@link #error}
     * set. The length is decimal without a sign or leading zeros, 0–32 or 0–128; bits past it must be zero.
     */
    int parsePrefix(byte[] b, int off, int len) {
        error = null;
        if (len > NetAddresses.MAX_INPUT_LENGTH + 4) {
            return fail("too long for a prefix");
        }
        int slash = -1;
        for (int i = off + len - 1; i >= off; i--) {
            if (b[i] == '/') {
                slash = i;
                break;
            }
        }
        int family = parseAddress(b, off, slash < 0 ? len : slash - off);
        this.family = family;
        if (family == 0) {
            return 0;
        }
        int max = family == 4 ? 32 : 128;
        if (slash < 0) {
            length = max;
            return family;
        }
        int end = off + len;
        int n = -1;
        for (int i = slash + 1; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9 || n == 0) {
                return fail("the length must be a decimal number without leading zeros");
            }
            n = n < 0 ? d : n * 10 + d;
        }
        if (n < 0) {
            return fail("no length after '/'");
        }
        if (n > max) {
            return fail(
                    family == 4 ? "an IPv4 prefix length must be 0 to 32" : "an IPv6 prefix length must be 0 to 128");
        }
        length = n;
        if (family == 4 ? (lo & ~maskV4(n)) != 0 : (hi & ~maskHi(n)) != 0 || (lo & ~maskLo(n)) != 0) {
            return fail(HOST_BITS);
        }
        return family;
    }

    private int fail(String why) {
        error = why;
        return 0;
    }

    /** The IPv4 netmask of a prefix length as the low 32 bits of a long. */
    static long maskV4(int length) {
        return length == 0 ? 0 : 0xffff_ffffL << (32 - length) & 0xffff_ffffL;
    }

    /** The high half of the IPv6 netmask of a prefix length. */
    static long maskHi(int length) {
        return length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
    }

    /** The low half of the IPv6 netmask of a prefix length. */
    static long maskLo(int length) {
        return length <= 64 ? 0 : -1L << (128 - length);
    }

    /** Four decimal parts 0–255 without leading zeros filling {@code [i, end)}: the address, or -1. */
    static long parseV4(byte[] b, int i, int end) {
        long v = 0;
        for (int part = 0; ; part++) {
            if (i >= end) {
                return -1;
            }
            int octet = b[i++] - '0';
            if (octet < 0 || octet > 9) {
                return -1;
            }
            int d;
            while (i < end && (d = b[i] - '0') >= 0 && d <= 9) {
                if (octet == 0) {
                    return -1; // a leading zero: inet_pton refuses it (it was octal to inet_aton)
                }
                octet = octet * 10 + d;
                if (octet > 255) {
                    return -1;
                }
                i++;
            }
            v = v << 8 | octet;
            if (part == 3) {
                return i == end ? v : -1;
            }
            if (i >= end || b[i] != '.') {
                return -1;
            }
            i++;
        }
    }

    /**
     * RFC 4291 §2.2 text in {@code [i, end)} into {@link #hi}/{@link #lo}. Groups are shifted into a 128-bit register;
     * at {@code ::} the groups read so far are set aside, and at the end they are shifted up past the zeros that the
     * {@code ::} stands for.
     */
    private boolean parseV6(byte[] b, int i, int end) {
        long rh = 0;
        long rl = 0;
        long beforeHi = 0;
        long beforeLo = 0;
        int groups = 0;
        int gap = -1; // groups before "::", or -1 when there is none
        if (b[i] == ':') {
            if (i + 1 >= end || b[i + 1] != ':') {
                return failed("a leading ':' must be part of '::'");
            }
            i += 2;
            gap = 0;
        }
        while (i < end) {
            int start = i;
            int value = 0;
            int digits = 0;
            for (; i < end; i++) {
                int h = hexValue(b[i]);
                if (h < 0) {
                    break;
                }
                value = value << 4 | h;
                digits++;
            }
            if (i < end && b[i] == '.') {
                long v4 = parseV4(b, start, end);
                if (v4 < 0 || groups > (gap < 0 ? 6 : 5)) {
                    return failed(v4 < 0 ? "bad embedded IPv4 address" : "too many groups");
                }
                rh = rh << 32 | rl >>> 32;
                rl = rl << 32 | v4;
                groups += 2;
                break;
            }
            if (digits == 0 || digits > 4) {
                return failed(digits == 0 ? "empty group" : "more than four hex digits in a group");
            }
            if (++groups > 8) {
                return failed("too many groups");
            }
            rh = rh << 16 | rl >>> 48;
            rl = rl << 16 | value;
            if (i == end) {
                break;
            }
            if (b[i] != ':') {
                return failed(b[i] == '%' ? "zone ids are not accepted" : "unexpected character");
            }
            if (++i == end) {
                return failed("a trailing ':' must be part of '::'");
            }
            if (b[i] == ':') {
                if (gap >= 0) {
                    return failed("more than one '::'");
                }
                gap = groups;
                beforeHi = rh;
                beforeLo = rl;
                rh = 0;
                rl = 0;
                i++;
            }
        }
        if (gap < 0) {
            if (groups != 8) {
                return failed("too few groups");
            }
            hi = rh;
            lo = rl;
            return true;
        }
        if (groups > 7) {
            return failed("'::' must stand for at least one group");
        }
        // The groups before "::" move up to the top: shift them left by 16 bits per group not before the gap.
        int shift = 16 * (8 - gap);
        if (shift >= 128) {
            beforeHi = 0;
            beforeLo = 0;
        } else if (shift >= 64) {
            beforeHi = beforeLo << (shift - 64);
            beforeLo = 0;
        } else {
            beforeHi = beforeHi << shift | beforeLo >>> (64 - shift);
            beforeLo <<= shift;
        }
        hi = beforeHi | rh;
        lo = beforeLo | rl;
        return true;
    }

    private boolean failed(String why) {
        error = why;
        return false;
    }

    private static int hexValue(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int lower = c | 0x20;
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }
}
