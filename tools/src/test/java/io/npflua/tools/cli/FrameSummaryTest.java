package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** tcpdump-like one-liners. */
class FrameSummaryTest {
    @Test
    void shouldDescribeTcpWithFlagsAndSshBanner() {
        byte[] f = Frames.tcp4("198.18.1.22", 22, "198.18.0.10", 50122, 0x18, "SSH-2.0-OpenSSH_6.4\r\n");
        assertEquals(
                "IP 198.18.1.22.22 > 198.18.0.10.50122: TCP [P.], payload 21, SSH banner"
                        + " \"SSH-2.0-OpenSSH_6.4\", length 75",
                FrameSummary.body(f, f.length));
        byte[] syn = Frames.tcp4("198.18.0.10", 50122, "198.18.1.22", 22, 0x02, "");
        assertEquals(
                "IP 198.18.0.10.50122 > 198.18.1.22.22: TCP [S], payload 0, length 54",
                FrameSummary.body(syn, syn.length));
    }

    @Test
    void shouldDescribeUdpRtpVlanAndIcmp6() {
        byte[] rtp = new byte[12];
        rtp[0] = (byte) 0x80;
        rtp[1] = (byte) (0x80 | 34);
        rtp[2] = 0x03;
        rtp[3] = (byte) 0xe9;
        byte[] f = Frames.vlan(42, Frames.udp4("198.18.0.30", 16384, "198.18.1.30", 16386, rtp));
        assertEquals(
                "vlan 42, IP 198.18.0.30.16384 > 198.18.1.30.16386: UDP, payload 12, RTP? PT 34 seq 1001,"
                        + " length 58",
                FrameSummary.body(f, f.length));
        byte[] dns = Frames.udp4(
                "198.18.0.10", 40000, "198.18.1.53", 53, new byte[] {(byte) 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        assertEquals(
                "IP 198.18.0.10.40000 > 198.18.1.53.53: UDP, payload 12, length 54",
                FrameSummary.body(dns, dns.length),
                "no RTP guess on odd or well-known ports");
        byte[] icmp = Frames.icmp6EchoRequest();
        assertEquals(
                "IP6 2001:db8::1 > 2001:db8::2: ICMP6 echo request (type 128 code 0), length 62",
                FrameSummary.body(icmp, icmp.length));
    }

    @Test
    void shouldSayWhatItCouldReadOfShortFrames() {
        byte[] f = Frames.tcp4("198.18.0.1", 1, "198.18.0.2", 2, 0x10, "");
        assertEquals("truncated Ethernet frame, length 60", FrameSummary.body(Arrays.copyOf(f, 10), 60));
        assertEquals("IP truncated, length 60", FrameSummary.body(Arrays.copyOf(f, 20), 60));
        assertEquals(
                "IP 198.18.0.1 > 198.18.0.2: TCP truncated, length 60", FrameSummary.body(Arrays.copyOf(f, 40), 60));
    }

    @Test
    void shouldPrintUtcTimeWithMicroseconds() {
        assertEquals("22:13:20.000123", FrameSummary.time(1_700_000_000_000_123_456L));
    }
}
