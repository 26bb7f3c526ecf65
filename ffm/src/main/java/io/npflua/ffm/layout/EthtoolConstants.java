package io.npflua.ffm.layout;

/**
 * The ethtool ioctl ({@code <linux/sockios.h>}, {@code <linux/ethtool.h>}): {@code ioctl(fd, SIOCETHTOOL, &ifreq)}
 * with {@code ifreq.ifr_data} pointing at a command struct whose first {@code __u32} is the command number. Any socket
 * will do for {@code fd}; the command runs in that socket's network namespace.
 *
 * <p>Privilege (net/ethtool/ioctl.c, {@code dev_ethtool}): the "get" commands used here ({@code GSSET_INFO},
 * {@code GSTRINGS}, {@code GFEATURES}) need nothing; every "set" command needs CAP_NET_ADMIN in the namespace's user
 * namespace, else EPERM. An unknown interface name gives ENODEV.
 */
public final class EthtoolConstants {
    /** SIOCETHTOOL. */
    public static final long SIOCETHTOOL = 0x8946;

    /** Get string set info: how many strings a set has ({@link EthtoolSsetInfoDescriptor}). */
    public static final int ETHTOOL_GSSET_INFO = 0x37;
    /** Get a string set ({@link EthtoolGstringsDescriptor}). */
    public static final int ETHTOOL_GSTRINGS = 0x1b;
    /** Get device offload settings ({@link EthtoolGfeaturesDescriptor}). */
    public static final int ETHTOOL_GFEATURES = 0x3a;
    /** Change device offload settings ({@link EthtoolSfeaturesDescriptor}). */
    public static final int ETHTOOL_SFEATURES = 0x3b;

    /**
     * String set of the device feature names ({@code enum ethtool_stringset}). It is the kernel's own table
     * ({@code netdev_features_strings}), the same for every device: string i names feature bit i.
     */
    public static final int ETH_SS_FEATURES = 4;
    /** Each string of a set occupies this many bytes, NUL-padded. */
    public static final int ETH_GSTRING_LEN = 32;

    /** ETHTOOL_SFEATURES result flag: some bits in {@code valid} were not changeable. */
    public static final int ETHTOOL_F_UNSUPPORTED = 1;
    /** ETHTOOL_SFEATURES result flag: the request was recorded but the active set differs from it. */
    public static final int ETHTOOL_F_WISH = 1 << 1;
    /** ETHTOOL_SFEATURES result flag: some changes went through the legacy per-feature driver calls. */
    public static final int ETHTOOL_F_COMPAT = 1 << 2;

    private EthtoolConstants() {}
}
