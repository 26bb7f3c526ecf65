package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code npflua flows} prints the control socket's flow objects (their shape: docs/control-protocol.md). */
class FlowsCommandTest {
    private static Map<String, Object> flow(
            String proto,
            String src,
            long sport,
            String dst,
            long dport,
            double first,
            double last,
            List<?> passed,
            List<?> blocked) {
        return Map.ofEntries(
                Map.entry("worker", 1L),
                Map.entry("id", 1099511627777L),
                Map.entry("proto", proto),
                Map.entry("src", src),
                Map.entry("sport", sport),
                Map.entry("dst", dst),
                Map.entry("dport", dport),
                Map.entry("vlan", 0L),
                Map.entry("state", "established"),
                Map.entry("first", first),
                Map.entry("last", last),
                Map.entry("packets_orig", 10L),
                Map.entry("packets_reply", 9L),
                Map.entry("bytes_orig", 1400L),
                Map.entry("bytes_reply", 5230L),
                Map.entry("passed_by", passed),
                Map.entry("blocked_by", blocked));
    }

    @Test
    void shouldPrintOneLinePerFlowLikeConntrack() {
        StringWriter text = new StringWriter();
        FlowsCommand.print(
                List.of(
                        flow("tcp", "198.18.0.1", 40000, "198.18.0.2", 22, 1000.0, 1012.3, List.of(), List.of("ssh")),
                        flow("udp", "2001:db8::1", 5353, "2001:db8::2", 53, 700.0, 1015.0, List.of("dns"), List.of())),
                0,
                1015.0,
                new PrintWriter(text));
        assertEquals(
                String.join(
                        "\n",
                        "tcp     established 198.18.0.1:40000 -> 198.18.0.2:22 age 15.0s idle 2.7s orig 10 pk 1400 B"
                                + " reply 9 pk 5230 B blocked by ssh id 1099511627777 worker 1",
                        "udp     established [2001:db8::1]:5353 -> [2001:db8::2]:53 age 5m15s idle 0.0s orig 10 pk 1400 B"
                                + " reply 9 pk 5230 B passed by dns id 1099511627777 worker 1",
                        "2 flows",
                        ""),
                text.toString());
    }

    @Test
    void shouldSayWhenWorkersDidNotAnswer() {
        StringWriter text = new StringWriter();
        FlowsCommand.print(List.of(), 2, 0, new PrintWriter(text));
        assertEquals("0 flows (2 worker(s) did not answer)\n", text.toString());
    }

    @Test
    void shouldShowAgesInUnitsAPersonReads() {
        assertEquals("0.0s", FlowsCommand.seconds(-3));
        assertEquals("59.9s", FlowsCommand.seconds(59.94));
        assertEquals("1m00s", FlowsCommand.seconds(60));
        assertEquals("2h03m", FlowsCommand.seconds(7380));
    }

    @Test
    void shouldRefuseBadFlowOptionsWithAUsageError() throws Exception {
        Path script = Files.createTempFile("pass", ".lua");
        try {
            Files.writeString(script, "function filter(p) return true end\n");
            String demo = EventLogReplayTest.DEMO.toString();
            String[][] cases = {
                {"--flow-timeout", "tcp_new"},
                {"--flow-timeout", "tcp_old=5"},
                {"--flow-timeout", "udp_new=soon"},
                {"--flow-timeout", "icmp=0"},
                {"--inspect-bytes", "-1"},
                {"--max-flows", "0"}
            };
            String[] expected = {
                "expected NAME=SECONDS", "unknown flow timeout 'tcp_old'", "is not a number of seconds",
                "must be more than 0", "must be 0 (no limit) or more", "must be 1.."
            };
            for (int i = 0; i < cases.length; i++) {
                Cli.Result r = Cli.run("replay", demo, "-s", script.toString(), cases[i][0], cases[i][1]);
                assertEquals(ExitCodes.USAGE, r.code(), String.join(" ", cases[i]) + ": " + r.err());
                assertTrue(r.err().contains(expected[i]), String.join(" ", cases[i]) + ": " + r.err());
            }
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
