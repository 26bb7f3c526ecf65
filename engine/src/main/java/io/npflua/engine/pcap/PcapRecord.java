package io.npflua.engine.pcap;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over the current packet record of a {@link PcapReader}: the reader rewrites this one object on every
 * {@link PcapReader#next()}, so keep the values, not the object, if they must outlive the step.
 *
 * <p>The frame's bytes are {@code [dataOffset(), dataOffset() + capturedLength())} of {@link #segment()}, which is
 * the whole mapped file: hand {@code (segment, dataOffset, capturedLength)} to a data view, no copy is made. The
 * segment stays valid until the reader is closed.
 */
public final class PcapRecord {
    MemorySegment segment;
    long dataOffset;
    long recordOffset;
    long frameNumber;
    long timestampNs;
    int capturedLength;
    int wireLength;
    int interfaceIndex;
    int linkType;

    PcapRecord() {}

    /** The whole capture file (mapped or wrapped), not a slice: no allocation per record. */
    public MemorySegment segment() {
        return segment;
    }

    /** Offset in {@link #segment()} of the first byte of the frame (its link-layer header). */
    public long dataOffset() {
        return dataOffset;
    }

    /** Number of frame bytes present in the file (pcap incl_len), at most the snap length. */
    public int capturedLength() {
        return capturedLength;
    }

    /** Length of the frame on the wire (pcap orig_len); at least {@link #capturedLength()}. */
    public int wireLength() {
        return wireLength;
    }

    /** Capture time in nanoseconds since the Unix epoch (UTC), whatever the file's resolution. */
    public long timestampNs() {
        return timestampNs;
    }

    /** pcapng interface the frame was captured on (index of its IDB in the section); always 0 for classic pcap. */
    public int interfaceIndex() {
        return interfaceIndex;
    }

    /** LINKTYPE_ of the frame's interface, see {@link LinkType}. */
    public int linkType() {
        return linkType;
    }

    /**
     * 1-based ordinal of this record among the packet records of the file, counting records the reader skipped as
     * malformed: the same number tshark shows as {@code frame.number} and {@code tools/reference/run.lua} prints.
     */
    public long frameNumber() {
        return frameNumber;
    }

    /** Offset in the file of this record's header (pcap) or block (pcapng), for messages. */
    public long recordOffset() {
        return recordOffset;
    }

    /** A slice over the frame bytes. Allocates a segment object: for tests and tools, not the per-frame path. */
    public MemorySegment asSlice() {
        return segment.asSlice(dataOffset, capturedLength);
    }

    @Override
    public String toString() {
        return "PcapRecord{frame=" + frameNumber + ", ts=" + timestampNs + "ns, caplen=" + capturedLength
                + ", len=" + wireLength + ", if=" + interfaceIndex + ", linktype=" + LinkType.name(linkType)
                + ", at=" + recordOffset + "}";
    }
}
