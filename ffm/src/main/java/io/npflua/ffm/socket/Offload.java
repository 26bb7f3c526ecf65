package io.npflua.ffm.socket;

import java.util.Locale;

/**
 * The offload features a packet bridge cares about, each a group of the kernel's feature names ({@code ethtool -k}
 * lists them) chosen the way the {@code ethtool -K} short names choose them. The groups are matched against the
 * running kernel's own feature table, so a feature a newer kernel adds to a group (e.g. {@code
 * tx-tcp-accecn-segmentation} in 6.18) is included.
 *
 * <p>What each means for a packet socket: with {@link #TSO}, {@link #GSO}, {@link #UDP_SEGMENTATION} on the sending
 * side and {@link #GRO}, {@link #GRO_HW}, {@link #LRO}, {@link #GRO_LIST}, {@link #UDP_GRO_FORWARDING} on the
 * receiving side, a packet socket sees super-frames larger than the MTU (up to 64 KiB, more with BIG TCP); with
 * {@link #TX_CHECKSUM}, locally sent frames reach it with a partial checksum ({@code TP_STATUS_CSUMNOTREADY}).
 */
public enum Offload {
    /** TCP segmentation offload: {@code tx-tcp*-segmentation} (IPv4, IPv6, ECN, mangle-id, AccECN). */
    TSO("tso", "tx-tcp", "-segmentation"),
    /** Generic segmentation offload (segmentation in software just before the driver). */
    GSO("gso", "tx-generic-segmentation", null),
    /** Generic receive offload (software coalescing on receive). */
    GRO("gro", "rx-gro", null),
    /** Hardware GRO. */
    GRO_HW("rx-gro-hw", "rx-gro-hw", null),
    /** Large receive offload (hardware coalescing on receive). */
    LRO("lro", "rx-lro", null),
    /** GRO that chains the original packets (fraglist) instead of merging them. */
    GRO_LIST("rx-gro-list", "rx-gro-list", null),
    /** GRO of forwarded UDP flows into UDP super-frames. */
    UDP_GRO_FORWARDING("rx-udp-gro-forwarding", "rx-udp-gro-forwarding", null),
    /** UDP segmentation offload (USO, GSO_UDP_L4). */
    UDP_SEGMENTATION("tx-udp-segmentation", "tx-udp-segmentation", null),
    /** TX checksumming: {@code tx-checksum-*}. */
    TX_CHECKSUM("tx", "tx-checksum-", ""),
    /** Scatter-gather: {@code tx-scatter-gather*} (also fraglist). */
    SCATTER_GATHER("sg", "tx-scatter-gather", "");

    private final String ethtoolName;
    private final String prefix;
    private final String suffix;

    /**
     * @param ethtoolName the name {@code ethtool -K} takes for the group.
     * @param prefix      the feature name, or its start when {@code suffix} is not null.
     * @param suffix      null for an exact name, otherwise the end every member has (may be empty).
     */
    Offload(final String ethtoolName, final String prefix, final String suffix) {
        this.ethtoolName = ethtoolName;
        this.prefix = prefix;
        this.suffix = suffix;
    }

    /**
     * @return the name {@code ethtool -K IFACE NAME off} takes for this group, e.g. {@code tso}.
     */
    public String ethtoolName() {
        return ethtoolName;
    }

    /**
     * @param featureName a kernel feature name, e.g. {@code tx-tcp6-segmentation}.
     * @return whether it belongs to this group.
     */
    public boolean matches(final String featureName) {
        if (suffix == null) {
            return featureName.equals(prefix);
        }
        return featureName.length() >= prefix.length() + suffix.length()
                && featureName.startsWith(prefix)
                && featureName.endsWith(suffix);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT) + " (" + ethtoolName + ")";
    }
}
