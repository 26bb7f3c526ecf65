package io.npflua.ffm.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.ffm.socket.NetworkInterfaces;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class ErrnoTest {
    @Test
    void shouldAdviseRootOrCapNetRawOnEperm() {
        final ErrnoException e = Errno.exception(Operation.SOCKET, "socket(AF_PACKET, SOCK_RAW)", Errno.EPERM, null);
        assertEquals("socket(AF_PACKET, SOCK_RAW)", e.call());
        assertEquals(Errno.EPERM, e.errno());
        assertEquals(Operation.SOCKET, e.operation());
        assertTrue(e.privilegeDenied());
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "socket(AF_PACKET, SOCK_RAW) failed: Operation not permitted: needs root or CAP_NET_RAW"),
                e.getMessage());
    }

    @Test
    void shouldAdviseRootOrCapNetRawOnEacces() {
        assertTrue(Errno.exception(Operation.SOCKET, "socket(AF_PACKET, SOCK_RAW)", Errno.EACCES, null)
                .getMessage()
                .contains("needs root or CAP_NET_RAW"));
    }

    @Test
    void shouldNameTheRingSizeAndSuggestSmallerOnEnomem() {
        final String message = Errno.exception(
                        Operation.RING,
                        "setsockopt(PACKET_RX_RING)",
                        Errno.ENOMEM,
                        "block 4 MiB x 64 = 256 MiB, frame 2048 B")
                .getMessage();
        assertTrue(
                message.startsWith("setsockopt(PACKET_RX_RING) failed: Cannot allocate memory (block 4 MiB x 64"),
                message);
        assertTrue(message.contains("try a smaller ring (--ring-size)"), message);
    }

    @Test
    void shouldChooseAdviceByWhatTheCallWasDoingNotByItsText() {
        // The same errno means different things to different operations; the call's text plays no part.
        assertTrue(Errno.exception(Operation.MAP, "anything", Errno.ENOMEM, null)
                .getMessage()
                .contains("smaller ring"));
        assertTrue(Errno.exception(Operation.OTHER, "setsockopt(PACKET_RX_RING)", Errno.ENOMEM, null)
                .getMessage()
                .endsWith("Cannot allocate memory: out of memory"));
        assertTrue(Errno.exception(Operation.FANOUT, "x", Errno.EINVAL, null)
                .getMessage()
                .contains("fanout group exists"));
        assertTrue(Errno.exception(Operation.RING, "x", Errno.EINVAL, null)
                .getMessage()
                .contains("rejected the ring geometry"));
        assertEquals(
                "x failed: Invalid argument",
                Errno.exception(Operation.BIND, "x", Errno.EINVAL, null).getMessage());
        assertTrue(Errno.exception(Operation.SOCKET_OPTION, "x", Errno.EBUSY, null)
                .getMessage()
                .contains("setup order"));
        assertEquals(
                "x failed: Device or resource busy",
                Errno.exception(Operation.SEND, "x", Errno.EBUSY, null).getMessage());
    }

    @Test
    void shouldTreatOnlyEagainEintrAndEnobufsAsTryAgain() {
        assertTrue(Errno.retryable(Errno.EAGAIN) && Errno.retryable(Errno.EINTR) && Errno.retryable(Errno.ENOBUFS));
        for (final int errno : new int[] {Errno.EPERM, Errno.EBADF, Errno.ENETDOWN, Errno.EMSGSIZE, Errno.ENODEV, 0}) {
            assertTrue(!Errno.retryable(errno), "errno " + errno);
        }
        assertEquals(42, Errno.ioResult(42, Operation.SEND, "send", null), "a result is passed through");
        assertEquals(-1, Syscalls.close(-1)); // leaves EBADF in this thread's errno
        final ErrnoException e =
                assertThrows(ErrnoException.class, () -> Errno.ioResult(-1, Operation.SEND, "send(x)", null));
        assertEquals(Errno.EBADF, e.errno());
        assertEquals(Operation.SEND, e.operation());
        // A real EAGAIN: reading an empty non-blocking eventfd.
        final int fd = (int)
                Syscalls.check(Syscalls.eventfd(0, Syscalls.EFD_NONBLOCK_CLOEXEC), Operation.OTHER, "eventfd", null);
        try (Arena arena = Arena.ofConfined()) {
            final long read = Syscalls.read(fd, arena.allocate(Long.BYTES), Long.BYTES);
            assertEquals(-1, read);
            assertEquals(Errno.EAGAIN, Syscalls.errno());
            assertEquals(0, Errno.ioResult(read, Operation.OTHER, "read(eventfd)", null), "EAGAIN is 'try again'");
        } finally {
            Syscalls.close(fd);
        }
    }

    @Test
    void shouldAskForCapNetAdminWhenAnOffloadChangeIsRefused() {
        final ErrnoException e =
                Errno.exception(Operation.OFFLOAD, "ioctl(SIOCETHTOOL, ETHTOOL_SFEATURES, eth0)", Errno.EPERM, "eth0");
        assertTrue(e.privilegeDenied());
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "ioctl(SIOCETHTOOL, ETHTOOL_SFEATURES, eth0) failed: Operation not permitted (eth0): "
                                        + "changing offload features needs root or CAP_NET_ADMIN"),
                e.getMessage());
        assertTrue(Errno.exception(Operation.OFFLOAD, "x", Errno.EOPNOTSUPP, null)
                .getMessage()
                .contains("driver does not support"));
        assertEquals(
                "x failed: Operation not supported",
                Errno.exception(Operation.SEND, "x", Errno.EOPNOTSUPP, null).getMessage());
    }

    @Test
    void shouldNameTheInterfaceOnEnodev() {
        assertTrue(Errno.exception(Operation.BIND, "bind(veth9)", Errno.ENODEV, "veth9")
                .getMessage()
                .contains("no such interface: veth9"));
    }

    @Test
    void shouldReportMissingInterfaceByName() {
        final ErrnoException e = assertThrows(ErrnoException.class, () -> NetworkInterfaces.indexOf("npfnosuch0"));
        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(e.noSuchInterface() && !e.privilegeDenied());
        assertTrue(e.getMessage().contains("no such interface: npfnosuch0"), e.getMessage());
    }

    @Test
    void shouldRejectNamesThatCannotBeInterfaces() {
        assertThrows(IllegalArgumentException.class, () -> NetworkInterfaces.indexOf("a-name-that-is-too-long"));
    }

    @Test
    void shouldCaptureErrnoOfTheFailedCall() {
        assertEquals(-1, Syscalls.close(-1));
        assertEquals(Errno.EBADF, Syscalls.errno());
        assertEquals("Bad file descriptor", Errno.describe(Errno.EBADF));
    }
}
