package io.npflua.engine.frames;

import io.npflua.lua.data.InternetChecksum;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds valid Ethernet frames, with up to two VLAN tags (802.1Q, 802.1ad), IPv4 or IPv6 (with extension headers if
 * asked), and TCP, UDP, ICMP or ICMPv6, with every length and checksum computed, for tests, the demo capture and
 * traffic generation.
 *
 * <p>Lab safety: addresses must lie in 198.18.0.0/15 (RFC 2544) or 2001:db8::/32 (RFC 3849) and MAC addresses must
 * start with {@code 02} (locally administered, unicast); anything else is refused with
 * {@link IllegalArgumentException}, so a test cannot build a frame aimed at a real network.
 *
 * <p>The builder is mutable and reusable: change a field (a sequence number, the payload) and call {@link #build()}
 * again. It allocates; it is not meant for the per-packet path.
 *
 * <pre>{@code
 * byte[] frame = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
 *     .vlan(100)
 *     .ipv4("198.18.0.1", "198.18.1.1")
 *     .tcp(40000, 22, 1000, 2000, FrameBuilder.TCP_PSH | FrameBuilder.TCP_ACK)
 *     .payload("SSH-2.0-OpenSSH_9.6\r\n")
 *     .build();
 * }</pre>
 */
public final class FrameBuilder {
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    public static final int TPID_8021Q = 0x8100;
    public static final int TPID_8021AD = 0x88A8;
    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;
    public static final int PROTOCOL_ICMPV6 = 58;
    /** IP protocol "reserved for experimentation", used when no transport is chosen. */
    public static final int PROTOCOL_EXPERIMENTAL = 253;

    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_PSH = 0x08;
    public static final int TCP_ACK = 0x10;
    public static final int TCP_URG = 0x20;
    /** Shortest Ethernet frame without FCS; shorter frames are padded to it on the wire. */
    public static final int ETHERNET_MIN_LENGTH = 60;

    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private enum Network {
        NONE,
        IPV4,
        IPV6
    }

    private enum Transport {
        NONE,
        TCP,
        UDP,
        ICMP
    }

    private final byte[] sourceMac;
    private final byte[] destinationMac;
    private final int[] tagTpid = new int[2];
    private final int[] tagTci = new int[2];
    private int tagCount;
    private Network network = Network.NONE;
    private byte[] sourceIp;
    private byte[] destinationIp;
    private int ttl = 64;
    private int ipId;
    private int trafficClass;
    private int flowLabel;
    private int[] ipv6Extensions = new int[0];
    private boolean dontFragment = true;
    private Transport transport = Transport.NONE;
    private int sourcePort;
    private int destinationPort;
    private long sequence;
    private long acknowledgement;
    private int tcpFlags;
    private int tcpWindow = 64240;
    private byte[] tcpOptions = new byte[0];
    private int icmpType;
    private int icmpCode;
    private int icmpRest;
    private byte[] payload = new byte[0];
    private boolean padToMinimum;

    private FrameBuilder(byte[] sourceMac, byte[] destinationMac) {
        this.sourceMac = sourceMac;
        this.destinationMac = destinationMac;
    }

    /** Starts a frame from {@code sourceMac} to {@code destinationMac} ({@code 02:xx:xx:xx:xx:xx}). */
    public static FrameBuilder ethernet(String sourceMac, String destinationMac) {
        return new FrameBuilder(mac(sourceMac), mac(destinationMac));
    }

    /** Adds an 802.1Q tag with VLAN id {@code vid} and priority 0 (after any tag added before). */
    public FrameBuilder vlan(int vid) {
        return tag(TPID_8021Q, 0, vid);
    }

    /** Adds an 802.1ad service tag (outer) {@code outerVid} and an 802.1Q customer tag {@code innerVid}. */
    public FrameBuilder qinq(int outerVid, int innerVid) {
        return tag(TPID_8021AD, 0, outerVid).tag(TPID_8021Q, 0, innerVid);
    }

    /** Adds a VLAN tag with any TPID, priority code point (0..7) and VLAN id (0..4095); at most two tags. */
    public FrameBuilder tag(int tpid, int priority, int vid) {
        if (tagCount == 2) {
            throw new IllegalStateException("at most two VLAN tags");
        }
        if (priority < 0 || priority > 7 || vid < 0 || vid > 4095) {
            throw new IllegalArgumentException("VLAN priority 0..7 and id 0..4095, got " + priority + "/" + vid);
        }
        tagTpid[tagCount] = tpid & 0xFFFF;
        tagTci[tagCount] = priority << 13 | vid;
        tagCount++;
        return this;
    }

    /** IPv4 between two addresses of 198.18.0.0/15. */
    public FrameBuilder ipv4(String source, String destination) {
        network = Network.IPV4;
        sourceIp = ipv4Address(source);
        destinationIp = ipv4Address(destination);
        return this;
    }

    /** IPv6 between two addresses of 2001:db8::/32. */
    public FrameBuilder ipv6(String source, String destination) {
        network = Network.IPV6;
        sourceIp = ipv6Address(source);
        destinationIp = ipv6Address(destination);
        return this;
    }

    /** IPv4 TTL or IPv6 hop limit (64 by default). */
    public FrameBuilder ttl(int value) {
        ttl = value & 0xFF;
        return this;
    }

    /** IPv4 identification (0 by default). */
    public FrameBuilder ipId(int value) {
        ipId = value & 0xFFFF;
        return this;
    }

    /** IPv4 DSCP/ECN byte or IPv6 traffic class (0 by default). */
    public FrameBuilder trafficClass(int value) {
        trafficClass = value & 0xFF;
        return this;
    }

    /** IPv6 flow label (0 by default). */
    public FrameBuilder flowLabel(int value) {
        flowLabel = value & 0xF_FFFF;
        return this;
    }

    /**
     * IPv6 extension headers, in this order, between the IPv6 header and the transport: hop-by-hop options (0), routing
     * (43), fragment (44), destination options (60), each 8 bytes of zeros after its next-header and length bytes
     * (padding options, a routing header with no segments left, an atomic fragment), or an authentication header (51)
     * of 16 bytes. None by default.
     */
    public FrameBuilder ipv6Extensions(int... types) {
        for (int type : types) {
            if (type != 0 && type != 43 && type != 44 && type != 60 && type != 51) {
                throw new IllegalArgumentException("IPv6 extension header 0, 43, 44, 51 or 60, got " + type);
            }
        }
        ipv6Extensions = types.clone();
        return this;
    }

    /** IPv4 "don't fragment" flag (set by default). */
    public FrameBuilder dontFragment(boolean value) {
        dontFragment = value;
        return this;
    }

    /** TCP with the given ports, sequence and acknowledgement numbers and flags ({@link #TCP_SYN} etc.). */
    public FrameBuilder tcp(int sourcePort, int destinationPort, long sequence, long acknowledgement, int flags) {
        transport = Transport.TCP;
        this.sourcePort = port(sourcePort);
        this.destinationPort = port(destinationPort);
        this.sequence = sequence & 0xFFFF_FFFFL;
        this.acknowledgement = acknowledgement & 0xFFFF_FFFFL;
        this.tcpFlags = flags & 0xFF;
        return this;
    }

    /** Sets the TCP sequence number only (for the next segment of a flow). */
    public FrameBuilder sequence(long value) {
        sequence = value & 0xFFFF_FFFFL;
        return this;
    }

    /** Sets the TCP acknowledgement number only. */
    public FrameBuilder acknowledgement(long value) {
        acknowledgement = value & 0xFFFF_FFFFL;
        return this;
    }

    /** Sets the TCP flags only. */
    public FrameBuilder flags(int value) {
        tcpFlags = value & 0xFF;
        return this;
    }

    /** TCP receive window (64240 by default). */
    public FrameBuilder window(int value) {
        tcpWindow = value & 0xFFFF;
        return this;
    }

    /** Raw TCP option bytes, padded with end-of-list (0) to a multiple of 4; at most 40 bytes. */
    public FrameBuilder tcpOptions(byte[] options) {
        if (options.length > 40) {
            throw new IllegalArgumentException("TCP options are at most 40 bytes, got " + options.length);
        }
        tcpOptions = Arrays.copyOf(options, (options.length + 3) & ~3);
        return this;
    }

    /** UDP with the given ports. */
    public FrameBuilder udp(int sourcePort, int destinationPort) {
        transport = Transport.UDP;
        this.sourcePort = port(sourcePort);
        this.destinationPort = port(destinationPort);
        return this;
    }

    /**
     * ICMP (over IPv4) or ICMPv6 (over IPv6) with any type and code; {@code rest} is the 32-bit rest of the header.
     */
    public FrameBuilder icmp(int type, int code, int rest) {
        transport = Transport.ICMP;
        icmpType = type & 0xFF;
        icmpCode = code & 0xFF;
        icmpRest = rest;
        return this;
    }

    /** Echo request or reply: ICMP type 8/0 over IPv4, ICMPv6 type 128/129 over IPv6. Call after ipv4/ipv6. */
    public FrameBuilder echo(boolean request, int identifier, int sequenceNumber) {
        int type = switch (network) {
            case IPV4 -> request ? 8 : 0;
            case IPV6 -> request ? 128 : 129;
            case NONE -> throw new IllegalStateException("choose ipv4 or ipv6 before echo");
        };
        return icmp(type, 0, (identifier & 0xFFFF) << 16 | (sequenceNumber & 0xFFFF));
    }

    /** The transport payload (copied). */
    public FrameBuilder payload(byte[] bytes) {
        payload = bytes.clone();
        return this;
    }

    /** The transport payload as ISO-8859-1 bytes (one byte per char, as Lua strings). */
    public FrameBuilder payload(String text) {
        payload = text.getBytes(StandardCharsets.ISO_8859_1);
        return this;
    }

    /** Pads frames shorter than 60 bytes with zeros after the packet, as a received Ethernet frame is. */
    public FrameBuilder padToMinimum(boolean value) {
        padToMinimum = value;
        return this;
    }

    /** Builds the frame: a new array holding headers, payload and (if asked) padding, all checksums filled in. */
    public byte[] build() {
        int transportHeader = switch (transport) {
            case NONE -> 0;
            case TCP -> 20 + tcpOptions.length;
            case UDP, ICMP -> 8;
        };
        int extensions = 0;
        for (int type : ipv6Extensions) {
            extensions += extensionLength(type);
        }
        int networkHeader = switch (network) {
            case NONE -> 0;
            case IPV4 -> 20;
            case IPV6 -> 40 + extensions;
        };
        if (network == Network.NONE && transport != Transport.NONE) {
            throw new IllegalStateException("a transport needs ipv4 or ipv6");
        }
        if (network != Network.IPV6 && extensions > 0) {
            throw new IllegalStateException("extension headers need ipv6");
        }
        int transportLength = transportHeader + payload.length;
        int packetLength = networkHeader + transportLength;
        if (packetLength > 65535) {
            throw new IllegalArgumentException("packet of " + packetLength + " bytes exceeds 65535");
        }
        int l2 = 14 + 4 * tagCount;
        int frameLength = l2 + packetLength;
        byte[] frame = new byte[padToMinimum ? Math.max(frameLength, ETHERNET_MIN_LENGTH) : frameLength];
        MemorySegment f = MemorySegment.ofArray(frame);

        System.arraycopy(destinationMac, 0, frame, 0, 6);
        System.arraycopy(sourceMac, 0, frame, 6, 6);
        int at = 12;
        for (int i = 0; i < tagCount; i++) {
            f.set(SHORT_BE, at, (short) tagTpid[i]);
            f.set(SHORT_BE, at + 2, (short) tagTci[i]);
            at += 4;
        }
        int etherType = switch (network) {
            case IPV4 -> ETHERTYPE_IPV4;
            case IPV6 -> ETHERTYPE_IPV6;
            // A local experimental EtherType (IEEE 802 "Local Experimental Ethertype 1").
            case NONE -> 0x88B5;
        };
        f.set(SHORT_BE, at, (short) etherType);
        int ip = l2;
        int protocol = switch (transport) {
            case NONE -> PROTOCOL_EXPERIMENTAL;
            case TCP -> PROTOCOL_TCP;
            case UDP -> PROTOCOL_UDP;
            case ICMP -> network == Network.IPV6 ? PROTOCOL_ICMPV6 : PROTOCOL_ICMP;
        };
        if (network == Network.IPV4) {
            f.set(ValueLayout.JAVA_BYTE, ip, (byte) 0x45);
            f.set(ValueLayout.JAVA_BYTE, ip + 1, (byte) trafficClass);
            f.set(SHORT_BE, ip + 2, (short) packetLength);
            f.set(SHORT_BE, ip + 4, (short) ipId);
            f.set(SHORT_BE, ip + 6, (short) (dontFragment ? 0x4000 : 0));
            f.set(ValueLayout.JAVA_BYTE, ip + 8, (byte) ttl);
            f.set(ValueLayout.JAVA_BYTE, ip + 9, (byte) protocol);
            System.arraycopy(sourceIp, 0, frame, ip + 12, 4);
            System.arraycopy(destinationIp, 0, frame, ip + 16, 4);
            f.set(SHORT_BE, ip + 10, (short) InternetChecksum.checksum(f, ip, 20));
        } else if (network == Network.IPV6) {
            f.set(INT_BE, ip, 6 << 28 | trafficClass << 20 | flowLabel);
            f.set(SHORT_BE, ip + 4, (short) (extensions + transportLength));
            f.set(ValueLayout.JAVA_BYTE, ip + 6, (byte) (extensions > 0 ? ipv6Extensions[0] : protocol));
            f.set(ValueLayout.JAVA_BYTE, ip + 7, (byte) ttl);
            System.arraycopy(sourceIp, 0, frame, ip + 8, 16);
            System.arraycopy(destinationIp, 0, frame, ip + 24, 16);
            int header = ip + 40;
            for (int i = 0; i < ipv6Extensions.length; i++) {
                int type = ipv6Extensions[i];
                int length = extensionLength(type);
                int next = i + 1 < ipv6Extensions.length ? ipv6Extensions[i + 1] : protocol;
                f.set(ValueLayout.JAVA_BYTE, header, (byte) next);
                // The length byte: AH counts 4-byte words minus 2, the others 8-byte units minus 1.
                f.set(ValueLayout.JAVA_BYTE, header + 1, (byte) (type == 51 ? length / 4 - 2 : length / 8 - 1));
                header += length;
            }
        }
        int l4 = ip + networkHeader;
        System.arraycopy(payload, 0, frame, l4 + transportHeader, payload.length);
        switch (transport) {
            case TCP -> {
                f.set(SHORT_BE, l4, (short) sourcePort);
                f.set(SHORT_BE, l4 + 2, (short) destinationPort);
                f.set(INT_BE, l4 + 4, (int) sequence);
                f.set(INT_BE, l4 + 8, (int) acknowledgement);
                f.set(ValueLayout.JAVA_BYTE, l4 + 12, (byte) ((transportHeader / 4) << 4));
                f.set(ValueLayout.JAVA_BYTE, l4 + 13, (byte) tcpFlags);
                f.set(SHORT_BE, l4 + 14, (short) tcpWindow);
                System.arraycopy(tcpOptions, 0, frame, l4 + 20, tcpOptions.length);
                f.set(SHORT_BE, l4 + 16, (short) transportChecksum(f, ip, l4, protocol, transportLength));
            }
            case UDP -> {
                f.set(SHORT_BE, l4, (short) sourcePort);
                f.set(SHORT_BE, l4 + 2, (short) destinationPort);
                f.set(SHORT_BE, l4 + 4, (short) transportLength);
                int sum = transportChecksum(f, ip, l4, protocol, transportLength);
                // RFC 768: a computed 0 is sent as all ones (0 means "no checksum").
                f.set(SHORT_BE, l4 + 6, (short) (sum == 0 ? 0xFFFF : sum));
            }
            case ICMP -> {
                f.set(ValueLayout.JAVA_BYTE, l4, (byte) icmpType);
                f.set(ValueLayout.JAVA_BYTE, l4 + 1, (byte) icmpCode);
                f.set(INT_BE, l4 + 4, icmpRest);
                int sum = network == Network.IPV6
                        ? transportChecksum(f, ip, l4, protocol, transportLength)
                        : InternetChecksum.checksum(f, l4, transportLength); // ICMPv4 has no pseudo header
                f.set(SHORT_BE, l4 + 2, (short) sum);
            }
            case NONE -> {}
        }
        return frame;
    }

    private static int extensionLength(int type) {
        return type == 51 ? 16 : 8;
    }

    private int transportChecksum(MemorySegment f, int ip, int l4, int protocol, int length) {
        long sum = network == Network.IPV4
                ? InternetChecksum.ipv4PseudoHeader(f, ip, protocol, length)
                : InternetChecksum.ipv6PseudoHeader(f, ip, protocol, length);
        return InternetChecksum.finish(InternetChecksum.add(f, l4, length, sum));
    }

    private static int port(int value) {
        if (value < 0 || value > 65535) {
            throw new IllegalArgumentException("port out of range: " + value);
        }
        return value;
    }

    /** Parses {@code 02:xx:xx:xx:xx:xx}; only locally administered unicast addresses with first octet 02. */
    static byte[] mac(String text) {
        String[] parts = text.split("[:-]");
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) {
            mac[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        if (mac[0] != 0x02) {
            throw new IllegalArgumentException(
                    "lab MAC addresses must start with 02: (locally administered), got " + text);
        }
        return mac;
    }

    static byte[] ipv4Address(String text) {
        InetAddress address = literal(text);
        byte[] bytes = address.getAddress();
        if (!(address instanceof Inet4Address) || (bytes[0] & 0xFF) != 198 || (bytes[1] & 0xFE) != 18) {
            throw new IllegalArgumentException("lab IPv4 addresses must lie in 198.18.0.0/15, got " + text);
        }
        return bytes;
    }

    static byte[] ipv6Address(String text) {
        InetAddress address = literal(text);
        byte[] bytes = address.getAddress();
        if (!(address instanceof Inet6Address)
                || (bytes[0] & 0xFF) != 0x20
                || bytes[1] != 0x01
                || (bytes[2] & 0xFF) != 0x0d
                || (bytes[3] & 0xFF) != 0xb8) {
            throw new IllegalArgumentException("lab IPv6 addresses must lie in 2001:db8::/32, got " + text);
        }
        return bytes;
    }

    private static InetAddress literal(String text) {
        // ofLiteral never resolves names.
        return InetAddress.ofLiteral(text);
    }
}
