package io.npflua.tools.cli;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Ethernet/IPv4/IPv6 frames for tests (checksums left zero: nothing here verifies them). */
final class Frames {
    private Frames() {}

    static byte[] tcp4(String src, int sport, String dst, int dport, int flags, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20 + p.length);
        ether(b, 0x0800);
        ipv4(b, 20 + 20 + p.length, 6, src, dst);
        b.putShort((short) sport)
                .putShort((short) dport)
                .putInt(1000)
                .putInt(2000)
                .put((byte) 0x50)
                .put((byte) flags)
                .putShort((short) 65535)
                .putShort((short) 0)
                .putShort((short) 0);
        b.put(p);
        return b.array();
    }

    static byte[] udp4(String src, int sport, String dst, int dport, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + payload.length);
        ether(b, 0x0800);
        ipv4(b, 20 + 8 + payload.length, 17, src, dst);
        b.putShort((short) sport)
                .putShort((short) dport)
                .putShort((short) (8 + payload.length))
                .putShort((short) 0);
        b.put(payload);
        return b.array();
    }

    static byte[] icmp6EchoRequest() {
        ByteBuffer b = ByteBuffer.allocate(14 + 40 + 8);
        ether(b, 0x86dd);
        b.putInt(0x60000000).putShort((short) 8).put((byte) 58).put((byte) 64);
        b.putShort((short) 0x2001)
                .putShort((short) 0x0db8)
                .putLong(0)
                .putShort((short) 0)
                .putShort((short) 1);
        b.putShort((short) 0x2001)
                .putShort((short) 0x0db8)
                .putLong(0)
                .putShort((short) 0)
                .putShort((short) 2);
        b.put((byte) 128).put((byte) 0).putShort((short) 0).putInt(0);
        return b.array();
    }

    static byte[] vlan(int id, byte[] frame) {
        ByteBuffer b = ByteBuffer.allocate(frame.length + 4);
        b.put(frame, 0, 12).putShort((short) 0x8100).putShort((short) id).put(frame, 12, frame.length - 12);
        return b.array();
    }

    private static void ether(ByteBuffer b, int type) {
        b.put(new byte[] {2, 0, 0, 0, 0, 2}).put(new byte[] {2, 0, 0, 0, 0, 1}).putShort((short) type);
    }

    private static void ipv4(ByteBuffer b, int total, int proto, String src, String dst) {
        b.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) total)
                .putShort((short) 1)
                .putShort((short) 0)
                .put((byte) 64)
                .put((byte) proto)
                .putShort((short) 0);
        for (String a : new String[] {src, dst}) {
            for (String part : a.split("\\.")) {
                b.put((byte) Integer.parseInt(part));
            }
        }
    }
}
