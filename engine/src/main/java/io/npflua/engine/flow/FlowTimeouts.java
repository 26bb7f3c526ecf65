package io.npflua.engine.flow;

import java.time.Duration;
import java.util.Objects;

/**
 * Idle timeouts per protocol and state: a flow that sees no packet for this long (in capture time) ends.
 *
 * <p>Defaults ({@link #defaults()}) and where they come from (facts read from the Linux conntrack sysctl
 * documentation and Suricata's default {@code flow-timeouts}; no code taken):
 * <table>
 *   <caption>Default idle timeouts</caption>
 *   <tr><th>protocol / state</th><th>default</th><th>conntrack / Suricata defaults</th></tr>
 *   <tr><td>TCP new (half-open)</td><td>30 s</td><td>syn_sent 120 s, syn_recv 60 s / tcp new 60 s, default new
 *       30 s. Shorter: half-open flows are what a SYN flood fills the table with.</td></tr>
 *   <tr><td>TCP established</td><td>3600 s</td><td>432000 s (5 days, NAT must not forget) / 600 s. An hour: a
 *       forgotten flow here only restarts as NEW and is judged again, and firewalls commonly use an hour.</td></tr>
 *   <tr><td>TCP closing (one FIN)</td><td>30 s</td><td>fin_wait 120 s, close_wait 60 s, last_ack 30 s</td></tr>
 *   <tr><td>TCP closed (FINs both ways, RST)</td><td>10 s</td><td>close 10 s, time_wait 120 s / closed 60 s.
 *       Short: a reused port ends a CLOSED flow at once anyway (SYN on a closed flow).</td></tr>
 *   <tr><td>UDP new</td><td>60 s</td><td>udp 30 s / udp new 30 s; longer for one-way streams seen on a tap</td></tr>
 *   <tr><td>UDP established</td><td>180 s</td><td>udp_stream 120 s (180 s before Linux 5.0) / udp established
 *       300 s</td></tr>
 *   <tr><td>ICMP, ICMPv6 (any state)</td><td>30 s</td><td>icmp 30 s / icmp new 30 s</td></tr>
 *   <tr><td>other protocols new / established</td><td>60 s / 600 s</td><td>generic 600 s / default 30 s and
 *       300 s</td></tr>
 * </table>
 * Every value must be positive.
 */
public record FlowTimeouts(
        Duration tcpNew,
        Duration tcpEstablished,
        Duration tcpClosing,
        Duration tcpClosed,
        Duration udpNew,
        Duration udpEstablished,
        Duration icmp,
        Duration otherNew,
        Duration otherEstablished) {

    public FlowTimeouts {
        for (Duration d : new Duration[] {
            tcpNew, tcpEstablished, tcpClosing, tcpClosed, udpNew, udpEstablished, icmp, otherNew, otherEstablished
        }) {
            Objects.requireNonNull(d, "timeout");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("flow timeouts must be positive, got " + d);
            }
        }
    }

    /** The defaults in the table above. */
    public static FlowTimeouts defaults() {
        return new FlowTimeouts(
                Duration.ofSeconds(30),
                Duration.ofSeconds(3600),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                Duration.ofSeconds(180),
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                Duration.ofSeconds(600));
    }

    /** Every timeout set to {@code d} (tests). */
    public static FlowTimeouts all(Duration d) {
        return new FlowTimeouts(d, d, d, d, d, d, d, d, d);
    }

    public FlowTimeouts withTcp(Duration newFlow, Duration established, Duration closing, Duration closed) {
        return new FlowTimeouts(
                newFlow, established, closing, closed, udpNew, udpEstablished, icmp, otherNew, otherEstablished);
    }

    public FlowTimeouts withUdp(Duration newFlow, Duration established) {
        return new FlowTimeouts(
                tcpNew, tcpEstablished, tcpClosing, tcpClosed, newFlow, established, icmp, otherNew, otherEstablished);
    }

    public FlowTimeouts withIcmp(Duration any) {
        return new FlowTimeouts(
                tcpNew, tcpEstablished, tcpClosing, tcpClosed, udpNew, udpEstablished, any, otherNew, otherEstablished);
    }

    public FlowTimeouts withOther(Duration newFlow, Duration established) {
        return new FlowTimeouts(
                tcpNew, tcpEstablished, tcpClosing, tcpClosed, udpNew, udpEstablished, icmp, newFlow, established);
    }
}
