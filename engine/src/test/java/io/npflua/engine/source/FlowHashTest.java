package io.npflua.engine.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlowHashTest {
    private static byte[] ipv4(int vlanTags, int src, int dst, int sport, int dport, int protocol) {
        int l4 = protocol == 6 ? 20 : 8; // a whole TCP header: a cut one has no flow key (and hashes to 0)
        ByteBuffer b = ByteBuffer.allocate(14 + 4 * vlanTags + 20 + l4);
        b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2});
        for (int i = 0; i < vlanTags; i++) {
            b.putShort((short) (i == 0 ? 0x88a8 : 0x8100)).putShort((short) 100);
        }
        b.putShort((short) 0x0800);
        b.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) (20 + l4))
                .putInt(0)
                .put((byte) 64)
                .put((byte) protocol)
                .putShort((short) 0)
                .putInt(src)
                .putInt(dst);
        b.putShort((short) sport).putShort((short) dport).putInt(0);
        if (protocol == 6) {
            b.putInt(0).put((byte) 0x50).put((byte) 0x10).putShort((short) 1024).putInt(0);
        }
        return b.array();
    }

    private static byte[] ipv6(byte[] src, byte[] dst, int sport, int dport) {
        ByteBuffer b = ByteBuffer.allocate(14 + 40 + 8);
        b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2}).putShort((short) 0x86dd);
        b.putInt(0x60000000)
                .putShort((short) 8)
                .put((byte) 17)
                .put((byte) 64)
                .put(src)
                .put(dst);
        b.putShort((short) sport).putShort((short) dport).putInt(0);
        return b.array();
    }

    private static int hash(byte[] frame) {
        return new FlowHash().of(MemorySegment.ofArray(frame), 0, frame.length);
    }

    @Test
    void shouldHashBothDirectionsOfAFlowAlike() {
        int a = 0xc6120001; // 198.18.0.1
        int b = 0xc6130002; // 198.19.0.2
        assertNotEquals(0, hash(ipv4(0, a, b, 40000, 22, 6)), "a TCP frame has a flow key");
        assertEquals(hash(ipv4(0, a, b, 40000, 22, 6)), hash(ipv4(0, b, a, 22, 40000, 6)));
        assertEquals(hash(ipv4(2, a, b, 5000, 53, 17)), hash(ipv4(2, b, a, 53, 5000, 17)));
        byte[] x = new byte[16];
        byte[] y = new byte[16];
        x[0] = 0x20;
        x[1] = 0x01;
        x[2] = 0x0d;
        x[3] = (byte) 0xb8;
        x[15] = 1;
        y[0] = 0x20;
        y[1] = 0x01;
        y[2] = 0x0d;
        y[3] = (byte) 0xb8;
        y[15] = 2;
        assertEquals(hash(ipv6(x, y, 1234, 443)), hash(ipv6(y, x, 443, 1234)));
    }

    @Test
    void shouldSpreadDifferentFlowsOverWorkers() {
        Set<Integer> workers = new HashSet<>();
        for (int port = 1024; port < 1124; port++) {
            workers.add(Math.floorMod(hash(ipv4(0, 0xc6120001, 0xc6130002, port, 80, 6)), 4));
        }
        assertEquals(4, workers.size(), "100 flows reach all four workers");
        assertNotEquals(
                hash(ipv4(0, 0xc6120001, 0xc6130002, 1, 80, 6)), hash(ipv4(0, 0xc6120001, 0xc6130002, 2, 80, 6)));
    }

    @Test
    void shouldNeverReadBeyondTheCapturedBytes() {
        byte[] full = ipv4(1, 0xc6120001, 0xc6130002, 1, 2, 6);
        for (int len = 0; len <= full.length; len++) {
            // A segment exactly as long as the capture: any read past it would throw.
            MemorySegment cut = MemorySegment.ofArray(java.util.Arrays.copyOf(full, len));
            new FlowHash().of(cut, 0, len);
        }
        assertEquals(0, hash(new byte[] {1, 2, 3}));
        byte[] arp = new byte[42];
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertEquals(0, hash(arp));
    }
}
