package io.npflua.engine.examples;

import static io.npflua.lua.sandbox.CallOutcome.BLOCK;
import static io.npflua.lua.sandbox.CallOutcome.PASS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.npflua.engine.frames.FrameBuilder;
import io.npflua.lua.sandbox.ScriptState;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/dns-block.lua (listed: example.com, ads.example.net, tracker.test) over queries for listed names,
 * their subdomains in any case, look-alike names, responses, DNS over TCP and IPv6, and malformed questions,
 * which pass by default and are blocked once the script's switch says so.
 */
class DnsBlockExampleTest {
    private static final int RD = 0x0100;
    private static final int QR = 0x8000;

    @TempDir
    Path dir;

    /** A DNS message: header with {@code flags} and one question per name (QTYPE A, QCLASS IN). */
    private static byte[] message(int flags, String... names) {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(
                new byte[] {0x12, 0x34, (byte) (flags >> 8), (byte) flags, 0, (byte) names.length, 0, 0, 0, 0, 0, 0});
        for (String name : names) {
            m.writeBytes(wireName(name));
            m.writeBytes(new byte[] {0, 1, 0, 1});
        }
        return m.toByteArray();
    }

    private static byte[] wireName(String name) {
        ByteArrayOutputStream n = new ByteArrayOutputStream();
        if (!name.isEmpty()) {
            for (String label : name.split("\\.")) {
                n.write(label.length());
                n.writeBytes(label.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        n.write(0);
        return n.toByteArray();
    }

    /** A header claiming one question followed by {@code question} as raw bytes. */
    private static byte[] raw(byte... question) {
        byte[] header = message(RD);
        header[5] = 1;
        byte[] m = new byte[header.length + question.length];
        System.arraycopy(header, 0, m, 0, header.length);
        System.arraycopy(question, 0, m, header.length, question.length);
        return m;
    }

    private static byte[] udp(byte[] dns) {
        return FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("198.18.0.10", "198.18.0.53")
                .udp(53000, 53)
                .payload(dns)
                .build();
    }

    private static byte[] query(String name) {
        return udp(message(RD, name));
    }

    private static Scenario scenario(boolean malformedPasses) {
        var malformed = malformedPasses ? PASS : BLOCK;
        byte[] overLong = new byte[300];
        for (int i = 0; i < 290; i += 10) {
            overLong[i] = 9;
            System.arraycopy("abcdefghi".getBytes(StandardCharsets.US_ASCII), 0, overLong, i + 1, 9);
        }
        byte[] tcpQuery = message(RD, "ads.example.net");
        byte[] framed = new byte[tcpQuery.length + 2];
        framed[1] = (byte) tcpQuery.length;
        System.arraycopy(tcpQuery, 0, framed, 2, tcpQuery.length);
        return new Scenario()
                .at(0, query("example.com"), BLOCK, "query for a listed name")
                .at(1, query("www.example.com"), BLOCK, "query for a subdomain")
                .at(2, query("A.B.ExAmPlE.CoM"), BLOCK, "deeper subdomain, mixed case")
                .at(3, query("tracker.test"), BLOCK, "another listed name")
                .at(4, query("example.net"), PASS, "parent of a listed name (ads.example.net)")
                .at(5, query("notexample.com"), PASS, "same suffix, different label")
                .at(6, query("example.com.net"), PASS, "listed name as a prefix")
                .at(7, query("openbsd.org"), PASS, "unrelated name")
                .at(8, query(""), PASS, "root (.) query")
                .at(9, udp(message(RD, "openbsd.org", "ads.example.net")), BLOCK, "second question listed")
                .at(10, udp(message(QR | RD, "example.com")), PASS, "a response for a listed name")
                .at(
                        11,
                        FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                                .vlan(7)
                                .ipv6("2001:db8::10", "2001:db8::53")
                                .udp(53001, 53)
                                .payload(message(RD, "www.Example.com"))
                                .build(),
                        BLOCK,
                        "IPv6 in a VLAN, listed subdomain")
                .at(
                        12,
                        FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                                .ipv4("198.18.0.10", "198.18.0.53")
                                .tcp(53002, 53, 1, 1, FrameBuilder.TCP_ACK | FrameBuilder.TCP_PSH)
                                .payload(framed)
                                .build(),
                        BLOCK,
                        "DNS over TCP, listed name")
                .at(
                        13,
                        FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                                .ipv4("198.18.0.10", "198.18.0.53")
                                .tcp(53002, 53, 0, 0, FrameBuilder.TCP_SYN)
                                .build(),
                        PASS,
                        "TCP handshake to 53")
                .at(
                        14,
                        FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                                .ipv4("198.18.0.10", "198.18.0.80")
                                .udp(53003, 5353)
                                .payload(message(RD, "example.com"))
                                .build(),
                        PASS,
                        "listed name, not port 53")
                .at(15, udp(raw((byte) 7, (byte) 'e', (byte) 'x')), malformed, "label runs past the end")
                .at(
                        16,
                        udp(raw((byte) 0xC0, (byte) 12, (byte) 0, (byte) 1, (byte) 0, (byte) 1)),
                        malformed,
                        "compression pointer in the question")
                .at(17, udp(raw(overLong)), malformed, "name longer than 255 bytes")
                .at(18, udp(new byte[] {0x12, 0x34, 1, 0, 0}), malformed, "5-byte message")
                .at(
                        19,
                        udp(raw((byte) 3, (byte) 'c', (byte) 'o', (byte) 'm', (byte) 0, (byte) 0)),
                        malformed,
                        "question without its QTYPE/QCLASS");
    }

    @Test
    void shouldBlockQueriesForListedNamesAndSubdomainsAndPassMalformedOnes() throws Exception {
        Scenario s = scenario(true);
        ExampleRunner runner = new ExampleRunner();
        ScriptState script = runner.load("dns-block.lua");
        assertEquals(s.expected(), s.lines(runner.replay(s.write(dir.resolve("dns.pcap")), script)));
        assertEquals(0, runner.errors());
    }

    @Test
    void shouldBlockMalformedQueriesWhenSetToFailClosed() throws Exception {
        Scenario s = scenario(false);
        ExampleRunner runner = new ExampleRunner();
        ScriptState script =
                runner.load("dns-block.lua", "local MALFORMED_PASSES = true", "local MALFORMED_PASSES = false");
        assertEquals(s.expected(), s.lines(runner.replay(s.write(dir.resolve("dns.pcap")), script)));
        assertEquals(0, runner.errors());
    }
}
