package io.npflua.lua.net;

import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;

/**
 * IP addresses as text, both ways: the project's one parser and one formatter. Addresses are held as two 64-bit
 * halves, big-endian ({@code hi} holds bytes 0–7 of an IPv6 address, {@code lo} bytes 8–15); an IPv4 address is the
 * low 32 bits of {@code lo} with {@code hi} 0 — the form of the engine's flow keys.
 *
 * <p><b>Parsing</b> ({@link AddressParser}) accepts what glibc's {@code inet_pton} accepts and nothing else: IPv4 as
 * exactly four decimal parts 0–255 without leading zeros ({@code 01.2.3.4} is refused); IPv6 per RFC 4291 §2.2 (one to
 * four hex digits a group, either case, one {@code ::} standing for one or more zero groups, a dotted IPv4 address as
 * the last 32 bits). No zone ids ({@code fe80::1%eth0}), no brackets, no surrounding space.
 *
 * <p><b>Formatting</b> is canonical: dotted quad for IPv4; RFC 5952 for IPv6 (lowercase, no leading zeros, the longest
 * run of two or more zero groups — the first of equal runs — becomes {@code ::}, a single zero group stays {@code 0}),
 * and IPv4-mapped addresses ({@code ::ffff:0:0/96}) in the mixed form {@code ::ffff:198.18.0.1} (RFC 5952 §5; Python
 * 3.13's {@code ipaddress} and glibc's {@code inet_ntop} print them so too).
 */
public final class NetAddresses {
    /** The longest canonical text: {@code ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff} (39) or a mapped form (up to 22). */
    public static final int MAX_TEXT_LENGTH = 39;

    /** The longest text the parser reads: {@code 0000:0000:0000:0000:0000:0000:255.255.255.255}. */
    static final int MAX_INPUT_LENGTH = 45;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private NetAddresses() {}

    /**
     * The canonical text of an address as a new Lua string (one {@code byte[]} of {@link #MAX_TEXT_LENGTH} and the
     * {@link LuaString} over its first bytes).
     *
     * @param version 4 or 6
     */
    public static LuaString format(long hi, long lo, int version) {
        byte[] text = new byte[MAX_TEXT_LENGTH];
        return LuaString.valueUsing(text, 0, formatTo(text, 0, hi, lo, version));
    }

    /** The canonical text of an address as a Java string (logs, listings). */
    public static String toString(long hi, long lo, int version) {
        byte[] text = new byte[MAX_TEXT_LENGTH];
        return new String(text, 0, formatTo(text, 0, hi, lo, version), StandardCharsets.US_ASCII);
    }

    /**
     * Writes the canonical text of an address at {@code dst[offset]} and returns its length (at most
     * {@link #MAX_TEXT_LENGTH}). Allocates nothing.
     *
     * @param version 4 or 6
     * @throws IllegalArgumentException for another version
     */
    public static int formatTo(byte[] dst, int offset, long hi, long lo, int version) {
        if (version == 4) {
            return formatV4(dst, offset, (int) lo);
        }
        if (version != 6) {
            throw new IllegalArgumentException("IP version must be 4 or 6, got " + version);
        }
        int p = offset;
        if (hi == 0 && lo >>> 32 == 0xffffL) {
            // RFC 5952 §5: an IPv4-mapped address keeps its IPv4 part dotted.
            p = put(dst, p, "::ffff:");
            return p - offset + formatV4(dst, p, (int) lo);
        }
        // RFC 5952 §4.2: the longest run of two or more zero groups (the first of equal runs) becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        int runStart = -1;
        for (int i = 0; i <= 8; i++) {
            if (i < 8 && group(hi, lo, i) == 0) {
                if (runStart < 0) {
                    runStart = i;
                }
            } else if (runStart >= 0) {
                if (i - runStart > bestLength) {
                    bestStart = runStart;
                    bestLength = i - runStart;
                }
                runStart = -1;
            }
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                dst[p++] = ':';
                dst[p++] = ':';
                i += bestLength - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLength) {
                dst[p++] = ':';
            }
            p = hex(dst, p, group(hi, lo, i));
        }
        return p - offset;
    }

    private static int group(long hi, long lo, int i) {
        return (int) ((i < 4 ? hi : lo) >>> (48 - 16 * (i & 3))) & 0xffff;
    }

    private static int formatV4(byte[] dst, int offset, int address) {
        int p = offset;
        for (int shift = 24; shift >= 0; shift -= 8) {
            int octet = address >>> shift & 0xff;
            if (octet >= 100) {
                dst[p++] = (byte) ('0' + octet / 100);
            }
            if (octet >= 10) {
                dst[p++] = (byte) ('0' + octet / 10 % 10);
            }
            dst[p++] = (byte) ('0' + octet % 10);
            if (shift > 0) {
                dst[p++] = '.';
            }
        }
        return p - offset;
    }

    private static int hex(byte[] dst, int p, int group) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int digit = group >>> shift & 0xf;
            if (digit != 0 || started || shift == 0) {
                dst[p++] = HEX[digit];
                started = true;
            }
        }
        return p;
    }

    private static int put(byte[] dst, int p, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            dst[p++] = (byte) ascii.charAt(i);
        }
        return p;
    }

    /** {@code text} quoted for an error message: at most 64 bytes, control and non-ASCII bytes as {@code \ddd}. */
    static String quote(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder(Math.min(len, 64) + 8).append('\'');
        for (int i = 0; i < Math.min(len, 64); i++) {
            int c = b[off + i] & 0xff;
            if (c < 0x20 || c >= 0x7f || c == '\\' || c == '\'') {
                s.append('\\').append(c);
            } else {
                s.append((char) c);
            }
        }
        return s.append(len > 64 ? "'..." : "'").toString();
    }
}
