package io.npflua.engine.pcap;

/**
 * The link-layer header types (tcpdump.org/linktypes.html) the engine meets in capture files. Values are the
 * LINKTYPE_ numbers stored in pcap headers and pcapng interface blocks, not DLT_ values.
 */
public final class LinkType {
    /** LINKTYPE_NULL: BSD loopback, 4-byte host-order protocol family. */
    public static final int NULL = 0;
    /** LINKTYPE_ETHERNET (DLT_EN10MB): Ethernet II / 802.3 frames, what AF_PACKET rings give for Ethernet. */
    public static final int ETHERNET = 1;
    /** LINKTYPE_RAW: a raw IPv4 or IPv6 packet, no link header. */
    public static final int RAW = 101;
    /** LINKTYPE_LINUX_SLL: Linux "cooked" capture v1 (tcpdump -i any), 16-byte pseudo header. */
    public static final int LINUX_SLL = 113;
    /** LINKTYPE_IPV4: raw IPv4 only. */
    public static final int IPV4 = 228;
    /** LINKTYPE_IPV6: raw IPv6 only. */
    public static final int IPV6 = 229;
    /** LINKTYPE_LINUX_SLL2: Linux "cooked" capture v2, 20-byte pseudo header. */
    public static final int LINUX_SLL2 = 276;

    private LinkType() {}

    /** A short name for messages: {@code EN10MB}, {@code LINUX_SLL}, or {@code LINKTYPE 147} for others. */
    public static String name(int linkType) {
        return switch (linkType) {
            case NULL -> "NULL";
            case ETHERNET -> "EN10MB";
            case RAW -> "RAW";
            case LINUX_SLL -> "LINUX_SLL";
            case IPV4 -> "IPV4";
            case IPV6 -> "IPV6";
            case LINUX_SLL2 -> "LINUX_SLL2";
            default -> "LINKTYPE " + linkType;
        };
    }
}
