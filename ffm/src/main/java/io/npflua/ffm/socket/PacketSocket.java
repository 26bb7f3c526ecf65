package io.npflua.ffm.socket;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.npflua.ffm.layout.IfreqDescriptor;
import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.layout.PacketMreqDescriptor;
import io.npflua.ffm.layout.PollfdDescriptor;
import io.npflua.ffm.layout.SockFilterDescriptor;
import io.npflua.ffm.layout.SockaddrLlDescriptor;
import io.npflua.ffm.layout.TpacketReq3Descriptor;
import io.npflua.ffm.layout.TpacketReqDescriptor;
import io.npflua.ffm.layout.TpacketStatsV3Descriptor;
import io.npflua.ffm.ring.BlockRing;
import io.npflua.ffm.ring.FrameHandler;
import io.npflua.ffm.ring.FrameRing;
import io.npflua.ffm.ring.PacketFrame;
import io.npflua.ffm.ring.RingGeometry;
import io.npflua.ffm.ring.RingVersion;
import io.npflua.ffm.ring.RxRing;
import io.npflua.ffm.ring.TxRing;
import io.npflua.ffm.sys.Errno;
import io.npflua.ffm.sys.ErrnoException;
import io.npflua.ffm.sys.Operation;
import io.npflua.ffm.sys.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToIntFunction;

/**
 * An AF_PACKET socket bound to one interface, with its memory-mapped rings.
 *
 * <p>{@link #open(PacketSocketOptions)} sets it up as a row of named steps, in the order the kernel requires:
 * resolve interface, socket, configure (version, reserve, loss, qdisc bypass, ignore-outgoing, filter), rings,
 * mmap, bind, fanout, membership, wakeup. A failure at any step closes what was made and throws an
 * {@link ErrnoException} (or {@link IllegalArgumentException} for a bad geometry) that says what to change.
 *
 * <p>Threads: one worker thread owns the socket: it polls the rings ({@link #poll(FrameHandler, int)}), waits
 * ({@link #await(int)}), sends and finally closes. {@link #wakeup()} and {@link #statistics()} may be called from any
 * thread. To stop, call {@link #wakeup()} from the control thread and let the worker leave its loop and call
 * {@link #close()}. {@code close()} from another thread wakes a blocked {@code await} and waits (up to 1 s) for it
 * to return, but must not race a running {@code poll}: closing unmaps the rings under a V3 block the worker may still
 * be reading.
 */
public final class PacketSocket implements AutoCloseable {
    private static final String NO_RX_RING = "this socket has no RX ring (PacketSocketOptions.rxRing)";

    private final PacketSocketOptions options;
    private final Arena arena = Arena.ofShared();
    private final String interfaceName;
    // The calls as errors name them, made once: the per-batch kick and poll must not build strings per call.
    private final String kickCall;
    private final String pollCall;
    private int ifindex;
    private int fd = -1;
    private int wakeFd = -1;
    private MemorySegment mapping = MemorySegment.NULL;
    private RxRing rxRing;
    private TxRing txRing;
    private MemorySegment pollFds;
    private MemorySegment wakeValue;
    private MemorySegment drainBuffer;
    private MemorySegment statsBuffer;
    private MemorySegment statsLength;
    private MemorySegment destination;
    private MemorySegment sendBuffer;
    private long packets;
    private long drops;
    private long freezes;
    private int lastErrno;
    private volatile boolean closed;

    /**
     * Set to {@code false} to make {@link #vnetHeadersAvailable()} answer as a kernel without {@code PACKET_VNET_HDR}
     * would (for tests of the fallbacks): {@value}.
     */
    public static final String VNET_HEADERS_PROPERTY = "npflua.ffm.vnetHeaders";

    private static volatile String vnetUnavailableCause;
    private static volatile boolean vnetProbed;

    /**
     * Whether this kernel puts a {@code virtio_net_hdr} on packet socket rings ({@code PACKET_VNET_HDR}), probed once
     * per process on a ring-less socket (Netty's {@code isAvailable()}). False also without CAP_NET_RAW, and when the
     * system property {@value #VNET_HEADERS_PROPERTY} is {@code false} (a simulated kernel without it).
     *
     * @return true when sockets may be opened with {@link PacketSocketOptions.Builder#vnetHeader(boolean)}.
     */
    public static boolean vnetHeadersAvailable() {
        return vnetHeadersUnavailableCause() == null;
    }

    /** @return why {@link #vnetHeadersAvailable()} is false, or null when it is true. */
    public static String vnetHeadersUnavailableCause() {
        if ("false".equalsIgnoreCase(System.getProperty(VNET_HEADERS_PROPERTY))) {
            return "PACKET_VNET_HDR turned off by -D" + VNET_HEADERS_PROPERTY
                    + "=false (a kernel without it, simulated)";
        }
        if (!vnetProbed) {
            synchronized (PacketSocket.class) {
                if (!vnetProbed) {
                    vnetUnavailableCause = probeVnetHeaders();
                    vnetProbed = true;
                }
            }
        }
        return vnetUnavailableCause;
    }

    private static String probeVnetHeaders() {
        final int fd =
                (int) Syscalls.socket(PacketConstants.AF_PACKET, PacketConstants.SOCK_RAW | Syscalls.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return "cannot open a packet socket to probe PACKET_VNET_HDR: " + Errno.describe(Syscalls.errno());
        }
        try (Arena scratch = Arena.ofConfined()) {
            final int rc = Syscalls.setsockopt(
                    fd, PacketConstants.SOL_PACKET, PacketConstants.PACKET_VNET_HDR, scratch.allocateFrom(JAVA_INT, 1));
            return rc == 0 ? null : "setsockopt(PACKET_VNET_HDR) failed: " + Errno.describe(Syscalls.errno());
        } finally {
            Syscalls.close(fd);
        }
    }

    private PacketSocket(final PacketSocketOptions options) {
        this.options = options;
        this.interfaceName = options.interfaceName;
        this.kickCall = "send(PACKET_TX_RING, " + interfaceName + ")";
        this.pollCall = "poll(" + interfaceName + ")";
    }

    /**
     * Opens and sets up a socket; on any failure, everything made so far is released.
     *
     * @param options what to open.
     * @return the socket, bound and receiving (if it has an RX ring).
     * @throws ErrnoException           when a system call fails (message names the call, the reason and what to do).
     * @throws IllegalArgumentException when a ring geometry is invalid.
     */
    public static PacketSocket open(final PacketSocketOptions options) {
        final PacketSocket socket = new PacketSocket(options);
        try {
            socket.validateGeometry();
            socket.resolveInterface();
            socket.createSocket();
            socket.configure();
            socket.requestRings();
            socket.mapRings();
            socket.bind();
            socket.joinFanout();
            socket.addMembership();
            socket.openWakeup();
            return socket;
        } catch (final RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }

    private void validateGeometry() {
        final int pageSize = Syscalls.pageSize();
        if (options.rxGeometry != null) {
            options.rxGeometry.validate(options.rxVersion, reserve(), pageSize);
        }
        if (options.txGeometry != null) {
            options.txGeometry.validate(RingVersion.V2, 0, pageSize);
        }
    }

    private int reserve() {
        return options.vlanReinsertion ? 4 : 0;
    }

    private void resolveInterface() {
        ifindex = NetworkInterfaces.indexOf(interfaceName);
    }

    private void createSocket() {
        // Protocol 0: no packet is queued before bind() names the interface and ETH_P_ALL.
        fd = (int) Syscalls.check(
                Syscalls.socket(PacketConstants.AF_PACKET, PacketConstants.SOCK_RAW | Syscalls.SOCK_CLOEXEC, 0),
                Operation.SOCKET,
                "socket(AF_PACKET, SOCK_RAW)",
                null);
    }

    private void configure() {
        final boolean anyRing = options.rxGeometry != null || options.txGeometry != null;
        if (anyRing) {
            final RingVersion version = options.rxGeometry != null ? options.rxVersion : RingVersion.V2;
            setInt(
                    PacketConstants.SOL_PACKET,
                    PacketConstants.PACKET_VERSION,
                    version.kernelValue(),
                    "setsockopt(PACKET_VERSION)",
                    version.name());
        }
        if (options.vnetHeader) {
            // Before the rings: the kernel refuses it with EBUSY once a ring exists.
            if (!vnetHeadersAvailable()) {
                throw Errno.exception(
                        Operation.SOCKET_OPTION,
                        "setsockopt(PACKET_VNET_HDR)",
                        Errno.ENOPROTOOPT,
                        vnetHeadersUnavailableCause());
            }
            setInt(PacketConstants.SOL_PACKET, PacketConstants.PACKET_VNET_HDR, 1, "setsockopt(PACKET_VNET_HDR)", null);
        }
        if (reserve() > 0) {
            setInt(
                    PacketConstants.SOL_PACKET,
                    PacketConstants.PACKET_RESERVE,
                    reserve(),
                    "setsockopt(PACKET_RESERVE)",
                    reserve() + " B");
        }
        if (options.txGeometry != null && options.txLoss) {
            setInt(PacketConstants.SOL_PACKET, PacketConstants.PACKET_LOSS, 1, "setsockopt(PACKET_LOSS)", null);
        }
        if (options.qdiscBypass) {
            setInt(
                    PacketConstants.SOL_PACKET,
                    PacketConstants.PACKET_QDISC_BYPASS,
                    1,
                    "setsockopt(PACKET_QDISC_BYPASS)",
                    null);
        }
        if (options.ignoreOutgoing) {
            setInt(
                    PacketConstants.SOL_PACKET,
                    PacketConstants.PACKET_IGNORE_OUTGOING,
                    1,
                    "setsockopt(PACKET_IGNORE_OUTGOING)",
                    null);
        }
        BpfProgram filter = options.filter;
        if (options.snapLength > 0) {
            filter = filter == null
                    ? BpfProgram.acceptAll(options.snapLength)
                    : filter.withSnapLength(options.snapLength);
        }
        if (filter != null) {
            attachFilter(filter);
        }
    }

    /**
     * Replaces the socket's classic BPF filter (SO_ATTACH_FILTER); packets already in the ring stay.
     *
     * @param program the program.
     */
    public void attachFilter(final BpfProgram program) {
        try (Arena scratch = Arena.ofConfined()) {
            final int count = program.instructions().size();
            final MemorySegment code = scratch.allocate(SockFilterDescriptor.FILTER_LAYOUT, count);
            for (int i = 0; i < count; i++) {
                final BpfInstruction insn = program.instructions().get(i);
                final long base = i * SockFilterDescriptor.FILTER_LAYOUT.byteSize();
                code.set(JAVA_SHORT, base + SockFilterDescriptor.CODE_OFFSET, (short) insn.code());
                code.set(JAVA_BYTE, base + SockFilterDescriptor.JT_OFFSET, (byte) insn.jt());
                code.set(JAVA_BYTE, base + SockFilterDescriptor.JF_OFFSET, (byte) insn.jf());
                code.set(JAVA_INT, base + SockFilterDescriptor.K_OFFSET, insn.k());
            }
            final MemorySegment prog = scratch.allocate(SockFilterDescriptor.PROG_LAYOUT);
            prog.set(JAVA_SHORT, SockFilterDescriptor.PROG_LEN_OFFSET, (short) count);
            prog.set(ValueLayout.ADDRESS, SockFilterDescriptor.PROG_FILTER_OFFSET, code);
            Syscalls.check(
                    Syscalls.setsockopt(fd, PacketConstants.SOL_SOCKET, PacketConstants.SO_ATTACH_FILTER, prog),
                    Operation.FILTER,
                    "setsockopt(SO_ATTACH_FILTER)",
                    count + " instructions");
        }
    }

    private void requestRings() {
        if (options.rxGeometry != null) {
            requestRing(
                    PacketConstants.PACKET_RX_RING,
                    "setsockopt(PACKET_RX_RING)",
                    options.rxGeometry,
                    options.rxVersion);
        }
        if (options.txGeometry != null) {
            requestRing(
                    PacketConstants.PACKET_TX_RING, "setsockopt(PACKET_TX_RING)", options.txGeometry, RingVersion.V2);
        }
    }

    private void requestRing(final int name, final String call, final RingGeometry g, final RingVersion version) {
        try (Arena scratch = Arena.ofConfined()) {
            final MemorySegment req;
            if (version == RingVersion.V3) {
                req = scratch.allocate(TpacketReq3Descriptor.LAYOUT);
                req.set(JAVA_INT, TpacketReq3Descriptor.BLOCK_SIZE_OFFSET, g.blockSize());
                req.set(JAVA_INT, TpacketReq3Descriptor.BLOCK_NR_OFFSET, g.blockCount());
                req.set(JAVA_INT, TpacketReq3Descriptor.FRAME_SIZE_OFFSET, g.frameSize());
                req.set(JAVA_INT, TpacketReq3Descriptor.FRAME_NR_OFFSET, g.frameCount());
                req.set(JAVA_INT, TpacketReq3Descriptor.RETIRE_BLK_TOV_OFFSET, g.blockTimeoutMs());
            } else {
                req = scratch.allocate(TpacketReqDescriptor.LAYOUT);
                req.set(JAVA_INT, TpacketReqDescriptor.BLOCK_SIZE_OFFSET, g.blockSize());
                req.set(JAVA_INT, TpacketReqDescriptor.BLOCK_NR_OFFSET, g.blockCount());
                req.set(JAVA_INT, TpacketReqDescriptor.FRAME_SIZE_OFFSET, g.frameSize());
                req.set(JAVA_INT, TpacketReqDescriptor.FRAME_NR_OFFSET, g.frameCount());
            }
            Syscalls.check(
                    Syscalls.setsockopt(fd, PacketConstants.SOL_PACKET, name, req), Operation.RING, call, g.describe());
        }
    }

    private void mapRings() {
        final long rxSize = options.rxGeometry == null ? 0 : options.rxGeometry.sizeBytes();
        final long txSize = options.txGeometry == null ? 0 : options.txGeometry.sizeBytes();
        final long size = rxSize + txSize;
        if (size == 0) {
            return;
        }
        final long address = Syscalls.mmap(size, fd);
        if (address == -1L) {
            throw Errno.exception(Operation.MAP, "mmap(packet ring)", Syscalls.errno(), size + " B");
        }
        // The mapping lives as long as the socket's arena; closing it unmaps (also when a later setup step fails).
        mapping = MemorySegment.ofAddress(address)
                .reinterpret(size, arena, segment -> Syscalls.munmap(segment.address(), size));
        if (options.rxGeometry != null) {
            final MemorySegment rx = mapping.asSlice(0, rxSize);
            rxRing = options.rxVersion == RingVersion.V3
                    ? new BlockRing(rx, options.rxGeometry, options.sliceScope, options.vlanReinsertion)
                    : new FrameRing(
                            rx, options.rxGeometry, options.sliceScope, options.vlanReinsertion, options.vnetHeader);
        }
        if (options.txGeometry != null) {
            txRing = new TxRing(
                    mapping.asSlice(rxSize, txSize),
                    options.txGeometry,
                    this::kickTx,
                    options.txBatchSize,
                    options.vnetHeader);
        }
    }

    private void bind() {
        final MemorySegment address = arena.allocate(SockaddrLlDescriptor.LAYOUT);
        address.set(JAVA_SHORT, SockaddrLlDescriptor.FAMILY_OFFSET, (short) PacketConstants.AF_PACKET);
        // A socket without RX ring binds with protocol 0: it sends, and the kernel queues nothing for it.
        address.set(JAVA_SHORT, SockaddrLlDescriptor.PROTOCOL_OFFSET, (short)
                (options.rxGeometry != null ? PacketConstants.ETH_P_ALL_BE : 0));
        address.set(JAVA_INT, SockaddrLlDescriptor.IFINDEX_OFFSET, ifindex);
        Syscalls.check(
                Syscalls.bind(fd, address, (int) SockaddrLlDescriptor.LAYOUT.byteSize()),
                Operation.BIND,
                "bind(" + interfaceName + ")",
                interfaceName);
        destination = address;
    }

    private void joinFanout() {
        if (options.fanout != null) {
            final Fanout fanout = options.fanout;
            setInt(
                    PacketConstants.SOL_PACKET,
                    PacketConstants.PACKET_FANOUT,
                    fanout.socketOptionValue(),
                    Operation.FANOUT,
                    "setsockopt(PACKET_FANOUT)",
                    "group " + fanout.groupId() + ", " + fanout.mode()
                            + (fanout.flags().isEmpty() ? "" : " " + fanout.flags()));
        }
    }

    private void addMembership() {
        if (options.promiscuous) {
            try (Arena scratch = Arena.ofConfined()) {
                final MemorySegment mreq = scratch.allocate(PacketMreqDescriptor.LAYOUT);
                mreq.set(JAVA_INT, PacketMreqDescriptor.IFINDEX_OFFSET, ifindex);
                mreq.set(JAVA_SHORT, PacketMreqDescriptor.TYPE_OFFSET, (short) PacketConstants.PACKET_MR_PROMISC);
                Syscalls.check(
                        Syscalls.setsockopt(
                                fd, PacketConstants.SOL_PACKET, PacketConstants.PACKET_ADD_MEMBERSHIP, mreq),
                        Operation.MEMBERSHIP,
                        "setsockopt(PACKET_ADD_MEMBERSHIP, promiscuous)",
                        interfaceName);
            }
        }
    }

    private void openWakeup() {
        wakeFd = (int)
                Syscalls.check(Syscalls.eventfd(0, Syscalls.EFD_NONBLOCK_CLOEXEC), Operation.OTHER, "eventfd", null);
        pollFds = arena.allocate(PollfdDescriptor.LAYOUT, 2);
        pollFds.set(JAVA_INT, PollfdDescriptor.FD_OFFSET, fd);
        pollFds.set(JAVA_SHORT, PollfdDescriptor.EVENTS_OFFSET, (short) (Syscalls.POLLIN | Syscalls.POLLERR));
        pollFds.set(JAVA_INT, PollfdDescriptor.LAYOUT.byteSize() + PollfdDescriptor.FD_OFFSET, wakeFd);
        pollFds.set(JAVA_SHORT, PollfdDescriptor.LAYOUT.byteSize() + PollfdDescriptor.EVENTS_OFFSET, Syscalls.POLLIN);
        wakeValue = arena.allocate(JAVA_LONG);
        wakeValue.set(JAVA_LONG, 0, 1L);
        drainBuffer = arena.allocate(JAVA_LONG);
        statsBuffer = arena.allocate(TpacketStatsV3Descriptor.LAYOUT);
        statsLength = arena.allocate(JAVA_INT);
    }

    private void setInt(final int level, final int name, final int value, final String call, final String context) {
        setInt(level, name, value, Operation.SOCKET_OPTION, call, context);
    }

    private void setInt(
            final int level,
            final int name,
            final int value,
            final Operation operation,
            final String call,
            final String context) {
        try (Arena scratch = Arena.ofConfined()) {
            Syscalls.check(
                    Syscalls.setsockopt(fd, level, name, scratch.allocateFrom(JAVA_INT, value)),
                    operation,
                    call,
                    context);
        }
    }

    private long kickTx() {
        return Errno.ioResult(
                Syscalls.send(fd, MemorySegment.NULL, 0, PacketConstants.MSG_DONTWAIT), Operation.SEND, kickCall, null);
    }

    /** @return the RX ring (V3 {@link BlockRing} or V2 {@link FrameRing}). */
    public RxRing rxRing() {
        if (rxRing == null) {
            throw new IllegalStateException(NO_RX_RING);
        }
        return rxRing;
    }

    /** @return the TX ring. */
    public TxRing txRing() {
        if (txRing == null) {
            throw new IllegalStateException("this socket has no TX ring (PacketSocketOptions.txRing)");
        }
        return txRing;
    }

    /**
     * Hands up to {@code limit} ready frames to {@code handler} without blocking ({@link RxRing#poll}). Allocation-free
     * per packet.
     *
     * @param handler receives each frame.
     * @param limit   the most frames in this call.
     * @return frames handled.
     */
    public int poll(final FrameHandler handler, final int limit) {
        if (rxRing == null) {
            throw new IllegalStateException(NO_RX_RING);
        }
        return rxRing.poll(handler, limit);
    }

    /**
     * Sends a received frame through this socket's TX ring ({@link TxRing#offer(PacketFrame)}). Allocation-free.
     *
     * @param frame a frame from another socket's RX ring, during its handler call.
     * @return true when queued, false when the TX ring is full or the frame too long.
     */
    public boolean offer(final PacketFrame frame) {
        if (txRing == null) {
            throw new IllegalStateException("this socket has no TX ring (PacketSocketOptions.txRing)");
        }
        return txRing.offer(frame);
    }

    /**
     * Waits until the RX ring has frames, the timeout passes, {@link #wakeup()} is called, or the socket reports an
     * error (poll(2) on the socket and an eventfd). Returns at once when the ring already has frames. Allocation-free
     * except on the error paths.
     *
     * @param timeoutMs the most to wait in ms (0 = just look, -1 = no limit: only with a wakeup to end it).
     * @return what happened; for errors see {@link #lastError()}.
     */
    public WaitResult await(final int timeoutMs) {
        if (rxRing != null && rxRing.isReadable()) {
            return WaitResult.READY;
        }
        final long stride = PollfdDescriptor.LAYOUT.byteSize();
        pollFds.set(JAVA_SHORT, PollfdDescriptor.REVENTS_OFFSET, (short) 0);
        pollFds.set(JAVA_SHORT, stride + PollfdDescriptor.REVENTS_OFFSET, (short) 0);
        final int ready = Syscalls.poll(pollFds, 2, timeoutMs);
        if (ready == 0) {
            return WaitResult.TIMEOUT;
        }
        if (ready < 0) {
            Errno.ioResult(ready, Operation.POLL, pollCall, null); // throws unless retryable
            return WaitResult.TIMEOUT;
        }
        final short wakeEvents = pollFds.get(JAVA_SHORT, stride + PollfdDescriptor.REVENTS_OFFSET);
        if ((wakeEvents & Syscalls.POLLIN) != 0) {
            Syscalls.read(wakeFd, drainBuffer, Long.BYTES);
            return WaitResult.WAKEUP;
        }
        final short events = pollFds.get(JAVA_SHORT, PollfdDescriptor.REVENTS_OFFSET);
        if ((events & (Syscalls.POLLERR | Syscalls.POLLNVAL | Syscalls.POLLHUP)) != 0) {
            return readError();
        }
        return WaitResult.READY;
    }

    private WaitResult readError() {
        // Reading SO_ERROR clears it: the next wait blocks again until frames flow (after the interface is back up).
        final int errno = socketError();
        lastErrno = errno;
        if (errno == Errno.ENETDOWN || errno == Errno.ENODEV || errno == Errno.ENXIO) {
            return NetworkInterfaces.indexOrZero(interfaceName) == ifindex
                    ? WaitResult.INTERFACE_DOWN
                    : WaitResult.INTERFACE_GONE;
        }
        return errno == 0 ? WaitResult.READY : WaitResult.ERROR;
    }

    /**
     * @return the pending socket error (SO_ERROR), cleared by this read; 0 when none.
     */
    public int socketError() {
        try (Arena scratch = Arena.ofConfined()) {
            final MemorySegment value = scratch.allocate(JAVA_INT);
            final MemorySegment length = scratch.allocateFrom(JAVA_INT, Integer.BYTES);
            Syscalls.check(
                    Syscalls.getsockopt(fd, PacketConstants.SOL_SOCKET, PacketConstants.SO_ERROR, value, length),
                    Operation.SOCKET_OPTION,
                    "getsockopt(SO_ERROR)",
                    null);
            return value.get(JAVA_INT, 0);
        }
    }

    /**
     * @return a description of the last error {@link #await(int)} reported, e.g.
     *         {@code veth0: Network is down (interface down; capture resumes when it is up)}; null if none.
     */
    public String lastError() {
        if (lastErrno == 0) {
            return null;
        }
        if (lastErrno == Errno.ENETDOWN || lastErrno == Errno.ENODEV || lastErrno == Errno.ENXIO) {
            return NetworkInterfaces.indexOrZero(interfaceName) == ifindex
                    ? interfaceName + ": " + Errno.describe(lastErrno)
                            + " (interface down; capture resumes when it is up)"
                    : interfaceName + ": interface was deleted (index " + ifindex
                            + "); reopen the socket when it exists again";
        }
        return interfaceName + ": " + Errno.describe(lastErrno);
    }

    /**
     * @return true while the interface exists and is administratively up (SIOCGIFFLAGS).
     */
    public boolean interfaceUp() {
        try {
            int flags = ifreqIoctl(
                    PacketConstants.SIOCGIFFLAGS, "SIOCGIFFLAGS", r -> r.get(JAVA_SHORT, IfreqDescriptor.FLAGS_OFFSET));
            return (flags & PacketConstants.IFF_UP) != 0;
        } catch (ErrnoException gone) {
            return false;
        }
    }

    /**
     * @return the interface's MTU now (SIOCGIFMTU): the largest L3 packet it sends, without the link-layer header.
     * @throws ErrnoException when the interface is gone.
     */
    public int mtu() {
        // ifr_mtu is an int at the start of the ifr_ifru union, where ifr_flags is.
        return ifreqIoctl(PacketConstants.SIOCGIFMTU, "SIOCGIFMTU", r -> r.get(JAVA_INT, IfreqDescriptor.FLAGS_OFFSET));
    }

    /**
     * One {@code ifreq} ioctl about this socket's interface: names the interface in a fresh {@code struct ifreq},
     * makes the call and reads the answer out of the struct.
     *
     * @param request the ioctl, e.g. {@link PacketConstants#SIOCGIFMTU}
     * @param name    its name for the error message
     * @param answer  reads the answer from the {@code ifreq} after the call
     * @return what {@code answer} read
     * @throws ErrnoException when the call fails (e.g. the interface is gone)
     */
    private int ifreqIoctl(long request, String name, ToIntFunction<MemorySegment> answer) {
        try (Arena scratch = Arena.ofConfined()) {
            final MemorySegment ifreq = scratch.allocate(IfreqDescriptor.LAYOUT);
            ifreq.setString(IfreqDescriptor.NAME_OFFSET, interfaceName);
            Syscalls.check(
                    Syscalls.ioctl(fd, request, ifreq),
                    Operation.SOCKET_OPTION,
                    "ioctl(" + name + ", " + interfaceName + ")",
                    interfaceName);
            return answer.applyAsInt(ifreq);
        }
    }

    /**
     * Makes a concurrent or the next {@link #await(int)} return {@link WaitResult#WAKEUP}. Any thread; never blocks.
     */
    public void wakeup() {
        if (!closed && wakeFd >= 0) {
            Syscalls.write(wakeFd, wakeValue, Long.BYTES);
        }
    }

    /**
     * Reads PACKET_STATISTICS and adds it to the totals (the kernel clears its counters on each read; tp_packets
     * includes tp_drops). Any thread.
     *
     * @return the totals since the socket was opened.
     */
    public synchronized PacketStatistics statistics() {
        if (!closed && fd >= 0 && rxRing != null) {
            statsLength.set(JAVA_INT, 0, (int) TpacketStatsV3Descriptor.LAYOUT.byteSize());
            statsBuffer.fill((byte) 0);
            Syscalls.check(
                    Syscalls.getsockopt(
                            fd,
                            PacketConstants.SOL_PACKET,
                            PacketConstants.PACKET_STATISTICS,
                            statsBuffer,
                            statsLength),
                    Operation.SOCKET_OPTION,
                    "getsockopt(PACKET_STATISTICS)",
                    interfaceName);
            packets += Integer.toUnsignedLong(statsBuffer.get(JAVA_INT, TpacketStatsV3Descriptor.PACKETS_OFFSET));
            drops += Integer.toUnsignedLong(statsBuffer.get(JAVA_INT, TpacketStatsV3Descriptor.DROPS_OFFSET));
            freezes += Integer.toUnsignedLong(statsBuffer.get(JAVA_INT, TpacketStatsV3Descriptor.FREEZE_Q_CNT_OFFSET));
        }
        return new PacketStatistics(packets, drops, freezes);
    }

    /**
     * Sends one packet with sendto(2) (for sockets without a TX ring: with one, the kernel sends from the ring).
     * Heap segments are copied into a native buffer first.
     *
     * @param source the packet's segment.
     * @param offset where it starts.
     * @param length its length.
     * @return bytes sent, or 0 when the kernel could not take it now (EAGAIN/ENOBUFS).
     */
    public long sendTo(final MemorySegment source, final long offset, final int length) {
        if (txRing != null) {
            throw new IllegalStateException("this socket has a TX ring: send with txRing().offer(...)");
        }
        MemorySegment buffer = source.asSlice(offset, length);
        if (!buffer.isNative()) {
            if (sendBuffer == null || sendBuffer.byteSize() < length) {
                sendBuffer = arena.allocate(Math.max(length, 65536));
            }
            MemorySegment.copy(source, offset, sendBuffer, 0, length);
            buffer = sendBuffer;
        }
        return Errno.ioResult(
                Syscalls.sendto(fd, buffer, length, 0, destination, (int) SockaddrLlDescriptor.LAYOUT.byteSize()),
                Operation.SEND,
                "sendto(" + interfaceName + ")",
                length + " B");
    }

    /** {@link #send}'s answer for a packet the kernel took and dropped (ENOBUFS): sending it again would not help. */
    public static final long DROPPED = -1;

    /**
     * Sends bytes of native memory (a slot of another socket's ring, say) as one packet with send(2) to the bound
     * interface, without copying them first and without allocating; for sockets without a TX ring. With vnet headers
     * the bytes start with the {@code virtio_net_hdr}. Never waits: a full send buffer (EAGAIN: nothing was queued)
     * answers 0; a packet the device's queue or an egress filter dropped (ENOBUFS: the kernel consumed it) answers
     * {@link #DROPPED}.
     *
     * @param source native memory, e.g. an RX ring.
     * @param offset where the packet starts in {@code source}.
     * @param length its length.
     * @return bytes sent; 0 when the kernel could not take it now (EAGAIN, EINTR); {@link #DROPPED} when it took and
     *         dropped it (ENOBUFS)
     */
    public long send(final MemorySegment source, final long offset, final int length) {
        if (txRing != null) {
            throw new IllegalStateException("this socket has a TX ring: send with txRing().offer(...)");
        }
        if (!source.isNative()) {
            throw new IllegalArgumentException("send needs native memory; use sendTo for heap segments");
        }
        Objects.checkFromIndexSize(offset, length, source.byteSize());
        final long sent = Syscalls.sendAt(fd, source.address() + offset, length, PacketConstants.MSG_DONTWAIT);
        if (sent >= 0) {
            return sent;
        }
        // The error's texts only for an error that is thrown: "try again" (an overloaded egress, frame after frame)
        // allocates nothing.
        final int errno = Syscalls.errno();
        if (errno == Errno.ENOBUFS) {
            return DROPPED;
        }
        if (Errno.retryable(errno)) {
            return 0;
        }
        throw Errno.exception(Operation.SEND, "send(" + interfaceName + ")", errno, length + " B");
    }

    /** @return the interface name. */
    public String interfaceName() {
        return interfaceName;
    }

    /** @return the interface index the socket is bound to. */
    public int ifindex() {
        return ifindex;
    }

    /** @return the socket's file descriptor (for diagnostics). */
    public int fd() {
        return fd;
    }

    /**
     * Releases everything: blocks held by the RX ring, the ring mapping, the socket and the eventfd. Idempotent;
     * also used when {@link #open} fails half way.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (rxRing != null) {
            try {
                rxRing.releaseAll();
            } catch (final WrongThreadException ignored) {
                // A block arena belongs to the polling thread; the mapping goes away below in any case.
            }
        }
        try {
            closeArena();
        } finally {
            if (fd >= 0) {
                Syscalls.close(fd);
                fd = -1;
            }
            if (wakeFd >= 0) {
                Syscalls.close(wakeFd);
                wakeFd = -1;
            }
        }
    }

    private void closeArena() {
        for (int attempt = 0; ; attempt++) {
            if (wakeFd >= 0 && wakeValue != null) {
                // Ends a wait another thread may be blocked in: its poll(2) holds the arena until it returns.
                Syscalls.write(wakeFd, wakeValue, Long.BYTES);
            }
            try {
                arena.close();
                return;
            } catch (final IllegalStateException busy) {
                // A downcall on another thread (wait, wakeup, statistics) still holds a segment of the arena.
                if (attempt == 1000) {
                    throw new IllegalStateException(
                            "cannot unmap the ring of " + interfaceName
                                    + ": another thread keeps using the socket; stop it before close()",
                            busy);
                }
                LockSupport.parkNanos(1_000_000L);
            }
        }
    }

    /** @return true once {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }
}
