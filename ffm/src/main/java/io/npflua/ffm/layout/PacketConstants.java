package io.npflua.ffm.layout;

/**
 * Linux AF_PACKET constants ({@code <linux/if_packet.h>}, {@code <linux/if_ether.h>}, {@code <sys/socket.h>}) on
 * x86-64, as the kernel defines them.
 */
public final class PacketConstants {
    public static final int AF_PACKET = 17;
    /** AF_INET: the family of the plain socket the ethtool ioctl goes through (no privilege needed to open it). */
    public static final int AF_INET = 2;

    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOL_SOCKET = 1;
    public static final int SOL_PACKET = 263;
    /** ETH_P_ALL in host order; the socket API wants it in network order ({@link #ETH_P_ALL_BE}). */
    public static final int ETH_P_ALL = 0x0003;
    /** htons(ETH_P_ALL) as an int on a little-endian machine. */
    public static final int ETH_P_ALL_BE = Short.toUnsignedInt(Short.reverseBytes((short) ETH_P_ALL));

    public static final int ETH_P_8021Q = 0x8100;
    public static final int ETH_P_8021AD = 0x88A8;

    public static final int SO_ERROR = 4;
    public static final int SO_ATTACH_FILTER = 26;
    public static final int SO_DETACH_FILTER = 27;
    public static final int SO_RCVBUF = 8;

    public static final int PACKET_ADD_MEMBERSHIP = 1;
    public static final int PACKET_DROP_MEMBERSHIP = 2;
    public static final int PACKET_MR_PROMISC = 1;
    public static final int PACKET_RX_RING = 5;
    public static final int PACKET_STATISTICS = 6;
    public static final int PACKET_VERSION = 10;
    public static final int PACKET_RESERVE = 12;
    public static final int PACKET_TX_RING = 13;
    public static final int PACKET_LOSS = 14;
    /**
     * PACKET_VNET_HDR (int, 0/1): a {@code struct virtio_net_hdr} ({@link VirtioNetHdrDescriptor}) before every frame
     * sent and received. SOCK_RAW only; EBUSY once a ring exists (set it before PACKET_RX_RING/PACKET_TX_RING).
     */
    public static final int PACKET_VNET_HDR = 15;

    public static final int PACKET_FANOUT = 18;
    public static final int PACKET_QDISC_BYPASS = 20;
    public static final int PACKET_IGNORE_OUTGOING = 23;
    /**
     * PACKET_VNET_HDR_SZ (Linux 6.2+, int): as {@link #PACKET_VNET_HDR} with the header size given: 0 (off), 10
     * ({@code virtio_net_hdr}) or 12 ({@code virtio_net_hdr_mrg_rxbuf}); anything else is EINVAL.
     */
    public static final int PACKET_VNET_HDR_SZ = 24;

    public static final int TPACKET_V2 = 1;
    public static final int TPACKET_V3 = 2;
    /** TPACKET_ALIGNMENT: ring records and frames are aligned to this. */
    public static final int TPACKET_ALIGNMENT = 16;

    public static final int TP_STATUS_KERNEL = 0;
    public static final int TP_STATUS_USER = 1;
    public static final int TP_STATUS_COPY = 1 << 1;
    public static final int TP_STATUS_LOSING = 1 << 2;
    public static final int TP_STATUS_CSUMNOTREADY = 1 << 3;
    public static final int TP_STATUS_VLAN_VALID = 1 << 4;
    public static final int TP_STATUS_BLK_TMO = 1 << 5;
    public static final int TP_STATUS_VLAN_TPID_VALID = 1 << 6;
    public static final int TP_STATUS_CSUM_VALID = 1 << 7;
    /** RX (Linux 6.x): the frame is a TCP GSO super-frame (skb_is_gso_tcp); set with or without vnet headers. */
    public static final int TP_STATUS_GSO_TCP = 1 << 8;

    public static final int TP_STATUS_AVAILABLE = 0;
    public static final int TP_STATUS_SEND_REQUEST = 1;
    public static final int TP_STATUS_SENDING = 1 << 1;
    public static final int TP_STATUS_WRONG_FORMAT = 1 << 2;

    public static final int PACKET_HOST = 0;
    public static final int PACKET_BROADCAST = 1;
    public static final int PACKET_MULTICAST = 2;
    public static final int PACKET_OTHERHOST = 3;
    public static final int PACKET_OUTGOING = 4;

    public static final int MSG_DONTWAIT = 0x40;

    /** SIOCGIFFLAGS ioctl. */
    public static final long SIOCGIFFLAGS = 0x8913;
    /** SIOCGIFMTU ioctl: the MTU as an int at the start of {@code ifr_ifru}. */
    public static final long SIOCGIFMTU = 0x8921;

    public static final int IFF_UP = 0x1;
    public static final int IFF_RUNNING = 0x40;

    private PacketConstants() {}

    /**
     * @param value a length.
     * @return {@code value} rounded up to {@link #TPACKET_ALIGNMENT}, as the kernel's TPACKET_ALIGN.
     */
    public static int tpacketAlign(final int value) {
        return (value + TPACKET_ALIGNMENT - 1) & -TPACKET_ALIGNMENT;
    }
}
