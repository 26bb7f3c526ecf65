package io.npflua.ffm.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BpfProgramTest {
    private static final String ETHER_PROTO_88B5 = "4\n40 0 0 12\n21 0 1 34997\n6 0 0 262144\n6 0 0 0\n";

    @Test
    void shouldParseTcpdumpDddOutput() {
        final BpfProgram program = BpfProgram.parse("Warning: assuming Ethernet\n" + ETHER_PROTO_88B5);
        assertEquals(4, program.instructions().size());
        assertEquals(new BpfInstruction(0x28, 0, 0, 12), program.instructions().get(0));
        assertEquals(
                new BpfInstruction(0x15, 0, 1, 0x88b5), program.instructions().get(1));
        assertEquals(ETHER_PROTO_88B5, program.toTcpdumpText());
    }

    @Test
    void shouldBuildProgramFromQuads() {
        assertEquals(
                BpfProgram.parse(ETHER_PROTO_88B5),
                BpfProgram.of(0x28, 0, 0, 12, 0x15, 0, 1, 0x88b5, 6, 0, 0, 262144, 6, 0, 0, 0));
    }

    @Test
    void shouldCapNonZeroReturnsAtSnapLength() {
        final BpfProgram capped = BpfProgram.parse(ETHER_PROTO_88B5).withSnapLength(96);
        assertEquals(96, capped.instructions().get(2).k());
        assertEquals(0, capped.instructions().get(3).k());
    }

    @Test
    void shouldNameTheBadLine() {
        final IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> BpfProgram.parse("2\n40 0 0 12\n6 0 x 0\n"));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }

    @Test
    void shouldRefuseCountMismatch() {
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.parse("3\n40 0 0 12\n6 0 0 0\n"));
    }

    @Test
    void shouldCompileWithTcpdumpWhenInstalled() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new java.io.File("/usr/bin/tcpdump").canExecute(), "tcpdump not installed");
        assertEquals(BpfProgram.parse(ETHER_PROTO_88B5), BpfProgram.compileWithTcpdump("ether proto 0x88b5"));
        final IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> BpfProgram.compileWithTcpdump("nonsense ((("));
        assertTrue(e.getMessage().startsWith("tcpdump rejected the filter"), e.getMessage());
    }

    @Test
    void shouldEncodeFanoutArgument() {
        assertEquals(
                7 | (1 | 0x1000 | 0x8000) << 16,
                Fanout.of(7, FanoutMode.LB, FanoutFlag.ROLLOVER, FanoutFlag.DEFRAG)
                        .socketOptionValue());
        assertEquals(
                42 | 0x4000 << 16,
                Fanout.of(42, FanoutMode.HASH, FanoutFlag.IGNORE_OUTGOING).socketOptionValue());
        assertThrows(IllegalArgumentException.class, () -> Fanout.of(70000, FanoutMode.CPU));
    }
}
