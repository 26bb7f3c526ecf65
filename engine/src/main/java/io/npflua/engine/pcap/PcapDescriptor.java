package io.npflua.engine.pcap;

/**
 * Offsets and constants of the classic libpcap file format (all fields in the byte order given by the magic).
 *
 * <pre>
 * File header (24 bytes)                     Record header (16 bytes), then caplen bytes of frame
 *  0 u32 magic  a1b2c3d4 us / a1b23c4d ns      0 u32 ts_sec
 *  4 u16 version_major (2)                     4 u32 ts_usec or ts_nsec (per magic)
 *  6 u16 version_minor (4)                     8 u32 incl_len  (captured length)
 *  8 i32 thiszone (0)                         12 u32 orig_len  (length on the wire)
 * 12 u32 sigfigs  (0)
 * 16 u32 snaplen
 * 20 u32 linktype (low 16 bits; upper bits may carry FCS information)
 * </pre>
 */
final class PcapDescriptor {
    /** Magic of a file with microsecond timestamps, as read in the file's own byte order. */
    public static final int MAGIC_MICROSECONDS = 0xa1b2c3d4;
    /** Magic of a file with nanosecond timestamps, as read in the file's own byte order. */
    public static final int MAGIC_NANOSECONDS = 0xa1b23c4d;
    /** Kuznetzov's "modified" pcap (24-byte record headers); recognised only to refuse it by name. */
    public static final int MAGIC_MODIFIED = 0xa1b2cd34;

    public static final int VERSION_MAJOR = 2;
    public static final int VERSION_MINOR = 4;

    public static final int FILE_HEADER_LENGTH = 24;
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_MAJOR_OFFSET = 4;
    public static final int VERSION_MINOR_OFFSET = 6;
    public static final int THISZONE_OFFSET = 8;
    public static final int SIGFIGS_OFFSET = 12;
    public static final int SNAPLEN_OFFSET = 16;
    public static final int LINKTYPE_OFFSET = 20;

    public static final int RECORD_HEADER_LENGTH = 16;
    public static final int TS_SECONDS_OFFSET = 0;
    public static final int TS_FRACTION_OFFSET = 4;
    public static final int CAPTURED_LENGTH_OFFSET = 8;
    public static final int WIRE_LENGTH_OFFSET = 12;

    /**
     * Largest captured length we accept in a record: libpcap's MAXIMUM_SNAPLEN (256 KiB). A larger value cannot be a
     * frame of any link type we handle, so it means the file is corrupt and the record framing cannot be trusted.
     */
    public static final int MAX_CAPTURED_LENGTH = 262_144;

    private PcapDescriptor() {}
}
