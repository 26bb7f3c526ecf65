package io.npflua.lua.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.npflua.lua.data.PacketData;
import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.CallTally;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The seed work's two scripts, verbatim from examples/, in a sandboxed state over packet data objects bound to
 * native memory (as a ring slot would be): the verdicts the NPFLua paper gives.
 */
class SeedScriptsTest {
    private static String example(String name) throws Exception {
        return Files.readString(Path.of("..", "examples", name));
    }

    /** Every call of a test, counted. */
    private final CallTally tally = new CallTally();

    private CallOutcome run(ScriptState s, byte[] frame) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ring = arena.allocate(frame.length + 64);
            MemorySegment.copy(frame, 0, ring, ValueLayout.JAVA_BYTE, 32, frame.length);
            PacketData pkt = new PacketData();
            pkt.bind(ring, 32, frame.length, false);
            try {
                return tally.count(s.call(pkt));
            } finally {
                pkt.release();
            }
        }
    }

    /** Ethernet + IPv4 + TCP (or UDP) with the given payload; checksums are not needed by the scripts. */
    private static byte[] frame(int proto, int sport, int dport, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00});
        int l4 = proto == 6 ? 20 : 8;
        int total = 20 + l4 + payload.length;
        b.writeBytes(new byte[] {
            0x45,
            0,
            (byte) (total >> 8),
            (byte) total,
            0,
            1,
            0x40,
            0,
            64,
            (byte) proto,
            0,
            0,
            (byte) 198,
            18,
            0,
            1,
            (byte) 198,
            18,
            0,
            2
        });
        if (proto == 6) {
            b.writeBytes(new byte[] {
                (byte) (sport >> 8),
                (byte) sport,
                (byte) (dport >> 8),
                (byte) dport,
                0,
                0,
                0,
                1,
                0,
                0,
                0,
                0,
                0x50,
                0x18,
                (byte) 0xff,
                (byte) 0xff,
                0,
                0,
                0,
                0
            });
        } else {
            int ulen = 8 + payload.length;
            b.writeBytes(new byte[] {
                (byte) (sport >> 8),
                (byte) sport,
                (byte) (dport >> 8),
                (byte) dport,
                (byte) (ulen >> 8),
                (byte) ulen,
                0,
                0
            });
        }
        b.writeBytes(payload);
        return b.toByteArray();
    }

    private static byte[] rtp(int payloadType) {
        byte[] p = new byte[172];
        p[0] = (byte) 0x80;
        p[1] = (byte) (0x80 | payloadType); // marker set: the type field must still read 7 bits
        return p;
    }

    @Test
    void shouldBlockOpenSsh64BannersAndPassOthers() throws Exception {
        ScriptState s = ScriptState.load(ScriptOptions.of("ssh-version.lua", example("ssh-version.lua")));
        byte[] banner = "SSH-2.0-OpenSSH_6.4\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(CallOutcome.BLOCK, run(s, frame(6, 22, 40000, banner)));
        assertEquals(
                CallOutcome.BLOCK,
                run(s, frame(6, 22, 40000, "SSH-1.99-OpenSSH_6.4\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(
                CallOutcome.PASS,
                run(s, frame(6, 22, 40000, "SSH-2.0-OpenSSH_9.6p1 Debian-3\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(
                CallOutcome.PASS,
                run(s, frame(6, 22, 40000, "SSH-2.0-OpenSSH_6.4p1\r\n".getBytes(StandardCharsets.US_ASCII))),
                "6.4p1 is another version");
        assertEquals(CallOutcome.PASS, run(s, frame(6, 80, 40000, new byte[1400])));
        assertEquals(0, tally.errors());
    }

    @Test
    void shouldBlockH263RtpAndPassOtherPayloadTypes() throws Exception {
        ScriptState s = ScriptState.load(ScriptOptions.of("rtp-h263.lua", example("rtp-h263.lua")));
        assertEquals(CallOutcome.BLOCK, run(s, frame(17, 5004, 5004, rtp(34))));
        assertEquals(CallOutcome.PASS, run(s, frame(17, 5004, 5004, rtp(0))));
        assertEquals(CallOutcome.PASS, run(s, frame(17, 5004, 5004, rtp(96))));
        assertEquals(CallOutcome.PASS, run(s, frame(6, 5004, 5004, rtp(34))), "TCP is not RTP here");
        assertEquals(0, tally.errors());
    }
}
