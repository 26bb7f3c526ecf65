package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event log of {@code replay --events}: read back with Jackson and with jq, every record checked against the
 * frames of the capture as tshark reads them, and against the counters.
 */
class EventLogReplayTest {
    static final Path DEMO = Path.of("")
            .toAbsolutePath()
            .getParent()
            .resolve("engine/src/main/resources/io/npflua/engine/demo/demo.pcap");

    static final String BANNERS = """
            function filter(pkt)
              local tcp, pld = pkt:tcp(), pkt:payload()
              if not (tcp and pld) or tcp.src_port ~= 22 then return true end
              local software = pld:match('^SSH%-[%d.]+%-([^\\r\\n ]+)')
              if software then
                alert('ssh server', {software = software, port = tcp.dst_port, old = software == 'OpenSSH_6.4'})
              end
              if software == 'OpenSSH_6.4' then return false, 'OpenSSH 6.4 is banned' end
              return true
            end
            """;

    @TempDir
    Path dir;

    static List<Map<String, Object>> read(Path log) throws Exception {
        List<Map<String, Object>> records = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            records.add(Json.parseObject(line));
        }
        return records;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    /** tshark's view of each frame: number, epoch time, lengths, addresses, ports, protocol. */
    static List<String[]> tshark(Path pcap) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        "tshark",
                        "-r",
                        pcap.toString(),
                        "-T",
                        "fields",
                        "-E",
                        "separator=|",
                        "-e",
                        "frame.number",
                        "-e",
                        "frame.time_epoch",
                        "-e",
                        "frame.len",
                        "-e",
                        "frame.cap_len",
                        "-e",
                        "ip.src",
                        "-e",
                        "ipv6.src",
                        "-e",
                        "ip.dst",
                        "-e",
                        "ipv6.dst",
                        "-e",
                        "tcp.srcport",
                        "-e",
                        "udp.srcport",
                        "-e",
                        "tcp.dstport",
                        "-e",
                        "udp.dstport",
                        "-e",
                        "ip.proto",
                        "-e",
                        "ipv6.nxt")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String[]> rows = new ArrayList<>();
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                rows.add(line.split("\\|", -1));
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return rows;
    }

    /** {@code jq -s -r FILTER LOG}'s output (jq must succeed). */
    static String jq(Path log, String filter) throws IOException, InterruptedException {
        Process jq = new ProcessBuilder("jq", "-s", "-r", filter, log.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(jq.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(jq.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, jq.exitValue(), out);
        return out;
    }

    private static String first(String a, String b) {
        return !a.isEmpty() ? a : b.isEmpty() ? null : b;
    }

    @Test
    void shouldWriteOneDropRecordPerBlockedFrameWithEveryFieldAsTsharkReadsTheFrame() throws Exception {
        Path script = Files.writeString(dir.resolve("all.lua"), "function filter(p) return false, 'all' end\n");
        Path log = dir.resolve("eve.json");
        Cli.Result r = Cli.run(
                "replay",
                DEMO.toString(),
                "-s",
                script.toString(),
                "--events",
                log.toString(),
                "--events-rate",
                "1000",
                "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> counters = Json.parseObject(r.out().trim());
        List<Map<String, Object>> records = read(log);
        List<String[]> frames = tshark(DEMO);
        assertEquals(64, frames.size());
        assertEquals(frames.size(), records.size(), "one record per blocked frame");
        assertEquals(counters.get("blocked"), (long) records.size());
        assertEquals(counters.get("events_written"), (long) records.size());
        assertEquals(counters.get("events"), (long) records.size());
        DateTimeFormatter eve = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ");
        for (int i = 0; i < records.size(); i++) {
            Map<String, Object> e = records.get(i);
            String[] f = frames.get(i);
            String where = "frame " + f[0] + ": " + e;
            assertEquals("drop", e.get("event_type"), where);
            // frame.time_epoch has nanoseconds; eve has microseconds and an offset
            OffsetDateTime t = OffsetDateTime.parse((String) e.get("timestamp"), eve);
            long micros = t.toEpochSecond() * 1_000_000 + t.getNano() / 1000;
            String[] epoch = f[1].split("\\.");
            long expected =
                    Long.parseLong(epoch[0]) * 1_000_000 + Long.parseLong((epoch[1] + "000000000").substring(0, 6));
            assertEquals(expected, micros, where);
            assertEquals(first(f[4], f[5]), e.get("src_ip"), where);
            assertEquals(first(f[6], f[7]), e.get("dest_ip"), where);
            String sp = first(f[8], f[9]);
            String dp = first(f[10], f[11]);
            assertEquals(sp == null ? null : Long.parseLong(sp), e.get("src_port"), where);
            assertEquals(dp == null ? null : Long.parseLong(dp), e.get("dest_port"), where);
            String proto = first(f[12], f[13]);
            if (proto != null) {
                String name = switch (proto) {
                    case "6" -> "TCP";
                    case "17" -> "UDP";
                    case "1" -> "ICMP";
                    case "58" -> "IPv6-ICMP";
                    default -> proto;
                };
                assertEquals(name, e.get("proto"), where);
            }
            if (proto != null) {
                // Every IP frame has a flow: its id is the flow table's (pkt:flow().id, npflua flows).
                assertTrue(e.get("flow_id") instanceof Long id && id > 0, "flow_id: " + where);
            }
            assertEquals(DEMO.getFileName() + "#0", e.get("in_iface"), where);
            Map<String, Object> alert = object(e, "alert");
            assertEquals("blocked", alert.get("action"));
            assertEquals("all", alert.get("signature"));
            assertEquals(2L, alert.get("severity"));
            Map<String, Object> n = object(e, "npflua");
            assertEquals("all", n.get("script"));
            assertEquals(1L, n.get("generation"));
            assertEquals(0L, n.get("worker"));
            assertEquals(Long.parseLong(f[2]), n.get("frame_length"), where);
            assertEquals(Long.parseLong(f[3]), n.get("captured_length"), where);
            assertEquals("block", n.get("verdict"));
            assertEquals("all", n.get("reason"));
        }
        // and jq, as a pipeline would read it
        assertEquals("64", jq(log, "map(select(.event_type == \"drop\")) | length"));
    }

    @Test
    void shouldCarryReasonsAndAlertFieldsAndAgreeWithTheCountersWithTwoWorkers() throws Exception {
        Path script = Files.writeString(dir.resolve("banners.lua"), BANNERS);
        Path log = dir.resolve("eve.json");
        Cli.Result r = Cli.run(
                "replay",
                DEMO.toString(),
                "-s",
                script.toString(),
                "--events",
                log.toString(),
                "--workers",
                "2",
                "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> counters = Json.parseObject(r.out().trim());
        List<Map<String, Object>> records = read(log);
        List<Map<String, Object>> drops =
                records.stream().filter(e -> e.get("event_type").equals("drop")).toList();
        List<Map<String, Object>> alerts = records.stream()
                .filter(e -> e.get("event_type").equals("alert"))
                .toList();
        assertEquals(3, drops.size());
        assertEquals(counters.get("blocked"), (long) drops.size());
        assertEquals(4, alerts.size(), "four SSH banners in the capture");
        assertEquals(counters.get("events_written"), (long) records.size());
        for (Map<String, Object> d : drops) {
            assertEquals("OpenSSH 6.4 is banned", object(d, "npflua").get("reason"));
            assertEquals("OpenSSH 6.4 is banned", object(d, "alert").get("signature"));
            assertEquals(22L, d.get("src_port"));
        }
        List<Object> software = new ArrayList<>();
        for (Map<String, Object> a : alerts) {
            assertEquals("ssh server", object(a, "alert").get("signature"));
            assertEquals("allowed", object(a, "alert").get("action"));
            Map<String, Object> fields = object(object(a, "npflua"), "fields");
            assertNotNull(fields, a.toString());
            assertEquals(a.get("dest_port"), fields.get("port"));
            assertEquals("OpenSSH_6.4".equals(fields.get("software")), fields.get("old"));
            software.add(fields.get("software"));
        }
        assertEquals(3, software.stream().filter("OpenSSH_6.4"::equals).count());
    }

    @Test
    void shouldWriteEveryRecordWithBytesThatAreNotUtf8EscapedAndKeepTheLogValidForJq() throws Exception {
        // ED A0 80 is a UTF-16 surrogate encoded as UTF-8 (LuaJ decodes it to a lone surrogate, which a UTF-8 writer
        // refuses); FF is never UTF-8; F0 9F 94 92 is a valid four-byte sequence (U+1F512, which LuaJ mangles).
        Path script = Files.writeString(dir.resolve("odd.lua"), """
                function filter(p)
                  alert('x\\237\\160\\128y', {['k\\255'] = 'v\\255', lock = '\\240\\159\\148\\146'})
                  return false, 'odd\\255'
                end
                """);
        Path log = dir.resolve("eve.json");
        Cli.Result r = Cli.run(
                "replay",
                DEMO.toString(),
                "-s",
                script.toString(),
                "--events",
                log.toString(),
                "--events-rate",
                "1000",
                "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> c = Json.parseObject(r.out().trim());
        List<Map<String, Object>> records = read(log);
        assertEquals(128L, c.get("events"));
        assertEquals(128L, c.get("events_written"), "no record is lost for its content: " + c);
        assertEquals(0L, c.get("events_lost"));
        assertEquals(128, records.size());
        List<Map<String, Object>> alerts = records.stream()
                .filter(e -> e.get("event_type").equals("alert"))
                .toList();
        assertEquals(64, alerts.size());
        for (Map<String, Object> a : alerts) {
            assertEquals("x\\xed\\xa0\\x80y", object(a, "alert").get("signature"));
            Map<String, Object> fields = object(object(a, "npflua"), "fields");
            assertEquals("v\\xff", fields.get("k\\xff"), a.toString());
            assertEquals("\uD83D\uDD12", fields.get("lock"), a.toString());
        }
        for (Map<String, Object> d : records) {
            if (d.get("event_type").equals("drop")) {
                assertEquals("odd\\xff", object(d, "npflua").get("reason"));
            }
        }
        // read() decodes the file strictly as UTF-8 (it throws on a malformed byte); and jq, as a pipeline reads it
        assertEquals("odd\\xff|x\\xed\\xa0\\x80y", jq(log, "map(.alert.signature) | unique | join(\"|\")"));
    }

    @Test
    void shouldWriteAScriptErrorRecord() throws Exception {
        Path script = Files.writeString(dir.resolve("bad.lua"), "function filter(p) return p.nope.x end\n");
        Path log = dir.resolve("eve.json");
        Cli.Result r =
                Cli.run("replay", DEMO.toString(), "-s", script.toString(), "--events", log.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        List<Map<String, Object>> records = read(log);
        assertEquals(1, records.size(), "one report a second per script and worker: " + records);
        Map<String, Object> e = records.get(0);
        assertEquals("script_error", e.get("event_type"));
        assertEquals("lua_error", object(e, "npflua").get("error"));
        assertTrue(((String) object(e, "npflua").get("message")).contains("bad.lua:1"), e.toString());
    }
}
