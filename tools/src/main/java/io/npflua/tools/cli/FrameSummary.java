package io.npflua.tools.cli;

import io.npflua.engine.flow.FlowFormat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One-line descriptions of Ethernet frames in the spirit of {@code tcpdump -n}: time, addresses and ports, protocol,
 * TCP flags, lengths; VLAN tags, IPv4, IPv6, TCP, UDP, ICMP and ICMPv6, ARP; the banner of an SSH greeting and the
 * payload type of what looks like RTP. Never throws on a short or odd frame: it says what it could read.
 */
final class FrameSummary {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private FrameSummary() {}

    /** The summary of {@code frame} (captured bytes) of {@code wireLength} bytes on the wire, captured at {@code tsNs}. */
    static String describe(byte[] frame, int wireLength, long timestampNs) {
        return time(timestampNs) + " " + body(frame, wireLength);
    }

    /** {@code HH:mm:ss.uuuuuu} in UTC. */
    static String time(long timestampNs) {
        Instant t = Instant.ofEpochSecond(
                Math.floorDiv(timestampNs, 1_000_000_000L), Math.floorMod(timestampNs, 1_000_000_000L));
        return TIME.format(t) + String.format(".%06d", t.getNano() / 1000);
    }

    /** The summary without the time. */
    static String body(byte[] f, int wireLength) {
        StringBuilder sb = new StringBuilder();
        if (f.length < 14) {
            return "truncated Ethernet frame, length " + wireLength;
        }
        int type = u16(f, 12);
        int off = 14;
        while ((type == 0x8100 || type == 0x88a8) && off + 4 <= f.length) {
            sb.append("vlan ").append(u16(f, off) & 0x0fff).append(", ");
            type = u16(f, off + 2);
            off += 4;
        }
        switch (type) {
            case 0x0800 -> ipv4(f, off, sb);
            case 0x86dd -> ipv6(f, off, sb);
            case 0x0806 -> sb.append("ARP");
            default -> sb.append(String.format("ethertype 0x%04x", type));
        }
        return sb.append(", length ").append(wireLength).toString();
    }

    private static void ipv4(byte[] f, int off, StringBuilder sb) {
        if (off + 20 > f.length) {
            sb.append("IP truncated");
            return;
        }
        int ihl = (f[off] & 0x0f) * 4;
        int total = u16(f, off + 2);
        int proto = f[off + 9] & 0xff;
        String src = (f[off + 12] & 0xff) + "." + (f[off + 13] & 0xff) + "." + (f[off + 14] & 0xff) + "."
                + (f[off + 15] & 0xff);
        String dst = (f[off + 16] & 0xff) + "." + (f[off + 17] & 0xff) + "." + (f[off + 18] & 0xff) + "."
                + (f[off + 19] & 0xff);
        boolean fragment = (u16(f, off + 6) & 0x1fff) != 0;
        int end = Math.min(f.length, off + Math.max(total, ihl));
        sb.append("IP ");
        if (fragment) {
            sb.append(src)
                    .append(" > ")
                    .append(dst)
                    .append(": fragment, proto ")
                    .append(proto);
            return;
        }
        transport(f, off + ihl, end, proto, src, dst, sb, false);
    }

    private static void ipv6(byte[] f, int off, StringBuilder sb) {
        if (off + 40 > f.length) {
            sb.append("IP6 truncated");
            return;
        }
        int payload = u16(f, off + 4);
        int next = f[off + 6] & 0xff;
        String src = ipv6Address(f, off + 8);
        String dst = ipv6Address(f, off + 24);
        sb.append("IP6 ");
        transport(f, off + 40, Math.min(f.length, off + 40 + payload), next, src, dst, sb, true);
    }

    private static void transport(
            byte[] f, int off, int end, int proto, String src, String dst, StringBuilder sb, boolean v6) {
        switch (proto) {
            case 6 -> {
                if (off + 20 > end) {
                    sb.append(src).append(" > ").append(dst).append(": TCP truncated");
                    return;
                }
                int sport = u16(f, off);
                int dport = u16(f, off + 2);
                int dataOff = ((f[off + 12] & 0xff) >> 4) * 4;
                int payload = Math.max(0, end - off - dataOff);
                sb.append(src)
                        .append('.')
                        .append(sport)
                        .append(" > ")
                        .append(dst)
                        .append('.')
                        .append(dport)
                        .append(": TCP [")
                        .append(tcpFlags(f[off + 13] & 0xff))
                        .append("], payload ")
                        .append(payload);
                if (payload > 0) {
                    sshBanner(f, off + dataOff, end, sb);
                }
            }
            case 17 -> {
                if (off + 8 > end) {
                    sb.append(src).append(" > ").append(dst).append(": UDP truncated");
                    return;
                }
                int sport = u16(f, off);
                int dport = u16(f, off + 2);
                int payload = Math.max(0, end - off - 8);
                sb.append(src)
                        .append('.')
                        .append(sport)
                        .append(" > ")
                        .append(dst)
                        .append('.')
                        .append(dport)
                        .append(": UDP, payload ")
                        .append(payload);
                rtp(f, off + 8, end, sport, dport, sb);
            }
            case 1, 58 -> {
                sb.append(src).append(" > ").append(dst).append(": ").append(v6 ? "ICMP6" : "ICMP");
                if (off + 2 <= end) {
                    int t = f[off] & 0xff;
                    int code = f[off + 1] & 0xff;
                    sb.append(' ')
                            .append(icmpName(t, v6))
                            .append(" (type ")
                            .append(t)
                            .append(" code ")
                            .append(code)
                            .append(')');
                }
            }
            default ->
                sb.append(src).append(" > ").append(dst).append(": proto ").append(proto);
        }
    }

    private static String icmpName(int type, boolean v6) {
        if (v6) {
            return switch (type) {
                case 128 -> "echo request";
                case 129 -> "echo reply";
                case 133 -> "router solicitation";
                case 134 -> "router advertisement";
                case 135 -> "neighbor solicitation";
                case 136 -> "neighbor advertisement";
                case 1 -> "unreachable";
                default -> "message";
            };
        }
        return switch (type) {
            case 8 -> "echo request";
            case 0 -> "echo reply";
            case 3 -> "unreachable";
            case 11 -> "time exceeded";
            default -> "message";
        };
    }

    /** tcpdump's flag letters: S F R P . (ACK) U E W. */
    static String tcpFlags(int flags) {
        StringBuilder s = new StringBuilder();
        if ((flags & 0x02) != 0) {
            s.append('S');
        }
        if ((flags & 0x01) != 0) {
            s.append('F');
        }
        if ((flags & 0x04) != 0) {
            s.append('R');
        }
        if ((flags & 0x08) != 0) {
            s.append('P');
        }
        if ((flags & 0x20) != 0) {
            s.append('U');
        }
        if ((flags & 0x40) != 0) {
            s.append('E');
        }
        if ((flags & 0x80) != 0) {
            s.append('W');
        }
        if ((flags & 0x10) != 0) {
            s.append('.');
        }
        return s.length() == 0 ? "none" : s.toString();
    }

    private static void sshBanner(byte[] f, int off, int end, StringBuilder sb) {
        if (end - off < 4 || f[off] != 'S' || f[off + 1] != 'S' || f[off + 2] != 'H' || f[off + 3] != '-') {
            return;
        }
        StringBuilder banner = new StringBuilder();
        for (int i = off; i < end && banner.length() < 80; i++) {
            int c = f[i] & 0xff;
            if (c == '\r' || c == '\n') {
                break;
            }
            banner.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        sb.append(", SSH banner \"").append(banner).append('"');
    }

    private static void rtp(byte[] f, int off, int end, int sport, int dport, StringBuilder sb) {
        // RTP has no port of its own; tcpdump needs -T rtp. Even ports above 1023 with version 2 are a fair guess.
        if (end - off < 12
                || sport < 1024
                || dport < 1024
                || (sport & 1) != 0
                || (dport & 1) != 0
                || ((f[off] & 0xff) >> 6) != 2) {
            return;
        }
        sb.append(", RTP? PT ").append(f[off + 1] & 0x7f).append(" seq ").append(u16(f, off + 2));
    }

    private static String ipv6Address(byte[] f, int off) {
        // RFC 5952 text, as the flow table prints addresses.
        return FlowFormat.address(6, u64(f, off), u64(f, off + 8));
    }

    private static long u64(byte[] f, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (f[off + i] & 0xff);
        }
        return v;
    }

    private static int u16(byte[] f, int off) {
        return ((f[off] & 0xff) << 8) | (f[off + 1] & 0xff);
    }
}
