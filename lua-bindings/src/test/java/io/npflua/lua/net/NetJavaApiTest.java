package io.npflua.lua.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine-facing API: addresses as two halves, formatted and matched without text. */
class NetJavaApiTest {
    @Test
    void shouldFormatBothFamiliesFromHalves() {
        assertEquals("198.18.0.2", NetAddresses.toString(0, 0xc6120002L, 4));
        assertEquals("0.0.0.0", NetAddresses.toString(0, 0, 4));
        assertEquals("255.255.255.255", NetAddresses.toString(0, 0xffff_ffffL, 4));
        assertEquals("::", NetAddresses.toString(0, 0, 6));
        assertEquals("2001:db8::1", NetAddresses.toString(0x20010db800000000L, 1, 6));
        assertEquals("::ffff:198.18.0.1", NetAddresses.toString(0, 0x0000_ffff_c612_0001L, 6));
        assertEquals(
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                NetAddresses.format(-1L, -1L, 6).tojstring());
        assertEquals(
                "2001:db8::1", NetAddresses.format(0x20010db800000000L, 1, 6).tojstring());
        assertThrows(IllegalArgumentException.class, () -> NetAddresses.toString(0, 0, 5));
    }

    @Test
    void shouldWriteTextAtAnOffsetAndReturnItsLength() {
        byte[] buffer = new byte[4 + NetAddresses.MAX_TEXT_LENGTH];
        int n = NetAddresses.formatTo(buffer, 4, 0x20010db800000000L, 0xabcdL, 6);
        assertEquals("2001:db8::abcd", new String(buffer, 4, n, StandardCharsets.US_ASCII));
        assertEquals(0, buffer[0]);
        n = NetAddresses.formatTo(buffer, 4, -1L, -1L, 6);
        assertEquals(NetAddresses.MAX_TEXT_LENGTH, n, "the longest text fits the documented bound");
    }

    @Test
    void shouldMatchHalvesAgainstPrefixesAndSets() {
        NetPrefix lab = NetPrefix.of("198.18.0.0/15");
        assertTrue(lab.contains(0, 0xc6130101L, 4));
        assertFalse(lab.contains(0, 0xc6140000L, 4));
        assertFalse(lab.contains(0, 0xc6130101L, 6), "same bits, other family");
        NetPrefix doc = NetPrefix.of("2001:db8::/32");
        assertEquals(6, doc.family());
        assertEquals(32, doc.length());
        assertTrue(doc.contains(0x20010db8_ffff_0000L, 7, 6));
        assertFalse(doc.contains(0x20010db9_0000_0000L, 0, 6));
        NetSet set = NetSet.of(List.of(lab, doc, NetPrefix.of("192.0.2.1")));
        assertEquals(3, set.size());
        assertTrue(set.contains(0, 0xc0000201L, 4));
        assertFalse(set.contains(0, 0xc0000202L, 4));
        assertTrue(set.contains(0x20010db8_0000_0000L, 0, 6));
        assertFalse(set.contains(0, 0xc0000201L, 6));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetPrefix.of("10.1.0.0/8"));
        assertEquals("invalid prefix '10.1.0.0/8': host bits set (the network is 10.0.0.0/8)", e.getMessage());
    }

    @Test
    void shouldRefuseASetOfMoreThanTheMostPrefixes() {
        NetPrefix p = NetPrefix.of("198.18.0.0/15");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> NetSet.of(Collections.nCopies(NetSet.MAX_PREFIXES + 1, p)));
        assertEquals(
                "a net set holds at most " + NetSet.MAX_PREFIXES + " prefixes, got " + (NetSet.MAX_PREFIXES + 1),
                e.getMessage());
        assertTrue(NetSet.of(List.of(p, p)).contains(0, 0xc6130001L, 4), "duplicates are allowed");
    }
}
