package io.npflua.engine.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.json.Json;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The event log's records: timestamps in eve.json's format, the same text as the formatter gives, in any zone; the
 * addresses, ports and protocol read from the slot's copy of the frame's first bytes.
 */
class EventFormatTest {
    private static FrameBuilder v4() {
        return FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4("198.18.0.1", "198.19.0.2");
    }

    private static FrameBuilder v6() {
        return FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv6("2001:db8::1", "2001:db8:1::2");
    }

    /** The drop record of a frame with {@code captured} bytes, its first 128 copied into slot 1 as the worker does. */
    private static Map<String, Object> drop(byte[] frame, int captured) throws Json.JsonException {
        EventRing r = new EventRing(4);
        int s = 1;
        r.type[s] = EventType.DROP;
        r.script[s] = "t";
        r.frameLength[s] = frame.length;
        r.capturedLength[s] = captured;
        int n = Math.min(captured, EventRing.HEADER_BYTES);
        MemorySegment.copy(frame, 0, r.header, ValueLayout.JAVA_BYTE, (long) s * EventRing.HEADER_BYTES, n);
        r.headerLength[s] = n;
        return Json.parseObject(Json.write(g -> new EventFormat(ZoneOffset.UTC).write(g, r, s, 0)));
    }

    private static Map<String, Object> drop(byte[] frame) throws Json.JsonException {
        return drop(frame, frame.length);
    }

    /** The record's addresses, ports, protocol and ICMP type and code as one line; absent fields left out. */
    private static String endpoints(Map<String, Object> record) {
        StringBuilder b = new StringBuilder();
        for (String field :
                new String[] {"src_ip", "src_port", "dest_ip", "dest_port", "proto", "icmp_type", "icmp_code"}) {
            if (record.containsKey(field)) {
                b.append(b.isEmpty() ? "" : " ").append(field).append('=').append(record.get(field));
            }
        }
        return b.toString();
    }

    @Test
    void shouldWritePortsOfIpv6FramesBehindExtensionHeaders() throws Exception {
        assertEquals(
                "src_ip=2001:db8::1 src_port=40000 dest_ip=2001:db8:1::2 dest_port=443 proto=TCP",
                endpoints(drop(v6().ipv6Extensions(0, 43, 60)
                        .tcp(40000, 443, 1, 2, FrameBuilder.TCP_SYN)
                        .payload(new byte[300])
                        .build())));
        assertEquals(
                "src_ip=2001:db8::1 src_port=5353 dest_ip=2001:db8:1::2 dest_port=53 proto=UDP",
                endpoints(drop(FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                        .qinq(10, 20)
                        .ipv6("2001:db8::1", "2001:db8:1::2")
                        .ipv6Extensions(51, 44)
                        .udp(5353, 53)
                        .build())));
        assertEquals(
                "src_ip=2001:db8::1 dest_ip=2001:db8:1::2 proto=IPv6-ICMP icmp_type=128 icmp_code=0",
                endpoints(drop(v6().ipv6Extensions(60).echo(true, 7, 1).build())));
        assertEquals(
                "src_ip=198.18.0.1 src_port=1000 dest_ip=198.19.0.2 dest_port=80 proto=TCP",
                endpoints(drop(v4().tcp(1000, 80, 1, 2, FrameBuilder.TCP_ACK).build())));
    }

    @Test
    void shouldLeaveOutAddressesOfABadIpHeaderAndPortsOfAMissingTransportHeader() throws Exception {
        byte[] tcp = v4().tcp(1000, 80, 1, 2, FrameBuilder.TCP_ACK).build();
        byte[] ihl4 = tcp.clone();
        ihl4[14] = 0x44;
        assertEquals("", endpoints(drop(ihl4)), "IHL 4: no ports read from inside the IP header");
        assertFalse(drop(ihl4).containsKey("proto"));
        assertEquals("", endpoints(drop(tcp, 14 + 19)), "IP header cut");
        assertEquals(
                "src_ip=198.18.0.1 dest_ip=198.19.0.2 proto=TCP", endpoints(drop(tcp, 14 + 20 + 12)), "TCP header cut");

        // Seven extension headers put the TCP header past the 128 bytes a record keeps.
        byte[] deep = v6().ipv6Extensions(60, 60, 60, 60, 60, 60, 60)
                .tcp(40000, 443, 1, 2, FrameBuilder.TCP_SYN)
                .build();
        assertEquals("src_ip=2001:db8::1 dest_ip=2001:db8:1::2 proto=TCP", endpoints(drop(deep)));

        byte[] later =
                v4().dontFragment(false).udp(4000, 5000).payload(new byte[100]).build();
        later[20] = 0;
        later[21] = (byte) 185;
        assertEquals("src_ip=198.18.0.1 dest_ip=198.19.0.2 proto=UDP", endpoints(drop(later)));
        byte[] later6 =
                v6().ipv6Extensions(44).udp(4000, 5000).payload(new byte[100]).build();
        later6[14 + 40 + 2] = 3; // fragment offset 96 * 8
        assertEquals("src_ip=2001:db8::1 dest_ip=2001:db8:1::2 proto=UDP", endpoints(drop(later6)));
    }

    private static String reference(ZoneId zone, long epochNs) {
        return EventFormat.TIMESTAMP.format(Instant.ofEpochSecond(0, epochNs).atZone(zone));
    }

    @Test
    void shouldWriteEvesFormatWithMicroseconds() {
        EventFormat f = new EventFormat(ZoneOffset.UTC);
        assertEquals("2026-12-07T10:53:46.123456+0000", f.timestamp(1_796_640_826_123_456_789L));
        assertEquals("2026-12-07T10:53:46.000001+0000", f.timestamp(1_796_640_826_000_001_000L));
        assertEquals("1970-01-01T00:00:00.000000+0000", f.timestamp(0));
        assertEquals("1969-12-31T23:59:59.999999+0000", f.timestamp(-1));
    }

    @Test
    void shouldMatchTheFormatterAcrossSecondsZonesAndDaylightSavingChanges() {
        SplittableRandom random = new SplittableRandom(20261207);
        for (String id :
                new String[] {"UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "Australia/Lord_Howe"}) {
            ZoneId zone = ZoneId.of(id);
            EventFormat f = new EventFormat(zone);
            // Runs of records within one second, then jumps (back and forth, across DST changes of 2026).
            long t = 1_767_225_600_000_000_000L; // 2026-01-01T00:00:00Z
            for (int i = 0; i < 20_000; i++) {
                t += random.nextInt(8) == 0
                        ? random.nextLong(-3_600_000_000_000L, 40L * 86_400_000_000_000L)
                        : random.nextLong(0, 300_000_000L);
                assertEquals(reference(zone, t), f.timestamp(t), id + " at " + t);
            }
        }
    }
}
