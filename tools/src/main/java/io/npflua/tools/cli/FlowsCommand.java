package io.npflua.tools.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code npflua flows}: the flow tables of a running engine, one line per flow (like {@code conntrack -L}). */
@Command(
        name = "flows",
        description = "List the flows of a running engine: key, state, age, packets and bytes each way, and which"
                + " scripts passed or blocked each flow.")
final class FlowsCommand extends ControlCommand {
    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "At most N flows per worker (default: ${DEFAULT-VALUE}; at most 100000).",
            defaultValue = "1000")
    long limit;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        Map<String, Object> reply = ControlCalls.send(control.socket(), c -> c.flows(limit));
        List<Object> flows = (List<Object>) reply.getOrDefault("flows", List.of());
        long unanswered = JsonValues.number(reply, "unanswered");
        printJsonOrText(
                json.json,
                () -> JsonValues.render(Map.of("flows", flows, "unanswered", unanswered)),
                () -> print(flows, unanswered, System.currentTimeMillis() / 1e3, out()));
        return ExitCodes.OK;
    }

    /** One line per flow, then a count; ages are taken against {@code nowSeconds} (capture times of live flows). */
    @SuppressWarnings("unchecked")
    static void print(List<Object> flows, long unanswered, double nowSeconds, PrintWriter out) {
        for (Object o : flows) {
            Map<String, Object> f = (Map<String, Object>) o;
            StringBuilder line = new StringBuilder();
            line.append(String.format(
                    Locale.ROOT,
                    "%-7s %-11s %s -> %s",
                    JsonValues.text(f, "proto"),
                    JsonValues.text(f, "state"),
                    endpoint(f, "src", "sport"),
                    endpoint(f, "dst", "dport")));
            long vlan = JsonValues.number(f, "vlan");
            if (vlan != 0) {
                line.append(" vlan ").append(vlan);
            }
            line.append(String.format(
                    Locale.ROOT,
                    " age %s idle %s orig %d pk %d B reply %d pk %d B",
                    seconds(nowSeconds - decimal(f, "first")),
                    seconds(nowSeconds - decimal(f, "last")),
                    JsonValues.number(f, "packets_orig"),
                    JsonValues.number(f, "bytes_orig"),
                    JsonValues.number(f, "packets_reply"),
                    JsonValues.number(f, "bytes_reply")));
            decided(line, "passed by", (List<Object>) f.get("passed_by"));
            decided(line, "blocked by", (List<Object>) f.get("blocked_by"));
            line.append(" id ")
                    .append(JsonValues.number(f, "id"))
                    .append(" worker ")
                    .append(JsonValues.number(f, "worker"));
            out.println(line);
        }
        out.println(flows.size() + " flow" + (flows.size() == 1 ? "" : "s")
                + (unanswered > 0 ? " (" + unanswered + " worker(s) did not answer)" : ""));
        out.flush();
    }

    private static String endpoint(Map<String, Object> f, String address, String port) {
        String a = JsonValues.text(f, address);
        return (a.indexOf(':') >= 0 ? "[" + a + "]" : a) + ":" + JsonValues.number(f, port);
    }

    private static void decided(StringBuilder line, String what, List<Object> names) {
        if (names != null && !names.isEmpty()) {
            line.append(' ')
                    .append(what)
                    .append(' ')
                    .append(String.join(",", names.stream().map(String::valueOf).toList()));
        }
    }

    private static double decimal(Map<String, Object> f, String key) {
        Object v = f.get(key);
        return v instanceof Number n ? n.doubleValue() : 0;
    }

    /** {@code 12.3s}, {@code 4m05s}, {@code 2h03m}; a negative age (a capture from the future) shows as 0s. */
    static String seconds(double s) {
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1fs", Math.max(0, s));
        }
        long t = (long) s;
        if (t < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", t / 3600, t / 60 % 60);
    }
}
