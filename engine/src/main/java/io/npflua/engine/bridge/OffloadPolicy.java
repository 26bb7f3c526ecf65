package io.npflua.engine.bridge;

import java.util.Locale;

/**
 * What an inline bridge does about its interfaces' segmentation and receive offloads, which turn many wire frames into
 * one super-frame of up to 64 KiB (GSO/TSO on a sending host or veth peer, GRO/LRO on a receiving NIC) that an
 * MTU-sized ring slot cannot hold. Chosen with {@code npflua run --offloads} or {@code offloads = "..."} in the
 * configuration; see docs/cli.md.
 */
public enum OffloadPolicy {
    /**
     * The default: super-frames are forwarded whole with {@code PACKET_VNET_HDR} where the kernel supports it (the
     * egress device or the kernel's software GSO segments them again, and finishes partial checksums); where it does
     * not, the receive-coalescing features of both interfaces are turned off for the run and restored on exit.
     */
    AUTO,
    /**
     * Turn the receive-coalescing features (GRO, LRO, hardware GRO, GRO lists, UDP GRO forwarding) of both interfaces
     * off for the run and restore them exactly on exit, like Suricata's {@code disable-offloading}; MTU-sized ring
     * slots, no vnet headers.
     */
    OFF,
    /**
     * Change no interface feature: vnet headers where the kernel supports them; where not, super-frames cannot be
     * forwarded and are counted ({@code forward_truncated}).
     */
    LEAVE;

    /** The name on the command line and in the configuration: {@code auto}, {@code off}, {@code leave}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param text {@code auto}, {@code off} or {@code leave} (any case)
     * @throws IllegalArgumentException naming the choices
     */
    public static OffloadPolicy parse(String text) {
        for (OffloadPolicy p : values()) {
            if (p.label().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "offloads must be auto, off or leave, got '" + text + "' (auto: forward super-frames whole where the"
                        + " kernel can, else turn receive offloads off; off: always turn them off for the run; leave:"
                        + " never touch them)");
    }
}
