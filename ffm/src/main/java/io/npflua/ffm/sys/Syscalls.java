package io.npflua.ffm.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Downcalls into the C library for the system calls npflua needs, each with {@code errno} captured
 * ({@link Linker.Option#captureCallState(String...)}) into a per-thread segment so a failure can be explained.
 *
 * <p>Every method returns the raw C result; when it is negative (or {@link MemorySegment#NULL}-like for
 * {@code mmap}), {@link #errno()} holds the error of this thread's last call. The {@code check*} helpers turn a failed
 * result into an {@link ErrnoException} through {@link Errno#exception(Operation, String, int, String)}.
 *
 * <p>Pointers are passed as {@link MemorySegment}s; callers pass native segments (heap segments are rejected by the
 * linker).
 */
public final class Syscalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    // One capture buffer per thread: reused by every call on that thread, so the hot calls (poll, send) allocate
    // nothing.
    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static final MethodHandle SOCKET =
            capturing("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND =
            capturing("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT =
            capturing("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT =
            capturing("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle MMAP = capturing(
            "mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = capturing("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle POLL =
            capturing("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SEND =
            capturing("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    // send(2) with the buffer as a raw address: a slice of a mapped ring is sent without making a segment for it.
    private static final MethodHandle SEND_AT =
            capturing("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SENDTO = capturing(
            "sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CLOSE = capturing("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX =
            capturing("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle EVENTFD =
            capturing("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle READ =
            capturing("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE =
            capturing("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle IOCTL = LINKER.downcallHandle(
            LIBC.findOrThrow("ioctl"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            CAPTURE_ERRNO,
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle STRERROR =
            LINKER.downcallHandle(LIBC.findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle SYSCONF =
            LINKER.downcallHandle(LIBC.findOrThrow("sysconf"), FunctionDescriptor.of(JAVA_LONG, JAVA_INT));

    private static final int SC_PAGESIZE = 30;
    private static final long MAP_FAILED = -1L;

    /** PROT_READ | PROT_WRITE. */
    public static final int PROT_READ_WRITE = 0x3;
    /** MAP_SHARED. */
    public static final int MAP_SHARED = 0x1;
    /** POLLIN. */
    public static final short POLLIN = 0x1;
    /** POLLOUT. */
    public static final short POLLOUT = 0x4;
    /** POLLERR. */
    public static final short POLLERR = 0x8;
    /** POLLHUP. */
    public static final short POLLHUP = 0x10;
    /** POLLNVAL. */
    public static final short POLLNVAL = 0x20;
    /** EFD_NONBLOCK | EFD_CLOEXEC. */
    public static final int EFD_NONBLOCK_CLOEXEC = 0x800 | 0x80000;
    /** SOCK_CLOEXEC, or-ed into the socket type. */
    public static final int SOCK_CLOEXEC = 0x80000;

    private Syscalls() {}

    private static MethodHandle capturing(final String name, final FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), descriptor, CAPTURE_ERRNO);
    }

    private static RuntimeException rethrow(final Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    /**
     * @return the errno left by this thread's last call made through this class.
     */
    public static int errno() {
        return (int) ERRNO.get(CAPTURE.get(), 0L);
    }

    /**
     * Throws the {@link ErrnoException} for this thread's last call if {@code result} is negative.
     *
     * @param result    the C result.
     * @param operation what the call was doing (chooses the advice).
     * @param call      the call as a person reads it, e.g. {@code setsockopt(PACKET_VERSION)}.
     * @param context   what was asked for, or {@code null}.
     * @return {@code result} when it is not negative.
     */
    public static long check(final long result, final Operation operation, final String call, final String context) {
        if (result < 0) {
            throw Errno.exception(operation, call, errno(), context);
        }
        return result;
    }

    /** @return the page size of this machine. */
    public static int pageSize() {
        try {
            return (int) (long) SYSCONF.invokeExact(SC_PAGESIZE);
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * @param errno an errno value.
     * @return its text from the C library.
     */
    public static String strerror(final int errno) {
        try {
            // glibc >= 2.32 returns a pointer to a static string for known values (thread-safe, never freed).
            final MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.equals(MemorySegment.NULL)
                    ? "errno " + errno
                    : text.reinterpret(256).getString(0);
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /** socket(2). @return fd or -1. */
    public static int socket(final int domain, final int type, final int protocol) {
        try {
            return (int) SOCKET.invokeExact(CAPTURE.get(), domain, type, protocol);
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /** bind(2). @return 0 or -1. */
    public static int bind(final int fd, final MemorySegment address, final int length) {
        try {
            return (int) BIND.invokeExact(CAPTURE.get(), fd, address, length);
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /** setsockopt(2) with the whole {@code value} segment. @return 0 or -1. */
    public static int setsockopt(final int fd, final int level, final int name, final MemorySegment value) {
        try {
            return (int) SETSOCKOPT.invokeExact(CAPTURE.get(), fd, level, name, value, (int) value.byteSize());
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /** getsockopt(2); {@code length} is an in/out {@code socklen_t}. @return 0 or -1. */
    public static int getsockopt(
            final int fd, final int level, final int name, final MemorySegment value, final MemorySegment length) {
        try {
            return (int) GETSOCKOPT.invokeExact(CAPTURE.get(), fd, level, name, value, length);
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * mmap(2) of {@code length} bytes of {@code fd}, shared and read-write.
     *
     * @return the address, or -1 on failure.
     */
    public static long mmap(final long length, final int fd) {
        try {
            final MemorySegment address = (MemorySegment)
                    MMAP.invokeExact(CAPTURE.get(), MemorySegment.NULL, length, PROT_READ_WRITE, MAP_SHARED, fd, 0L);
            return address.address() == MAP_FAILED ? -1L : address.address();
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /** munmap(2). @return 0 or -1. */
    public static int munmap(final long address, final long length) {
        try {
            return (int) MUNMAP.invokeExact(CAPTURE.get(), MemorySegment.ofAddress(address), length);
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /** poll(2) over {@code count} {@code pollfd}s. @return ready count, 0 on timeout, -1 on error. */
    public static int poll(final MemorySegment pollfds, final int count, final int timeoutMs) {
        try {
            return (int) POLL.invokeExact(CAPTURE.get(), pollfds, (long) count, timeoutMs);
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /** send(2). @return bytes sent or -1. */
    public static long send(final int fd, final MemorySegment buffer, final long length, final int flags) {
        try {
            return (long) SEND.invokeExact(CAPTURE.get(), fd, buffer, length, flags);
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * send(2) of {@code length} bytes at native address {@code address}; the caller keeps that memory mapped and
     * checks its bounds. Allocation-free. @return bytes sent or -1.
     */
    public static long sendAt(final int fd, final long address, final long length, final int flags) {
        try {
            return (long) SEND_AT.invokeExact(CAPTURE.get(), fd, address, length, flags);
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /** sendto(2). @return bytes sent or -1. */
    public static long sendto(
            final int fd,
            final MemorySegment buffer,
            final long length,
            final int flags,
            final MemorySegment address,
            final int addressLength) {
        try {
            return (long) SENDTO.invokeExact(CAPTURE.get(), fd, buffer, length, flags, address, addressLength);
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /** close(2). @return 0 or -1. */
    public static int close(final int fd) {
        try {
            return (int) CLOSE.invokeExact(CAPTURE.get(), fd);
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * if_nametoindex(3).
     *
     * @param name interface name.
     * @return the index, or 0 when there is no such interface ({@link #errno()} is then ENODEV).
     */
    public static int ifNameToIndex(final String name) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) IF_NAMETOINDEX.invokeExact(CAPTURE.get(), arena.allocateFrom(name));
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /** eventfd(2). @return fd or -1. */
    public static int eventfd(final int initial, final int flags) {
        try {
            return (int) EVENTFD.invokeExact(CAPTURE.get(), initial, flags);
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /** read(2). @return bytes read or -1. */
    public static long read(final int fd, final MemorySegment buffer, final long length) {
        try {
            return (long) READ.invokeExact(CAPTURE.get(), fd, buffer, length);
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /** write(2). @return bytes written or -1. */
    public static long write(final int fd, final MemorySegment buffer, final long length) {
        try {
            return (long) WRITE.invokeExact(CAPTURE.get(), fd, buffer, length);
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl(2) with a pointer argument. @return the result or -1. */
    public static int ioctl(final int fd, final long request, final MemorySegment argument) {
        try {
            return (int) IOCTL.invokeExact(CAPTURE.get(), fd, request, argument);
        } catch (final Throwable t) {
            throw rethrow(t);
        }
    }
}
