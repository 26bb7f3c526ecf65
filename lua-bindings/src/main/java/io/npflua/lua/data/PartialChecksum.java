package io.npflua.lua.data;

/**
 * Tells {@code pkt:checksum()} whether the bound frame's transport checksum is partial: the kernel's CHECKSUM_PARTIAL
 * ({@code VIRTIO_NET_HDR_F_NEEDS_CSUM} on a packet socket with vnet headers), where the TCP or UDP checksum field holds
 * only the folded pseudo-header sum and the sending device (or the kernel's software fallback, or segmentation of a
 * super-frame) computes the rest on the way out. Asked only when a script calls {@code pkt:checksum()}, never per
 * frame: the engine's implementation reads its frame header on demand.
 */
@FunctionalInterface
public interface PartialChecksum {
    /** No frame ever has a partial checksum (files, tap mode without vnet headers, tests). */
    PartialChecksum NEVER = () -> false;

    /** True when the bound frame's TCP/UDP checksum is to be finished by the device. Allocates nothing. */
    boolean partial();
}
