package io.npflua.ffm.ring;

/**
 * How long the segment behind {@link PacketFrame#segment()} stays readable.
 */
public enum SliceScope {
    /**
     * The segment is scoped to a confined {@link java.lang.foreign.Arena} that is closed just before the memory goes
     * back to the kernel: one arena per V3 block, one per non-empty {@code poll} batch on a V2 ring. A slice kept past
     * that point throws {@link IllegalStateException} ("Already closed") instead of reading bytes the kernel is
     * overwriting; from another thread it throws {@link WrongThreadException}. Costs one small allocation per block
     * or batch, none per packet. The default.
     */
    BLOCK,

    /**
     * The segment is the whole ring mapping, readable until the socket is closed: no allocation at all, but a view kept
     * after its frame was returned reads whatever the kernel writes next. For consumers that enforce their own
     * lifetime (e.g. a generation check).
     */
    RING
}
