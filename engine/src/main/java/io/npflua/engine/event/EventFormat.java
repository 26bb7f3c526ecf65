package io.npflua.engine.event;

import io.npflua.engine.flow.FlowFormat;
import io.npflua.engine.flow.FlowKey;
import io.npflua.engine.flow.FlowTable;
import io.npflua.engine.json.Utf8Text;
import io.npflua.lua.net.NetAddresses;
import io.npflua.lua.sandbox.CallOutcome;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import tools.jackson.core.JsonGenerator;

/**
 * Writes one slot of an {@link EventRing} as an eve.json-shaped object (see {@code docs/events.md}). Every string
 * goes through {@link Utf8Text}, so a record is valid UTF-8 whatever bytes a script put in it. Writer thread only;
 * allocates freely.
 */
final class EventFormat {
    /** eve.json's timestamp: microseconds and a numeric offset, e.g. {@code 2026-12-07T10:53:46.123456+0000}. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ", Locale.ROOT);

    private final ZoneId zone;

    EventFormat(ZoneId zone) {
        this.zone = zone;
    }

    /** The second {@link #prefix} and {@link #offset} belong to. */
    private long second = Long.MIN_VALUE;
    /** {@link #TIMESTAMP}'s text of {@link #second} up to and including the decimal point. */
    private String prefix;
    /** The zone offset of {@link #second}, e.g. {@code +0100}. */
    private String offset;

    private final StringBuilder text = new StringBuilder(40);

    /** Locates the headers of each record's frame copy (the flow table's parser). */
    private final FlowKey headerKey = new FlowKey();

    /**
     * {@link #TIMESTAMP} of {@code epochNs} in this format's zone. The date, time and offset are formatted once per
     * second (records come in bursts of the same second); only the microseconds are written per call.
     */
    String timestamp(long epochNs) {
        long sec = Math.floorDiv(epochNs, 1_000_000_000L);
        int micros = (int) (Math.floorMod(epochNs, 1_000_000_000L) / 1_000);
        if (sec != second) {
            String full = TIMESTAMP.format(Instant.ofEpochSecond(sec).atZone(zone));
            // The pattern ends in ".SSSSSSZ": six digits, then the offset's five characters.
            prefix = full.substring(0, full.length() - 11);
            offset = full.substring(full.length() - 5);
            second = sec;
        }
        StringBuilder b = text;
        b.setLength(0);
        b.append(prefix);
        for (int div = 100_000; div > 0; div /= 10) {
            b.append((char) ('0' + micros / div % 10));
        }
        return b.append(offset).toString();
    }

    void write(JsonGenerator g, EventRing r, int s, int worker) {
        EventType type = r.type[s];
        g.writeStartObject();
        g.writeStringProperty("timestamp", timestamp(r.timeNs[s]));
        if (r.flowId[s] != 0) {
            g.writeNumberProperty("flow_id", r.flowId[s]);
        }
        if (r.iface[s] != null) {
            g.writeStringProperty("in_iface", Utf8Text.of(r.iface[s]));
        }
        g.writeStringProperty("event_type", type.json());
        if (type == EventType.FLOW) {
            writeFlow(g, r, s, worker);
            return;
        }
        FrameHeader h = FrameHeader.parse(headerKey, r.header, (long) s * EventRing.HEADER_BYTES, r.headerLength[s]);
        h.write(g);
        String reason = Utf8Text.of(r.reason[s]);
        String script = Utf8Text.of(r.script[s]);
        switch (type) {
            case DROP -> {
                g.writeName("alert");
                g.writeStartObject();
                g.writeStringProperty("action", "blocked");
                g.writeStringProperty("signature", reason != null ? reason : "blocked by " + script);
                g.writeStringProperty("category", "npflua verdict");
                g.writeNumberProperty("severity", 2);
                g.writeEndObject();
            }
            case ALERT -> {
                g.writeName("alert");
                g.writeStartObject();
                g.writeStringProperty("action", "allowed");
                g.writeStringProperty("signature", reason);
                g.writeStringProperty("category", "npflua alert");
                g.writeNumberProperty("severity", 3);
                g.writeEndObject();
            }
            case SCRIPT_ERROR, FLOW -> {}
        }
        g.writeName("npflua");
        g.writeStartObject();
        g.writeStringProperty("script", script);
        g.writeNumberProperty("generation", r.generation[s]);
        g.writeNumberProperty("worker", worker);
        g.writeNumberProperty("frame_length", r.frameLength[s]);
        g.writeNumberProperty("captured_length", r.capturedLength[s]);
        switch (type) {
            case DROP -> {
                CallOutcome o = (CallOutcome) r.kind[s];
                g.writeStringProperty("verdict", "block");
                if (o != null && o != CallOutcome.BLOCK) {
                    g.writeStringProperty("error", o.name().toLowerCase(Locale.ROOT));
                }
                if (reason != null) {
                    g.writeStringProperty("reason", reason);
                }
            }
            case ALERT -> {
                g.writeName("fields");
                g.writeStartObject();
                for (int f = 0, n = r.fieldCount[s]; f < n; f++) {
                    g.writeName(Utf8Text.of(r.fieldNames[s * EventRing.FIELDS + f]));
                    LuaValue v = r.fieldValues[s * EventRing.FIELDS + f];
                    if (v.type() == LuaValue.TBOOLEAN) {
                        g.writeBoolean(v.toboolean());
                    } else if (v.type() == LuaValue.TNUMBER) {
                        double d = v.todouble();
                        if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
                            g.writeNumber((long) d);
                        } else if (Double.isFinite(d)) {
                            g.writeNumber(d);
                        } else {
                            g.writeNull();
                        }
                    } else if (v instanceof LuaString text) {
                        g.writeString(Utf8Text.of(text));
                    } else {
                        g.writeString(Utf8Text.of(v.tojstring()));
                    }
                }
                g.writeEndObject();
            }
            case SCRIPT_ERROR -> {
                g.writeStringProperty("error", ((CallOutcome) r.kind[s]).name().toLowerCase(Locale.ROOT));
                g.writeStringProperty("message", Utf8Text.of(r.text[s]));
            }
            case FLOW -> {}
        }
        if (r.suppressed[s] > 0) {
            g.writeNumberProperty("suppressed", r.suppressed[s]);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * A flow record, shaped as eve.json's {@code flow} event: the opener is the source ({@code src_ip}), its packets
     * and bytes go {@code toserver}; {@code flow.reason} is {@code timeout} (idle past its timeout) or {@code forced}
     * (evicted from a full table, or removed).
     */
    private void writeFlow(JsonGenerator g, EventRing r, int s, int worker) {
        int meta = r.flowMeta[s];
        int protocol = meta & 0xff;
        int family = meta >>> 8 & 0xf;
        int state = meta >>> 12 & 0xf;
        int reason = meta >>> 16 & 0xf;
        int decided = meta >>> 20 & 0x3;
        g.writeStringProperty("src_ip", NetAddresses.toString(r.flowAddress[4 * s], r.flowAddress[4 * s + 1], family));
        g.writeNumberProperty("src_port", r.flowPorts[s] >>> 16);
        g.writeStringProperty(
                "dest_ip", NetAddresses.toString(r.flowAddress[4 * s + 2], r.flowAddress[4 * s + 3], family));
        g.writeNumberProperty("dest_port", r.flowPorts[s] & 0xffff);
        g.writeStringProperty("proto", FrameHeader.protoName(protocol));
        g.writeName("flow");
        g.writeStartObject();
        g.writeNumberProperty("pkts_toserver", r.flowCounts[4 * s]);
        g.writeNumberProperty("pkts_toclient", r.flowCounts[4 * s + 1]);
        g.writeNumberProperty("bytes_toserver", r.flowCounts[4 * s + 2]);
        g.writeNumberProperty("bytes_toclient", r.flowCounts[4 * s + 3]);
        g.writeStringProperty("start", timestamp(r.flowFirstNs[s]));
        g.writeStringProperty("end", timestamp(r.timeNs[s]));
        g.writeNumberProperty("age", Math.max(0, (r.timeNs[s] - r.flowFirstNs[s]) / 1_000_000_000L));
        g.writeStringProperty("state", FlowFormat.stateName(state));
        g.writeStringProperty("reason", reason == FlowTable.END_EXPIRED ? "timeout" : "forced");
        g.writeEndObject();
        g.writeName("npflua");
        g.writeStartObject();
        g.writeNumberProperty("worker", worker);
        g.writeStringProperty("decision", decided == 2 ? "blocked" : decided == 1 ? "passed" : "none");
        if (reason == FlowTable.END_EVICTED) {
            g.writeBooleanProperty("evicted", true);
        }
        if (r.suppressed[s] > 0) {
            g.writeNumberProperty("suppressed", r.suppressed[s]);
        }
        g.writeEndObject();
        g.writeEndObject();
    }
}
