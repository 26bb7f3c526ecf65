package io.npflua.engine.source;

import java.lang.foreign.MemorySegment;

/**
 * A flyweight view of one captured frame: where its bytes are ({@link #segment()} at {@link #offset()}, for
 * {@link #capturedLength()} bytes) and what the capture said about it.
 *
 * <p>A source owns one {@code Frame} and re-points it at every frame it hands out ({@link #wrap}); the view is valid
 * only during the {@link FrameConsumer#onFrame} call that receives it, because after that the slot may go back to the
 * kernel (a ring) or be re-used. Consumers that need the bytes later must copy them. The segment is the whole backing
 * region (a ring, a mapped file, a test buffer), not a slice, so that binding a frame allocates nothing; code that
 * reads it must stay within {@code [offset, offset + capturedLength)}, which is what the Lua {@code data} object's
 * bounds checks enforce.
 *
 * <p>Not thread-safe: a frame belongs to the worker thread that polls its source.
 */
public final class Frame {
    /** Direction unknown (offline files, test sources). */
    public static final int DIRECTION_UNKNOWN = 0;
    /** Received by the interface (PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST, PACKET_OTHERHOST). */
    public static final int DIRECTION_INBOUND = 1;
    /** Sent by this host (PACKET_OUTGOING). */
    public static final int DIRECTION_OUTBOUND = 2;
    /** {@link #vlanTci()} when the kernel stripped no VLAN tag. */
    public static final int NO_VLAN = -1;

    private MemorySegment segment = MemorySegment.NULL;
    private long offset;
    private int capturedLength;
    private int wireLength;
    private long timestampNs;
    private int ifindex;
    private int direction;
    private boolean writable;
    private int vlanTci = NO_VLAN;
    private int vlanTpid;

    /**
     * Points this flyweight at a frame. Allocates nothing.
     *
     * @param segment        the backing region that holds the frame's bytes
     * @param offset         offset of the frame's first byte (the link-layer header) in {@code segment}
     * @param capturedLength bytes present at {@code offset} (the snap length cut, {@code tp_snaplen})
     * @param wireLength     length of the frame on the wire ({@code tp_len}), at least {@code capturedLength}
     * @param timestampNs    capture time, nanoseconds since the Unix epoch
     * @param ifindex        interface index the frame was captured on (0 when unknown)
     * @param direction      one of the {@code DIRECTION_*} constants
     * @param writable       whether rules may modify the bytes (inline mode only)
     * @return this frame
     */
    public Frame wrap(MemorySegment segment, long offset, int capturedLength, int wireLength, long timestampNs,
                      int ifindex, int direction, boolean writable) {
        this.segment = segment;
        this.offset = offset;
        this.capturedLength = capturedLength;
        this.wireLength = wireLength;
        this.timestampNs = timestampNs;
        this.ifindex = ifindex;
        this.direction = direction;
        this.writable = writable;
        this.vlanTci = NO_VLAN;
        this.vlanTpid = 0;
        return this;
    }

    /**
     * Records the VLAN tag the kernel stripped from the frame ({@code TP_STATUS_VLAN_VALID}: {@code tp_vlan_tci},
     * and {@code tp_vlan_tpid} when {@code TP_STATUS_VLAN_TPID_VALID}, else 0x8100). Call after {@link #wrap}, which
     * clears it. Allocates nothing.
     */
    public Frame vlan(int tci, int tpid) {
        this.vlanTci = tci & 0xffff;
        this.vlanTpid = tpid == 0 ? 0x8100 : tpid & 0xffff;
        return this;
    }

    /** The stripped VLAN tag's TCI (priority, DEI, VLAN id), or {@link #NO_VLAN}. */
    public int vlanTci() {
        return vlanTci;
    }

    /** The stripped VLAN tag's TPID (0x8100, 0x88a8), or 0 when there is none. */
    public int vlanTpid() {
        return vlanTpid;
    }

    /** The backing region (not a slice: read within {@code [offset(), offset() + capturedLength())}). */
    public MemorySegment segment() {
        return segment;
    }

    /** Offset of the frame's first byte in {@link #segment()}. */
    public long offset() {
        return offset;
    }

    /** Bytes captured (at most the snap length). */
    public int capturedLength() {
        return capturedLength;
    }

    /** Length of the frame on the wire; larger than {@link #capturedLength()} when the capture was cut. */
    public int wireLength() {
        return wireLength;
    }

    /** Capture time in nanoseconds since the Unix epoch. */
    public long timestampNs() {
        return timestampNs;
    }

    /** Interface index the frame came from, 0 when unknown. */
    public int ifindex() {
        return ifindex;
    }

    /** One of {@link #DIRECTION_UNKNOWN}, {@link #DIRECTION_INBOUND}, {@link #DIRECTION_OUTBOUND}. */
    public int direction() {
        return direction;
    }

    /** Whether rules may write to the frame's bytes (true only on an inline bridge). */
    public boolean writable() {
        return writable;
    }

    /** Reads one byte of the frame; {@code index} is relative to the frame start. Bounds-checked, allocates nothing. */
    public byte byteAt(int index) {
        if (index < 0 || index >= capturedLength) {
            throw new IndexOutOfBoundsException("byte " + index + " outside frame of " + capturedLength + " bytes");
        }
        return segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, offset + index);
    }

    /** Copies the captured bytes to a new array (allocates: for tests and diagnostics, never the hot path). */
    public byte[] toByteArray() {
        return segment.asSlice(offset, capturedLength).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    @Override
    public String toString() {
        return "Frame[offset=" + offset + ", caplen=" + capturedLength + ", len=" + wireLength + ", ts="
                + timestampNs + ", ifindex=" + ifindex + ", dir=" + direction + ", writable=" + writable + ']';
    }
}
