package io.npflua.tools.cli;

import io.npflua.engine.flow.FlowTableOptions;
import io.npflua.engine.flow.FlowTimeouts;
import io.npflua.engine.flow.FlowTracking;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Flow tracking as the command line and the configuration file set it: each field null (or the map empty) where
 * not set, so that the command line overrides the file field by field ({@link #over}); {@link #tracking()} makes
 * the engine's {@link FlowTracking}.
 *
 * @param enabled      {@code --no-flows} / {@code flows.enabled}
 * @param maxFlows     {@code --max-flows} / {@code flows.max}: per worker
 * @param inspectBytes {@code --inspect-bytes} / {@code flows.inspect_bytes}
 * @param timeouts     {@code --flow-timeout NAME=SECONDS} / {@code flows.timeouts.NAME}, by {@link #TIMEOUT_NAMES}
 */
record FlowSettings(Boolean enabled, Long maxFlows, Long inspectBytes, Map<String, Duration> timeouts) {
    /** The timeout names, in the order of {@link FlowTimeouts}'s components. */
    static final List<String> TIMEOUT_NAMES = List.of(
            "tcp_new",
            "tcp_established",
            "tcp_closing",
            "tcp_closed",
            "udp_new",
            "udp_established",
            "icmp",
            "other_new",
            "other_established");

    FlowSettings {
        timeouts = Map.copyOf(timeouts);
    }

    /** Nothing set. */
    static FlowSettings none() {
        return new FlowSettings(null, null, null, Map.of());
    }

    /** These settings where set, else {@code base}'s (timeouts merged name by name). */
    FlowSettings over(FlowSettings base) {
        Map<String, Duration> t = new LinkedHashMap<>(base.timeouts);
        t.putAll(timeouts);
        return new FlowSettings(
                enabled != null ? enabled : base.enabled,
                maxFlows != null ? maxFlows : base.maxFlows,
                inspectBytes != null ? inspectBytes : base.inspectBytes,
                t);
    }

    /**
     * Checks a timeout name and value ({@code where} names the setting in messages) and returns the duration.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    static Duration timeout(String name, double seconds, String where) {
        if (!TIMEOUT_NAMES.contains(name)) {
            throw new IllegalArgumentException(
                    "unknown flow timeout '" + name + "' in " + where + "; known: " + String.join(", ", TIMEOUT_NAMES));
        }
        if (!(seconds > 0) || seconds > 365 * 86400.0) {
            throw new IllegalArgumentException(where + ": flow timeout " + name
                    + " must be more than 0 and at most a year of seconds, got " + seconds);
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    /** The engine's settings: the defaults where nothing was set. */
    FlowTracking tracking() {
        FlowTracking t = FlowTracking.defaults();
        if (enabled != null) {
            t = t.withEnabled(enabled);
        }
        FlowTableOptions table = t.table();
        if (maxFlows != null) {
            if (maxFlows < 1 || maxFlows > FlowTableOptions.MAX_FLOWS_LIMIT) {
                throw CliFailure.usage(
                        "--max-flows " + maxFlows,
                        "must be 1.." + FlowTableOptions.MAX_FLOWS_LIMIT + " per worker",
                        null);
            }
            table = table.withMaxFlows(maxFlows.intValue());
        }
        if (!timeouts.isEmpty()) {
            FlowTimeouts d = table.timeouts();
            Duration[] v = {
                d.tcpNew(),
                d.tcpEstablished(),
                d.tcpClosing(),
                d.tcpClosed(),
                d.udpNew(),
                d.udpEstablished(),
                d.icmp(),
                d.otherNew(),
                d.otherEstablished()
            };
            for (int i = 0; i < v.length; i++) {
                v[i] = timeouts.getOrDefault(TIMEOUT_NAMES.get(i), v[i]);
            }
            table = table.withTimeouts(new FlowTimeouts(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]));
        }
        t = t.withTable(table);
        if (inspectBytes != null) {
            t = t.withInspectBytes(inspectBytes);
        }
        return t;
    }
}
