package io.npflua.engine.examples;

import static io.npflua.engine.frames.FrameBuilder.TCP_ACK;
import static io.npflua.engine.frames.FrameBuilder.TCP_PSH;
import static io.npflua.engine.frames.FrameBuilder.TCP_RST;
import static io.npflua.engine.frames.FrameBuilder.TCP_SYN;
import static io.npflua.lua.sandbox.CallOutcome.BLOCK;
import static io.npflua.lua.sandbox.CallOutcome.PASS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.npflua.engine.frames.FrameBuilder;
import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.ScriptState;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/port-stealth.lua (open: TCP 22, 80, 443; UDP 53, 123) over a scan of open and closed ports, the
 * traffic of established connections and of connections the protected host opens, with UDP stealth off (the
 * default) and on.
 */
class PortStealthExampleTest {
    @TempDir
    Path dir;

    private static byte[] tcp(int dport, int flags) {
        return FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("198.18.0.66", "198.18.0.2")
                .tcp(50000, dport, 1, flags == TCP_SYN ? 0 : 1, flags)
                .build();
    }

    private static byte[] udp(int sport, int dport) {
        return FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("198.18.0.66", "198.18.0.2")
                .udp(sport, dport)
                .payload("probe")
                .build();
    }

    private static Scenario scenario(boolean udpStealth) {
        CallOutcome closedUdp = udpStealth ? BLOCK : PASS;
        return new Scenario()
                .at(0, tcp(22, TCP_SYN), PASS, "SYN to open 22")
                .at(1, tcp(443, TCP_SYN), PASS, "SYN to open 443")
                .at(2, tcp(23, TCP_SYN), BLOCK, "SYN to closed 23")
                .at(3, tcp(8080, TCP_SYN), BLOCK, "SYN to closed 8080")
                .at(4, tcp(23, TCP_SYN | FrameBuilder.TCP_FIN), BLOCK, "SYN+FIN to closed 23")
                .at(5, tcp(8080, TCP_ACK), PASS, "bare ACK to 8080 (no SYN: not a connection attempt)")
                .at(6, tcp(8080, TCP_ACK | TCP_PSH), PASS, "data to 8080 on an established connection")
                .at(7, tcp(8080, TCP_RST), PASS, "RST to 8080")
                .at(8, tcp(36000, TCP_SYN | TCP_ACK), PASS, "SYN/ACK to a client port of the host")
                .at(
                        9,
                        FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                                .vlan(10)
                                .ipv6("2001:db8::66", "2001:db8::2")
                                .tcp(50000, 25, 1, 0, TCP_SYN)
                                .build(),
                        BLOCK,
                        "IPv6 in a VLAN, SYN to closed 25")
                .at(
                        10,
                        FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                                .ipv6("2001:db8::66", "2001:db8::2")
                                .tcp(50000, 80, 1, 0, TCP_SYN)
                                .build(),
                        PASS,
                        "IPv6, SYN to open 80")
                .at(11, udp(50000, 53), PASS, "UDP to open 53")
                .at(12, udp(50000, 161), closedUdp, "UDP to closed 161")
                .at(13, udp(53, 36001), closedUdp, "DNS answer to a client port of the host")
                .at(
                        14,
                        FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                                .ipv4("198.18.0.66", "198.18.0.2")
                                .echo(true, 1, 1)
                                .build(),
                        PASS,
                        "ICMP echo request");
    }

    @Test
    void shouldDropSynsToClosedPortsAndPassEverythingElse() throws Exception {
        Scenario s = scenario(false);
        ExampleRunner runner = new ExampleRunner();
        ScriptState script = runner.load("port-stealth.lua");
        assertEquals(s.expected(), s.lines(runner.replay(s.write(dir.resolve("scan.pcap")), script)));
    }

    @Test
    void shouldAlsoDropUdpToClosedPortsWhenUdpStealthIsOn() throws Exception {
        Scenario s = scenario(true);
        ExampleRunner runner = new ExampleRunner();
        ScriptState script = runner.load("port-stealth.lua", "local STEALTH_UDP = false", "local STEALTH_UDP = true");
        assertEquals(s.expected(), s.lines(runner.replay(s.write(dir.resolve("scan.pcap")), script)));
    }
}
