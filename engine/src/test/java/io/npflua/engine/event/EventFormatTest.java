package io.npflua.engine.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The event log's timestamps: eve.json's format, the same text as the formatter gives, in any zone. */
class EventFormatTest {
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
