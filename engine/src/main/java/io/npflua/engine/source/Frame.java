package io.npflua.engine.source;

import io.npflua.engine.flow.FlowTable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.luaj.vm2.LuaString;

/**
 * A flyweight view of one captured frame: where its bytes are ({@link #segment()} at {@link #offset()}, for
 * {@link #capturedLength()} bytes), its length on the wire, whether rules may write it, and a {@link Header} that
 * reads the rest of what the capture said about it (time, interface, direction, a stripped VLAN tag) where the source
 * keeps it: the ring slot's {@code tpacket} header, the pcap record header. Nothing of that metadata is copied per
 * frame; it is read only when asked for (by the pcap writer, a Java handler), as Aeron hands its handlers
 * {@code (buffer, offset, length, header)}.
 *
 * <p>A source owns one {@code Frame} and re-points it at every frame it hands out ({@link #wrap}); the view, and its
 * header, are valid only during the {@link FrameConsumer#onFrame} call that receives it, because after that the slot
 * may go back to the kernel (a ring) or be re-used. Consumers that need the bytes later must copy them. The segment
 * is the whole backing region (a ring, a mapped file, a test buffer), not a slice, so that binding a frame allocates
 * nothing; code that reads it must stay within {@code [offset, offset + capturedLength)}, which is what the Lua
 * {@code data} object's bounds checks enforce.
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
    /** {@link #gsoType()}: not a super-frame (one frame on the wire). */
    public static final int GSO_NONE = 0;
    /** {@link #gsoType()}: a TCP/IPv4 super-frame (GSO/GRO/TSO), segmented into {@link #gsoSize()}-byte payloads. */
    public static final int GSO_TCPV4 = 1;
    /** {@link #gsoType()}: a TCP/IPv6 super-frame. */
    public static final int GSO_TCPV6 = 4;
    /** {@link #gsoType()}: a UDP super-frame (GSO_UDP_L4): each segment its own datagram of {@link #gsoSize()} bytes. */
    public static final int GSO_UDP_L4 = 5;
    /** Or-ed into a TCP {@link #gsoType()}: the sender uses ECN. */
    public static final int GSO_ECN = 0x80;

    /**
     * Reads the capture metadata of the frame a source is handing out, from where the source keeps it. A source's
     * header is a flyweight re-pointed with the frame: valid only during {@code onFrame}. Reading allocates nothing.
     */
    public interface Header {
        /** Capture time, nanoseconds since the Unix epoch (0 when unknown). */
        long timestampNs();

        /** Interface index the frame was captured on (0 when unknown). */
        default int ifindex() {
            return 0;
        }

        /** One of the {@code DIRECTION_*} constants. */
        default int direction() {
            return DIRECTION_UNKNOWN;
        }

        /**
         * The VLAN tag the kernel stripped and did not write back into the bytes ({@code TP_STATUS_VLAN_VALID}:
         * {@code tp_vlan_tci}), or {@link #NO_VLAN}.
         */
        default int vlanTci() {
            return NO_VLAN;
        }

        /** That tag's TPID ({@code tp_vlan_tpid}, 0x8100 when the kernel gave none), or 0 without a tag. */
        default int vlanTpid() {
            return 0;
        }

        /**
         * True when the frame's L4 checksum is partial ({@code VIRTIO_NET_HDR_F_NEEDS_CSUM}, the kernel's
         * CHECKSUM_PARTIAL): the field at {@link #checksumStart()} + {@link #checksumOffset()} holds only the
         * pseudo-header sum, and the device (or the kernel's software fallback) completes it on the way out.
         */
        default boolean checksumPartial() {
            return false;
        }

        /**
         * With {@link #checksumPartial()}: where checksumming starts (the L4 header), from the frame's first byte; 0
         * when the capture does not say (a ring without vnet headers only has {@code TP_STATUS_CSUMNOTREADY}).
         */
        default int checksumStart() {
            return 0;
        }

        /** With {@link #checksumPartial()}: where the checksum field is, from {@link #checksumStart()}. */
        default int checksumOffset() {
            return 0;
        }

        /** One of the {@code GSO_*} constants: whether, and how, this frame is a super-frame of several segments. */
        default int gsoType() {
            return GSO_NONE;
        }

        /** For a super-frame: payload bytes per segment (the TCP MSS, the UDP datagram size); 0 otherwise. */
        default int gsoSize() {
            return 0;
        }

        /** For a super-frame: the length of its headers as the kernel reported it (a hint; 0 when unknown). */
        default int gsoHeaderLength() {
            return 0;
        }
    }

    /** A header with no metadata: time 0, interface 0, direction unknown, no VLAN tag. */
    public static final Header NO_HEADER = () -> 0;

    /**
     * A fixed header (allocates one object: for tests, tools and sources whose frames share one header).
     *
     * @param direction one of the {@code DIRECTION_*} constants
     */
    public static Header header(long timestampNs, int ifindex, int direction) {
        return new Header() {
            @Override
            public long timestampNs() {
                return timestampNs;
            }

            @Override
            public int ifindex() {
                return ifindex;
            }

            @Override
            public int direction() {
                return direction;
            }
        };
    }

    private MemorySegment segment = MemorySegment.NULL;
    private long offset;
    private int capturedLength;
    private int wireLength;
    private boolean writable;
    private Header header = NO_HEADER;
    private FlowTable flows;
    private int flowEntry = FlowTable.NO_FLOW;
    private int flowDirection;
    private int flowDecision;
    private LuaString flowReason;

    /** {@link #decideFlow}: this rule is done with the frame's flow; its later frames need not be shown to it. */
    public static final int FLOW_PASS = 1;
    /** {@link #decideFlow}: this frame and every later frame of its flow are blocked. */
    public static final int FLOW_BLOCK = 2;

    /**
     * Points this flyweight at a frame. Allocates nothing.
     *
     * @param segment        the backing region that holds the frame's bytes
     * @param offset         offset of the frame's first byte (the link-layer header) in {@code segment}
     * @param capturedLength bytes present at {@code offset} (the snap length cut, {@code tp_snaplen})
     * @param wireLength     length of the frame on the wire ({@code tp_len}), at least {@code capturedLength}
     * @param writable       whether rules may modify the bytes (inline mode only)
     * @param header         reads the frame's metadata on demand (the source's flyweight, pointed at this frame)
     * @return this frame
     */
    public Frame wrap(
            MemorySegment segment, long offset, int capturedLength, int wireLength, boolean writable, Header header) {
        this.segment = segment;
        this.offset = offset;
        this.capturedLength = capturedLength;
        this.wireLength = wireLength;
        this.writable = writable;
        this.header = header;
        this.flowEntry = FlowTable.NO_FLOW;
        return this;
    }

    /**
     * Attaches the frame's flow (set by the worker after it tracked the frame, before the chain runs; {@link #wrap}
     * detaches it). Allocates nothing.
     *
     * @param flows     the worker's flow table
     * @param entry     the flow's entry in it
     * @param direction {@link FlowTable#ORIG} or {@link FlowTable#REPLY}
     */
    public void flow(FlowTable flows, int entry, int direction) {
        if (this.flows != flows) { // the worker's one table: no reference store (and GC barrier) per frame
            this.flows = flows;
        }
        this.flowEntry = entry;
        this.flowDirection = direction;
        this.flowDecision = 0;
    }

    /** The worker's flow table, meaningful only while {@link #flowEntry()} is not negative. */
    public FlowTable flows() {
        return flows;
    }

    /** The frame's flow entry in {@link #flows()}, or {@link FlowTable#NO_FLOW} (no flow: non-IP, tracking off). */
    public int flowEntry() {
        return flowEntry;
    }

    /** {@link FlowTable#ORIG} when the side that opened the flow sent this frame, else {@link FlowTable#REPLY}. */
    public int flowDirection() {
        return flowDirection;
    }

    /**
     * Records the calling rule's decision about the frame's flow ({@link #FLOW_PASS} or {@link #FLOW_BLOCK}; the
     * last call wins); the chain applies it when the rule returns. Ignored when the frame has no flow.
     */
    public void decideFlow(int decision) {
        decideFlow(decision, null);
    }

    /** {@link #decideFlow(int)} with a reason (counted with the rule's reasons and logged with the event), or null. */
    public void decideFlow(int decision, LuaString reason) {
        flowDecision = decision;
        flowReason = reason;
    }

    /** The decision recorded since the last call, and clears it (the chain, after each rule). */
    public int takeFlowDecision() {
        int d = flowDecision;
        if (d != 0) {
            flowDecision = 0;
        }
        return d;
    }

    /** The reason given with the decision {@link #takeFlowDecision()} just returned, or null. */
    public LuaString flowReason() {
        return flowReason;
    }

    /** The stripped VLAN tag's TCI (priority, DEI, VLAN id), or {@link #NO_VLAN}. Read on demand. */
    public int vlanTci() {
        return header.vlanTci();
    }

    /** The stripped VLAN tag's TPID (0x8100, 0x88a8), or 0 when there is none. Read on demand. */
    public int vlanTpid() {
        return header.vlanTpid();
    }

    /** True when the L4 checksum holds only the pseudo-header sum (see {@link Header#checksumPartial()}). On demand. */
    public boolean checksumPartial() {
        return header.checksumPartial();
    }

    /** With {@link #checksumPartial()}: the L4 header's offset from the frame's first byte. Read on demand. */
    public int checksumStart() {
        return header.checksumStart();
    }

    /** With {@link #checksumPartial()}: the checksum field's offset from {@link #checksumStart()}. Read on demand. */
    public int checksumOffset() {
        return header.checksumOffset();
    }

    /** {@link #GSO_NONE}, or how this super-frame is to be segmented ({@link #GSO_TCPV4}, ...). Read on demand. */
    public int gsoType() {
        return header.gsoType();
    }

    /** For a super-frame: payload bytes per segment. Read on demand. */
    public int gsoSize() {
        return header.gsoSize();
    }

    /** For a super-frame: its header length as the kernel reported it (a hint). Read on demand. */
    public int gsoHeaderLength() {
        return header.gsoHeaderLength();
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

    /** Capture time in nanoseconds since the Unix epoch. Read on demand from the source's header. */
    public long timestampNs() {
        return header.timestampNs();
    }

    /** Interface index the frame came from, 0 when unknown. Read on demand. */
    public int ifindex() {
        return header.ifindex();
    }

    /** One of {@link #DIRECTION_UNKNOWN}, {@link #DIRECTION_INBOUND}, {@link #DIRECTION_OUTBOUND}. Read on demand. */
    public int direction() {
        return header.direction();
    }

    /** The header this frame reads its metadata from (valid only during {@code onFrame}). */
    public Header header() {
        return header;
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
        return segment.get(ValueLayout.JAVA_BYTE, offset + index);
    }

    /** Copies the captured bytes to a new array (allocates: for tests and diagnostics, never the hot path). */
    public byte[] toByteArray() {
        return segment.asSlice(offset, capturedLength).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public String toString() {
        return "Frame[offset=" + offset + ", caplen=" + capturedLength + ", len=" + wireLength + ", ts=" + timestampNs()
                + ", ifindex=" + ifindex() + ", dir=" + direction() + ", writable=" + writable + ']';
    }
}
