package io.npflua.ffm.sys;

import io.npflua.ffm.socket.NetworkInterfaces;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrnoTest
{
    @Test
    void shouldAdviseRootOrCapNetRawOnEperm()
    {
        final ErrnoException e = Errno.exception("socket(AF_PACKET, SOCK_RAW)", Errno.EPERM, null);
        assertEquals("socket(AF_PACKET, SOCK_RAW)", e.call());
        assertEquals(Errno.EPERM, e.errno());
        assertTrue(e.getMessage().startsWith("socket(AF_PACKET, SOCK_RAW) failed: Operation not permitted: needs root or CAP_NET_RAW"),
            e.getMessage());
    }

    @Test
    void shouldAdviseRootOrCapNetRawOnEacces()
    {
        assertTrue(Errno.exception("socket(AF_PACKET, SOCK_RAW)", Errno.EACCES, null).getMessage().contains("needs root or CAP_NET_RAW"));
    }

    @Test
    void shouldNameTheRingSizeAndSuggestSmallerOnEnomem()
    {
        final String message = Errno.exception("setsockopt(PACKET_RX_RING)", Errno.ENOMEM, "block 4 MiB x 64 = 256 MiB, frame 2048 B").getMessage();
        assertTrue(message.startsWith("setsockopt(PACKET_RX_RING) failed: Cannot allocate memory (block 4 MiB x 64"), message);
        assertTrue(message.contains("try a smaller ring (--ring-size)"), message);
    }

    @Test
    void shouldNameTheInterfaceOnEnodev()
    {
        assertTrue(Errno.exception("bind(veth9)", Errno.ENODEV, "veth9").getMessage().contains("no such interface: veth9"));
    }

    @Test
    void shouldReportMissingInterfaceByName()
    {
        final ErrnoException e = assertThrows(ErrnoException.class, () -> NetworkInterfaces.indexOf("npfnosuch0"));
        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(e.getMessage().contains("no such interface: npfnosuch0"), e.getMessage());
    }

    @Test
    void shouldRejectNamesThatCannotBeInterfaces()
    {
        assertThrows(IllegalArgumentException.class, () -> NetworkInterfaces.indexOf("a-name-that-is-too-long"));
    }

    @Test
    void shouldCaptureErrnoOfTheFailedCall()
    {
        assertEquals(-1, Syscalls.close(-1));
        assertEquals(Errno.EBADF, Syscalls.errno());
        assertEquals("Bad file descriptor", Errno.describe(Errno.EBADF));
    }
}
