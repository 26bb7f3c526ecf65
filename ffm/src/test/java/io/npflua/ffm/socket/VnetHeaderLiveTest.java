package io.npflua.ffm.socket;

import static io.npflua.ffm.socket.PacketSocketLiveTest.PAGE;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.ffm.lab.LabTraffic;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.Shell;
import io.npflua.ffm.lab.VethLab;
import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.layout.SockaddrLlDescriptor;
import io.npflua.ffm.layout.TpacketReq3Descriptor;
import io.npflua.ffm.layout.TpacketReqDescriptor;
import io.npflua.ffm.layout.VirtioNetHdrDescriptor;
import io.npflua.ffm.ring.BlockRing;
import io.npflua.ffm.ring.FrameRing;
import io.npflua.ffm.ring.PacketFrame;
import io.npflua.ffm.ring.RingGeometry;
import io.npflua.ffm.ring.RingVersion;
import io.npflua.ffm.ring.RxRing;
import io.npflua.ffm.ring.SliceScope;
import io.npflua.ffm.sys.Errno;
import io.npflua.ffm.sys.Operation;
import io.npflua.ffm.sys.Syscalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernel facts behind super-frames (docs/ffm.md, "Super-frames"), shown on this kernel with raw packet sockets:
 * which ring versions take {@code PACKET_VNET_HDR}, what a received GSO super-frame looks like in a V2 and a V3 ring
 * slot, and what the kernel does with a super-frame sent with a vnet header.
 */
@LiveTest
class VnetHeaderLiveTest {
    // Addresses and ports written into the hand-made super-frame; it travels between two raw sockets, no IP stack.
    private static final int PORT = 40_815;
    private static final byte[] IP_A = {(byte) 198, 18, 0, 1};
    private static final byte[] IP_B = {(byte) 198, 18, 0, 2};

    /** A received frame: the vnet header, the ring header's numbers and the start of the frame. */
    private record Seen(
            int flags,
            int gsoType,
            int hdrLen,
            int gsoSize,
            int csumStart,
            int csumOffset,
            int wireLength,
            int capturedLength,
            int status,
            int packetType,
            int mac,
            byte[] head) {
        int etherType() {
            return ((head[12] & 0xff) << 8) | (head[13] & 0xff);
        }

        int ipTotalLength() {
            return ((head[16] & 0xff) << 8) | (head[17] & 0xff);
        }

        int ipProtocol() {
            return head[23] & 0xff;
        }
    }

    private static Seen seen(final PacketFrame frame) {
        final MemorySegment s = frame.segment();
        final long vnet = frame.dataOffset() - VirtioNetHdrDescriptor.SIZE; // the header sits right before the frame
        final byte[] head = new byte[Math.min(64, frame.capturedLength())];
        MemorySegment.copy(s, JAVA_BYTE, frame.dataOffset(), head, 0, head.length);
        return new Seen(
                s.get(JAVA_BYTE, vnet + VirtioNetHdrDescriptor.FLAGS_OFFSET) & 0xff,
                s.get(JAVA_BYTE, vnet + VirtioNetHdrDescriptor.GSO_TYPE_OFFSET) & 0xff,
                Short.toUnsignedInt(s.get(JAVA_SHORT_UNALIGNED, vnet + VirtioNetHdrDescriptor.HDR_LEN_OFFSET)),
                Short.toUnsignedInt(s.get(JAVA_SHORT_UNALIGNED, vnet + VirtioNetHdrDescriptor.GSO_SIZE_OFFSET)),
                Short.toUnsignedInt(s.get(JAVA_SHORT_UNALIGNED, vnet + VirtioNetHdrDescriptor.CSUM_START_OFFSET)),
                Short.toUnsignedInt(s.get(JAVA_SHORT_UNALIGNED, vnet + VirtioNetHdrDescriptor.CSUM_OFFSET_OFFSET)),
                frame.wireLength(),
                frame.capturedLength(),
                frame.status(),
                frame.packetType(),
                (int) (frame.dataOffset() - frame.headerOffset()),
                head);
    }

    /**
     * A raw packet socket set up step by step, to show each step (PacketSocketOptions.vnetHeader does the same):
     * version, vnet header, ring, mmap, bind.
     */
    private static final class RawSocket implements AutoCloseable {
        final Arena arena = Arena.ofShared();
        final int fd;
        final int ifindex;
        RxRing ring;

        RawSocket(final String link, final int type) {
            ifindex = link == null ? 0 : NetworkInterfaces.indexOf(link);
            fd = (int) Syscalls.check(
                    Syscalls.socket(PacketConstants.AF_PACKET, type | Syscalls.SOCK_CLOEXEC, 0),
                    Operation.SOCKET,
                    "socket",
                    null);
        }

        /** @return 0, or the errno of the failed setsockopt. */
        int setInt(final int name, final int value) {
            return Syscalls.setsockopt(fd, PacketConstants.SOL_PACKET, name, arena.allocateFrom(JAVA_INT, value)) == 0
                    ? 0
                    : Syscalls.errno();
        }

        int getInt(final int name) {
            final MemorySegment value = arena.allocate(JAVA_INT);
            Syscalls.check(
                    Syscalls.getsockopt(fd, PacketConstants.SOL_PACKET, name, value, arena.allocateFrom(JAVA_INT, 4)),
                    Operation.SOCKET_OPTION,
                    "getsockopt",
                    null);
            return value.get(JAVA_INT, 0);
        }

        /** @return 0, or the errno of the failed setsockopt(PACKET_RX_RING / PACKET_TX_RING). */
        int requestRing(final int name, final RingVersion version, final RingGeometry g) {
            final MemorySegment req;
            if (version == RingVersion.V3) {
                req = arena.allocate(TpacketReq3Descriptor.LAYOUT);
                req.set(JAVA_INT, TpacketReq3Descriptor.RETIRE_BLK_TOV_OFFSET, g.blockTimeoutMs());
            } else {
                req = arena.allocate(TpacketReqDescriptor.LAYOUT);
            }
            req.set(JAVA_INT, TpacketReqDescriptor.BLOCK_SIZE_OFFSET, g.blockSize());
            req.set(JAVA_INT, TpacketReqDescriptor.BLOCK_NR_OFFSET, g.blockCount());
            req.set(JAVA_INT, TpacketReqDescriptor.FRAME_SIZE_OFFSET, g.frameSize());
            req.set(JAVA_INT, TpacketReqDescriptor.FRAME_NR_OFFSET, g.frameCount());
            return Syscalls.setsockopt(fd, PacketConstants.SOL_PACKET, name, req) == 0 ? 0 : Syscalls.errno();
        }

        /** Version, PACKET_VNET_HDR, RX ring, mmap, bind(ETH_P_ALL): a capturing socket with vnet headers. */
        RawSocket rxWithVnet(final RingVersion version, final RingGeometry g) {
            assertEquals(0, setInt(PacketConstants.PACKET_VERSION, version.kernelValue()));
            assertEquals(0, setInt(PacketConstants.PACKET_VNET_HDR, 1));
            assertEquals(0, requestRing(PacketConstants.PACKET_RX_RING, version, g));
            final long address = Syscalls.mmap(g.sizeBytes(), fd);
            assertTrue(address != -1L, "mmap");
            final MemorySegment mapping = MemorySegment.ofAddress(address)
                    .reinterpret(g.sizeBytes(), arena, segment -> Syscalls.munmap(segment.address(), g.sizeBytes()));
            ring = version == RingVersion.V3
                    ? new BlockRing(mapping, g, SliceScope.RING, false)
                    : new FrameRing(mapping, g, SliceScope.RING, false);
            bind(PacketConstants.ETH_P_ALL_BE);
            return this;
        }

        MemorySegment bind(final int protocol) {
            final MemorySegment address = arena.allocate(SockaddrLlDescriptor.LAYOUT);
            address.set(JAVA_SHORT, SockaddrLlDescriptor.FAMILY_OFFSET, (short) PacketConstants.AF_PACKET);
            address.set(JAVA_SHORT, SockaddrLlDescriptor.PROTOCOL_OFFSET, (short) protocol);
            address.set(JAVA_INT, SockaddrLlDescriptor.IFINDEX_OFFSET, ifindex);
            Syscalls.check(
                    Syscalls.bind(fd, address, (int) SockaddrLlDescriptor.LAYOUT.byteSize()),
                    Operation.BIND,
                    "bind",
                    null);
            return address;
        }

        /** Collects what the ring holds now (without waiting). */
        void drainInto(final List<Seen> into) {
            while (ring.poll(frame -> into.add(seen(frame)), 256) > 0) {
                // keep reading
            }
        }

        @Override
        public void close() {
            if (ring != null) {
                ring.releaseAll();
            }
            arena.close();
            Syscalls.close(fd);
        }
    }

    @Test
    void shouldTakeVnetHeadersWithV2AndV3RxRingsAndTxRingsButOnlyBeforeTheRing() {
        final RingGeometry frames = RingGeometry.frames(2048, 16, PAGE);
        final RingGeometry blocks = RingGeometry.blocks(1 << 16, 4, 5);
        for (final RingVersion version : RingVersion.values()) {
            try (RawSocket socket = new RawSocket(null, PacketConstants.SOCK_RAW)) {
                assertEquals(0, socket.setInt(PacketConstants.PACKET_VERSION, version.kernelValue()));
                assertEquals(
                        0,
                        socket.setInt(PacketConstants.PACKET_VNET_HDR, 1),
                        version + ": vnet header before the ring");
                assertEquals(10, socket.getInt(PacketConstants.PACKET_VNET_HDR_SZ));
                assertEquals(
                        0,
                        socket.requestRing(
                                PacketConstants.PACKET_RX_RING, version, version == RingVersion.V3 ? blocks : frames),
                        version + " RX ring with vnet headers");
                assertEquals(
                        Errno.EBUSY,
                        socket.setInt(PacketConstants.PACKET_VNET_HDR, 0),
                        version + ": vnet header after the ring");
            }
            try (RawSocket socket = new RawSocket(null, PacketConstants.SOCK_RAW)) {
                assertEquals(0, socket.setInt(PacketConstants.PACKET_VERSION, version.kernelValue()));
                assertEquals(0, socket.setInt(PacketConstants.PACKET_VNET_HDR, 1));
                // A V3 TX ring is a frame ring too (tpacket_req3 with no timeout, no private area, no feature word).
                assertEquals(
                        0,
                        socket.requestRing(PacketConstants.PACKET_TX_RING, version, frames),
                        version + " TX ring with vnet headers");
            }
        }
        try (RawSocket socket = new RawSocket(null, PacketConstants.SOCK_RAW)) {
            assertEquals(0, socket.setInt(PacketConstants.PACKET_VNET_HDR_SZ, 12));
            assertEquals(12, socket.getInt(PacketConstants.PACKET_VNET_HDR_SZ));
            assertEquals(1, socket.getInt(PacketConstants.PACKET_VNET_HDR));
            assertEquals(Errno.EINVAL, socket.setInt(PacketConstants.PACKET_VNET_HDR_SZ, 11), "only 0, 10 and 12");
        }
        try (RawSocket socket = new RawSocket(null, PacketConstants.SOCK_DGRAM)) {
            assertEquals(Errno.EINVAL, socket.setInt(PacketConstants.PACKET_VNET_HDR, 1), "SOCK_RAW only");
        }
    }

    /**
     * The lab: {@code a} here with 198.18.N.1, {@code b} in the lab namespace with 198.18.N.2, kernel default offloads;
     * N comes from the lab's unique prefix so that parallel labs in this namespace do not share a subnet.
     */
    private static VethLab.VethPair tcpLab(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair(true);
        lab.addAddress(pair.a(), null, subnet(lab) + ".1/24");
        lab.addAddress(pair.b(), pair.bNamespace(), subnet(lab) + ".2/24");
        return pair;
    }

    private static String subnet(final VethLab lab) {
        return "198.18." + (100 + Math.floorMod(lab.prefix().hashCode(), 150));
    }

    /**
     * A bounded TCP transfer (4 MiB, 20 s at most) from a sender in the lab namespace to a receiver here: its data crosses the veth
     * as GSO super-frames, since the sending side has TSO on.
     */
    private static void sendTcpIntoThisNamespace(final VethLab lab) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName(subnet(lab) + ".1"), 0));
            final CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> {
                try (Socket peer = server.accept();
                        InputStream in = peer.getInputStream()) {
                    return in.transferTo(OutputStream.nullOutputStream());
                } catch (final IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            lab.execInNamespace(
                    "timeout",
                    "20",
                    "/usr/bin/python3",
                    "-c",
                    "import socket; s=socket.create_connection(('" + subnet(lab) + ".1', " + server.getLocalPort()
                            + "), timeout=10); " + "s.sendall(b'x' * (4 << 20)); s.close()");
            assertEquals(4L << 20, received.get(20, TimeUnit.SECONDS));
        } catch (final Exception e) {
            throw new IllegalStateException("TCP transfer in the lab failed: " + e, e);
        }
    }

    private static List<Seen> captureTcpTransfer(
            final VethLab lab, final VethLab.VethPair pair, final RingVersion version, final RingGeometry geometry)
            throws IOException {
        final List<Seen> seen = new ArrayList<>();
        try (RawSocket rx = new RawSocket(pair.a(), PacketConstants.SOCK_RAW).rxWithVnet(version, geometry)) {
            sendTcpIntoThisNamespace(lab);
            LabTraffic.sleepMs(20); // a V3 block is handed over by its 5 ms timeout
            rx.drainInto(seen);
        }
        return seen;
    }

    private static List<Seen> incomingTcpData(final List<Seen> seen) {
        final List<Seen> data = new ArrayList<>();
        for (final Seen s : seen) {
            if (s.packetType() == PacketConstants.PACKET_HOST
                    && s.etherType() == 0x0800
                    && s.ipProtocol() == 6
                    && s.wireLength() > 100) {
                data.add(s);
            }
        }
        return data;
    }

    private static void assertSuperFramesWithTcpV4Headers(final List<Seen> seen, final String ring) {
        final List<Seen> data = incomingTcpData(seen);
        final List<Seen> superFrames =
                data.stream().filter(s -> s.wireLength() > 1514).toList();
        assertFalse(superFrames.isEmpty(), ring + ": no super-frame among " + data.size() + " data frames");
        for (final Seen s : superFrames) {
            final String what = ring + " super-frame of " + s.wireLength() + " B";
            assertTrue(s.wireLength() <= 65536 + 14, what + ": within gso_max_size");
            assertEquals(s.wireLength(), s.capturedLength(), what + ": whole in the slot");
            assertEquals(
                    s.wireLength() - 14, s.ipTotalLength(), what + ": the IPv4 total length covers the super-frame");
            assertEquals(
                    VirtioNetHdrDescriptor.GSO_TCPV4,
                    s.gsoType() & ~VirtioNetHdrDescriptor.GSO_ECN,
                    what + ": gso_type");
            assertTrue(s.gsoSize() > 0 && s.gsoSize() <= 1500 - 40, what + ": gso_size is the MSS, got " + s.gsoSize());
            assertEquals(VirtioNetHdrDescriptor.F_NEEDS_CSUM, s.flags(), what + ": partial checksum");
            assertEquals(14 + 20, s.csumStart(), what + ": checksum starts at the TCP header");
            assertEquals(16, s.csumOffset(), what + ": TCP checksum field");
            assertTrue(s.hdrLen() >= 14 + 20 + 20 && s.hdrLen() <= s.wireLength(), what + ": hdr_len " + s.hdrLen());
            assertTrue((s.status() & PacketConstants.TP_STATUS_CSUMNOTREADY) != 0, what + ": CSUMNOTREADY");
            assertTrue((s.status() & PacketConstants.TP_STATUS_GSO_TCP) != 0, what + ": GSO_TCP");
        }
    }

    @Test
    void shouldReceiveTcpSuperFramesWholeWithTheirVnetHeaderInV2Slots(final VethLab lab) throws IOException {
        final VethLab.VethPair pair = tcpLab(lab);
        // 76 + 65550 bytes fit a 68 KiB slot: tp_mac is TPACKET_ALIGN(52 + 16) + 10 - 14 = 76 with the vnet header.
        final List<Seen> seen = captureTcpTransfer(lab, pair, RingVersion.V2, RingGeometry.frames(17 * 4096, 64, PAGE));
        assertSuperFramesWithTcpV4Headers(seen, "V2");
    }

    @Test
    void shouldReceiveTcpSuperFramesWholeWithTheirVnetHeaderInV3Blocks(final VethLab lab) throws IOException {
        final VethLab.VethPair pair = tcpLab(lab);
        final List<Seen> seen = captureTcpTransfer(lab, pair, RingVersion.V3, RingGeometry.blocks(1 << 20, 8, 5));
        assertSuperFramesWithTcpV4Headers(seen, "V3");
    }

    @Test
    void shouldTruncateSuperFramesToTheSlotButKeepTheirLengthAndVnetHeader(final VethLab lab) throws IOException {
        final VethLab.VethPair pair = tcpLab(lab);
        final List<Seen> seen = captureTcpTransfer(lab, pair, RingVersion.V2, RingGeometry.frames(2048, 256, PAGE));
        final List<Seen> superFrames = incomingTcpData(seen).stream()
                .filter(s -> s.wireLength() > 2048 - 76)
                .toList();
        assertFalse(superFrames.isEmpty(), "no super-frame larger than the slot");
        for (final Seen s : superFrames) {
            assertEquals(76, s.mac(), "tp_mac: TPACKET_ALIGN(52 + 16) + 10 (vnet header) - 14");
            assertEquals(2048 - 76, s.capturedLength(), "tp_snaplen = frame size - tp_mac: " + s);
            assertTrue(s.wireLength() > s.capturedLength(), "tp_len keeps the super-frame's length");
            assertEquals(VirtioNetHdrDescriptor.GSO_TCPV4, s.gsoType() & ~VirtioNetHdrDescriptor.GSO_ECN);
            assertTrue(s.gsoSize() > 0);
        }
    }

    /** RFC 1071 sum of {@code bytes[from, to)} added to {@code sum}, not folded or complemented. */
    private static long sum(final byte[] bytes, final int from, final int to, final long sum) {
        long s = sum;
        for (int i = from; i < to; i += 2) {
            s += ((bytes[i] & 0xff) << 8) | (i + 1 < to ? bytes[i + 1] & 0xff : 0);
        }
        return s;
    }

    private static int fold(final long sum) {
        long s = sum;
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }

    /**
     * vnet header + Ethernet + IPv4 + TCP + payload, as a GSO sender hands it over: IPv4 checksum complete, TCP
     * checksum field holding the pseudo-header sum (NEEDS_CSUM), gso_size the MSS.
     */
    private static byte[] superFrame(final byte[] dstMac, final byte[] srcMac, final int payload, final int mss) {
        final int ipLength = 20 + 20 + payload;
        final ByteBuffer frame = ByteBuffer.allocate(VirtioNetHdrDescriptor.SIZE + 14 + ipLength);
        frame.put((byte) VirtioNetHdrDescriptor.F_NEEDS_CSUM).put((byte) VirtioNetHdrDescriptor.GSO_TCPV4);
        frame.order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) (14 + 40))
                .putShort((short) mss)
                .putShort((short) 34)
                .putShort((short) 16);
        frame.order(ByteOrder.BIG_ENDIAN);
        frame.put(dstMac).put(srcMac).putShort((short) 0x0800);
        final int ip = frame.position();
        frame.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) ipLength)
                .putShort((short) 1)
                .putShort((short) 0x4000)
                .put((byte) 64)
                .put((byte) 6)
                .putShort((short) 0)
                .put(IP_A)
                .put(IP_B);
        final int tcp = frame.position();
        frame.putShort((short) PORT)
                .putShort((short) (PORT + 1))
                .putInt(1000)
                .putInt(0)
                .put((byte) 0x50)
                .put((byte) 0x18)
                .putShort((short) 65535)
                .putShort((short) 0)
                .putShort((short) 0);
        for (int i = 0; i < payload; i++) {
            frame.put((byte) ('a' + i % 26));
        }
        final byte[] bytes = frame.array();
        final int ipSum = ~fold(sum(bytes, ip, ip + 20, 0)) & 0xffff;
        bytes[ip + 10] = (byte) (ipSum >> 8);
        bytes[ip + 11] = (byte) ipSum;
        final long pseudo = sum(bytes, ip + 12, ip + 20, 6 + 20 + payload);
        final int partial = fold(pseudo);
        bytes[tcp + 16] = (byte) (partial >> 8);
        bytes[tcp + 17] = (byte) partial;
        return bytes;
    }

    private static byte[] mac(final String link, final String namespace) {
        final String out = namespace == null
                ? Shell.check("cat", "/sys/class/net/" + link + "/address")
                : Shell.check("ip", "netns", "exec", namespace, "cat", "/sys/class/net/" + link + "/address");
        final String[] parts = out.strip().split(":");
        final byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) {
            mac[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return mac;
    }

    private static List<Seen> sendSuperFrame(
            final VethLab.VethPair pair, final byte[] frame, final RingVersion captureVersion) {
        final List<Seen> seen = new ArrayList<>();
        try (RawSocket rx = new RawSocket(pair.b(), PacketConstants.SOCK_RAW)
                        .rxWithVnet(captureVersion, RingGeometry.frames(17 * 4096, 64, PAGE));
                RawSocket tx = new RawSocket(pair.a(), PacketConstants.SOCK_RAW)) {
            assertEquals(0, tx.setInt(PacketConstants.PACKET_VNET_HDR, 1));
            final MemorySegment destination = tx.bind(0);
            final MemorySegment buffer = tx.arena.allocate(frame.length);
            MemorySegment.copy(frame, 0, buffer, JAVA_BYTE, 0, frame.length);
            final long sent = Syscalls.check(
                    Syscalls.sendto(
                            tx.fd, buffer, frame.length, 0, destination, (int) SockaddrLlDescriptor.LAYOUT.byteSize()),
                    Operation.SEND,
                    "sendto(vnet super-frame)",
                    null);
            assertEquals(frame.length, sent, "sendto counts the vnet header");
            LabTraffic.sleepMs(50);
            rx.drainInto(seen);
        }
        return seen;
    }

    @Test
    void shouldLetTheKernelSegmentASuperFrameSentWithAVnetHeader(final VethLab lab) {
        // b stays in this namespace: both ends are reached by raw sockets only, no IP stack is involved.
        final VethLab.VethPair pair = lab.addPair();
        final int payload = 20_000;
        final int mss = 1000;
        final byte[] frame = superFrame(mac(pair.b(), null), mac(pair.a(), null), payload, mss);

        // Default offloads: the veth takes the super-frame as is (TSO), and it arrives whole with its GSO metadata.
        final List<Seen> whole = sendSuperFrame(pair, frame, RingVersion.V2);
        assertEquals(1, whole.size(), "one super-frame: " + whole);
        assertEquals(frame.length - VirtioNetHdrDescriptor.SIZE, whole.get(0).wireLength());
        assertEquals(VirtioNetHdrDescriptor.GSO_TCPV4, whole.get(0).gsoType());
        assertEquals(mss, whole.get(0).gsoSize());

        // Without TSO and TX checksumming on the sending veth, the kernel segments it (software GSO) and fills in
        // every checksum: 20 segments of 1000 payload bytes, each a valid TCP/IPv4 packet.
        final OffloadChange change = OffloadFeatures.turnOff(pair.a(), EnumSet.of(Offload.TSO, Offload.TX_CHECKSUM));
        try {
            final List<Seen> segments = sendSuperFrame(pair, frame, RingVersion.V3);
            assertEquals(payload / mss, segments.size(), "segments");
            for (final Seen s : segments) {
                assertEquals(14 + 40 + mss, s.wireLength());
                assertEquals(VirtioNetHdrDescriptor.GSO_NONE, s.gsoType());
                assertEquals(0, s.status() & PacketConstants.TP_STATUS_CSUMNOTREADY, "checksums complete");
                assertEquals(0xffff, fold(sum(s.head(), 14, 34, 0)), "IPv4 header checksum");
            }
        } finally {
            OffloadFeatures.restore(change);
        }
    }
}
