package io.npflua.engine.examples;

import static io.npflua.lua.sandbox.CallOutcome.BLOCK;
import static io.npflua.lua.sandbox.CallOutcome.PASS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.npflua.engine.frames.FrameBuilder;
import io.npflua.lua.sandbox.ScriptState;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/port-knocking.lua over a capture of knock sequences in order, out of order, too slow, from IPv4 and
 * IPv6 sources, on two workers taking frames in turn (so consecutive knocks of one source are seen by different
 * Lua states and meet only in the shared tables). Time is the capture's: see {@link ExampleRunner}.
 */
class PortKnockingExampleTest {
    private static final String SERVER = "198.18.0.2";
    private static final String SERVER6 = "2001:db8::2";

    @TempDir
    Path dir;

    private static byte[] syn(String src, String dst, int port) {
        FrameBuilder b = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02");
        (src.contains(":") ? b.ipv6(src, dst) : b.ipv4(src, dst))
                .tcp(40000 + port % 1000, port, 1, 0, FrameBuilder.TCP_SYN);
        return b.build();
    }

    private static byte[] segment(String src, String dst, int sport, int dport, int flags, String payload) {
        return FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4(src, dst)
                .tcp(sport, dport, 100, 200, flags)
                .payload(payload)
                .build();
    }

    private static void knock(Scenario s, String src, String dst, double... times) {
        int[] ports = {7000, 8000, 9000};
        for (int i = 0; i < times.length; i++) {
            s.at(times[i], syn(src, dst, ports[i]), PASS, src + " knocks on " + ports[i]);
        }
    }

    @Test
    void shouldOpenPort22OnlyToSourcesThatKnockedInOrderWithinTenSeconds() throws Exception {
        String a = "198.18.0.10";
        String c = "198.18.0.11";
        String d = "198.18.0.12";
        String b6 = "2001:db8::10";
        int ack = FrameBuilder.TCP_ACK | FrameBuilder.TCP_PSH;
        Scenario s = new Scenario()
                .at(0, syn(a, SERVER, 22), BLOCK, "A: SYN to 22 before knocking")
                .at(0.5, segment(a, SERVER, 40022, 22, ack, "x"), BLOCK, "A: data to 22 before knocking");
        s.at(1, syn(a, SERVER, 7000), PASS, "A knocks on 7000")
                .at(2, syn(a, SERVER, 8000), PASS, "A knocks on 8000")
                .at(2.5, syn(a, SERVER, 8000), PASS, "A: retransmitted knock on 8000 (ignored)")
                .at(3, syn(a, SERVER, 9000), PASS, "A knocks on 9000")
                .at(4, syn(a, SERVER, 22), PASS, "A: SYN to 22 after knocking in order")
                .at(4.1, segment(a, SERVER, 40022, 22, ack, "SSH-2.0-client\r\n"), PASS, "A: data to 22")
                .at(4.2, segment(SERVER, a, 22, 40022, ack, "SSH-2.0-server\r\n"), PASS, "server to A from 22")
                .at(5, syn(c, SERVER, 22), BLOCK, "C: SYN to 22, never knocked")
                .at(5.5, syn(c, SERVER, 80), PASS, "C: SYN to 80 (not protected)")
                .at(6, syn(c, SERVER, 7000), PASS, "C knocks on 7000")
                .at(7, syn(c, SERVER, 9000), PASS, "C knocks on 9000: out of order, reset")
                .at(8, syn(c, SERVER, 8000), PASS, "C knocks on 8000: needs 7000 first")
                .at(9, syn(c, SERVER, 9000), PASS, "C knocks on 9000")
                .at(10, syn(c, SERVER, 22), BLOCK, "C: SYN to 22 after an out-of-order sequence");
        knock(s, d, SERVER, 20, 25, 31);
        s.at(32, syn(d, SERVER, 22), BLOCK, "D: SYN to 22, last knock 11 s after the first");
        knock(s, d, SERVER, 40, 45, 49.9);
        s.at(50, syn(d, SERVER, 22), PASS, "D: SYN to 22, knocks within 9.9 s");
        s.at(51, syn(b6, SERVER6, 22), BLOCK, "B (IPv6): SYN to 22 before knocking");
        knock(s, b6, SERVER6, 52, 53, 54);
        s.at(55, syn(b6, SERVER6, 22), PASS, "B (IPv6): SYN to 22 after knocking");
        s.at(300, syn(a, SERVER, 22), PASS, "A: SYN to 22, 296 s after its last packet to 22: still open");
        s.at(601, syn(a, SERVER, 22), BLOCK, "A: SYN to 22 after 301 s of silence: closed again");

        ExampleRunner runner = new ExampleRunner();
        ScriptState worker1 = runner.load("port-knocking.lua");
        ScriptState worker2 = runner.load("port-knocking.lua");
        Path capture = s.write(dir.resolve("knocking.pcap"));
        assertEquals(s.expected(), s.lines(runner.replay(capture, worker1, worker2)));
        assertEquals(0, runner.errors());
    }
}
