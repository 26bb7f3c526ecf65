package io.npflua.engine.pcap;

import static io.npflua.engine.pcap.PcapDescriptor.CAPTURED_LENGTH_OFFSET;
import static io.npflua.engine.pcap.PcapDescriptor.FILE_HEADER_LENGTH;
import static io.npflua.engine.pcap.PcapDescriptor.LINKTYPE_OFFSET;
import static io.npflua.engine.pcap.PcapDescriptor.MAGIC_MICROSECONDS;
import static io.npflua.engine.pcap.PcapDescriptor.MAGIC_MODIFIED;
import static io.npflua.engine.pcap.PcapDescriptor.MAGIC_NANOSECONDS;
import static io.npflua.engine.pcap.PcapDescriptor.MAX_CAPTURED_LENGTH;
import static io.npflua.engine.pcap.PcapDescriptor.RECORD_HEADER_LENGTH;
import static io.npflua.engine.pcap.PcapDescriptor.SNAPLEN_OFFSET;
import static io.npflua.engine.pcap.PcapDescriptor.TS_FRACTION_OFFSET;
import static io.npflua.engine.pcap.PcapDescriptor.TS_SECONDS_OFFSET;
import static io.npflua.engine.pcap.PcapDescriptor.VERSION_MAJOR;
import static io.npflua.engine.pcap.PcapDescriptor.VERSION_MAJOR_OFFSET;
import static io.npflua.engine.pcap.PcapDescriptor.WIRE_LENGTH_OFFSET;
import static io.npflua.engine.pcap.PcapngDescriptor.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads a capture file in place: the file is mapped into a {@link MemorySegment} and each record is described by a
 * reused {@link PcapRecord} flyweight pointing into the mapping, so walking a file copies and allocates nothing.
 *
 * <p>Formats: classic pcap in both byte orders with microsecond ({@code 0xa1b2c3d4}) or nanosecond
 * ({@code 0xa1b23c4d}) magic; pcapng with Section Header Blocks in either byte order (several sections allowed),
 * Interface Description Blocks ({@code if_tsresol} decimal or binary, {@code if_tsoffset}), Enhanced, Simple and
 * obsolete Packet Blocks. Other pcapng blocks (name resolution, statistics, custom, secrets) are skipped. The link
 * type of every record is reported ({@link PcapRecord#linkType()}, {@link #linkType()}); deciding what to do with
 * non-Ethernet frames is the caller's business.
 *
 * <p>Damage policy. Every read is checked against the mapping first, so no input can make the reader touch memory
 * outside the file.
 * <ul>
 * <li><b>Error</b> ({@link PcapFormatException}, naming the file and byte offset): an unknown magic, a truncated or
 * unsupported file header, a classic record whose captured length exceeds {@value PcapDescriptor#MAX_CAPTURED_LENGTH}
 * bytes, a pcapng block whose length is below 12, not a multiple of 4, above 16 MiB or different in its trailer, a
 * bad byte-order magic, an interface block with overrunning options or an unusable {@code if_tsresol}. After these
 * the framing of the rest of the file cannot be trusted.</li>
 * <li><b>Counted and skipped</b> ({@link #skippedRecords()}, first reason in {@link #firstSkipReason()}): a record
 * whose framing is intact but whose content is unusable: captured length 0, captured length above the snap length
 * (when the snap length is not 0) or above the wire length, a pcapng packet block naming an unknown interface or
 * claiming more data than the block holds. Skipped records still count in {@link PcapRecord#frameNumber()}.</li>
 * <li><b>End of data</b> ({@link #truncatedTailOffset()}): the file ends inside a record header, inside a record's
 * data, or inside a block, as when a capture was killed mid-write. Everything before it is delivered, then
 * {@link #next()} returns false.</li>
 * </ul>
 *
 * <p>Threads: one thread walks a reader. A reader from {@link #open(Path)} maps the file in a shared arena, so the
 * segment a record points into may be read by other threads (workers) until {@link #close()}.
 *
 * <p>The mapping is taken at open: a file that grows afterwards is read up to its size at open; a file truncated
 * by another process while mapped makes access fault (the JVM raises {@link InternalError}), as with any mapped
 * file, so do not replay a capture that something else is rewriting.
 */
public final class PcapReader implements AutoCloseable {
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private final MemorySegment segment;
    private final long size;
    private final String source;
    private final Arena ownedArena;
    private final CaptureFormat format;
    private final PcapRecord record = new PcapRecord();

    private boolean bigEndian;
    private long position;
    private long firstRecordOffset;
    private long frameNumber;
    private long skippedRecords;
    private String firstSkipReason;
    private long truncatedTailOffset = -1;

    // classic pcap
    private int classicLinkType;
    private int classicSnapLength;
    private long fractionToNs;

    // pcapng: interfaces of the current section, indexed by interface id
    private int interfaceCount;
    private int[] interfaceLinkType = new int[4];
    private int[] interfaceSnapLength = new int[4];
    private int[] interfaceTsResolution = new int[4];
    private long[] interfaceTsOffsetNs = new long[4];

    private PcapReader(MemorySegment segment, String source, Arena ownedArena) throws PcapFormatException {
        this.segment = segment;
        this.size = segment.byteSize();
        this.source = source;
        this.ownedArena = ownedArena;
        record.segment = segment;
        if (size < 4) {
            throw error(0, "file is " + size + " bytes long, too short for a pcap or pcapng header");
        }
        int magic = segment.get(INT_LE, 0);
        if (magic == BLOCK_SECTION_HEADER) {
            format = CaptureFormat.PCAPNG;
            firstRecordOffset = 0;
            readLeadingPcapngBlocks();
        } else {
            format = CaptureFormat.PCAP;
            readClassicHeader(magic);
            firstRecordOffset = FILE_HEADER_LENGTH;
        }
        position = firstRecordOffset;
    }

    /**
     * Maps {@code path} read-only into a new shared arena owned by the reader (closed by {@link #close()}) and reads
     * its header.
     *
     * @throws PcapFormatException if the header is not a supported pcap or pcapng header
     * @throws IOException if the file cannot be opened or mapped
     */
    public static PcapReader open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            return new PcapReader(map(path, arena), path.toString(), arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Maps {@code path} into the caller's arena; the mapping lives as long as that arena, the reader owns nothing. */
    public static PcapReader open(Path path, Arena arena) throws IOException {
        return new PcapReader(map(path, arena), path.toString(), null);
    }

    /**
     * Reads a capture already in memory (a resource bundled in the jar, a heap array in a test); {@code source} names
     * it in messages. The reader does not own the segment.
     */
    public static PcapReader of(MemorySegment capture, String source) throws PcapFormatException {
        return new PcapReader(capture, source, null);
    }

    private static MemorySegment map(Path path, Arena arena) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long length = channel.size();
            if (length == 0) {
                // FileChannel.map of 0 bytes gives a segment too; this keeps the message ours.
                return MemorySegment.ofArray(new byte[0]);
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, length, arena);
        }
    }

    /**
     * Advances to the next deliverable packet record and describes it in {@link #record()}; skips malformed records
     * as documented on the class. Allocates nothing (except once, for the first skip reason).
     *
     * @return false at the end of the data (clean end or truncated tail)
     * @throws PcapFormatException if the file is corrupt at the current position
     */
    public boolean next() throws PcapFormatException {
        return format == CaptureFormat.PCAP ? nextClassic() : nextPcapng();
    }

    /**
     * Duty cycle: delivers up to {@code limit} records to {@code handler}. Allocates nothing per record.
     *
     * @return the number of records delivered; 0 means the end of the data
     */
    public int read(PcapRecordHandler handler, int limit) throws PcapFormatException {
        int delivered = 0;
        while (delivered < limit && next()) {
            handler.onRecord(record);
            delivered++;
        }
        return delivered;
    }

    /** The flyweight describing the current record; rewritten by every {@link #next()}. */
    public PcapRecord record() {
        return record;
    }

    /** Goes back to the first record (for repeated runs over the same file) and resets the counters. */
    public void rewind() {
        position = firstRecordOffset;
        frameNumber = 0;
        skippedRecords = 0;
        firstSkipReason = null;
        truncatedTailOffset = -1;
        if (format == CaptureFormat.PCAPNG) {
            interfaceCount = 0;
            bigEndian = false;
        }
    }

    private boolean nextClassic() throws PcapFormatException {
        while (true) {
            long at = position;
            long remaining = size - at;
            if (remaining == 0) {
                return false;
            }
            if (remaining < RECORD_HEADER_LENGTH) {
                return truncatedTail(at);
            }
            int capturedLength = u32(at + CAPTURED_LENGTH_OFFSET);
            int wireLength = u32(at + WIRE_LENGTH_OFFSET);
            if (capturedLength < 0 || capturedLength > MAX_CAPTURED_LENGTH) {
                throw error(
                        at,
                        "record captured length " + Integer.toUnsignedString(capturedLength) + " exceeds the "
                                + MAX_CAPTURED_LENGTH + "-byte maximum; the file is corrupt from here");
            }
            if (capturedLength > remaining - RECORD_HEADER_LENGTH) {
                return truncatedTail(at);
            }
            position = at + RECORD_HEADER_LENGTH + capturedLength;
            frameNumber++;
            if (!usable(at, capturedLength, wireLength, classicSnapLength)) {
                continue;
            }
            long seconds = u32(at + TS_SECONDS_OFFSET) & 0xFFFF_FFFFL;
            long fraction = u32(at + TS_FRACTION_OFFSET) & 0xFFFF_FFFFL;
            fill(
                    at,
                    at + RECORD_HEADER_LENGTH,
                    capturedLength,
                    wireLength,
                    seconds * NANOS_PER_SECOND + fraction * fractionToNs,
                    0,
                    classicLinkType);
            return true;
        }
    }

    private boolean nextPcapng() throws PcapFormatException {
        while (true) {
            long at = position;
            long remaining = size - at;
            if (remaining == 0) {
                return false;
            }
            if (remaining < BLOCK_OVERHEAD) {
                return truncatedTail(at);
            }
            int type = u32(at + BLOCK_TYPE_OFFSET);
            if (type == BLOCK_SECTION_HEADER) {
                if (!readSectionHeader(at)) {
                    return false;
                }
                continue;
            }
            int length = blockLength(at, remaining);
            if (length < 0) {
                return false;
            }
            position = at + length;
            switch (type) {
                case BLOCK_INTERFACE_DESCRIPTION -> readInterface(at, length);
                case BLOCK_ENHANCED_PACKET -> {
                    if (length >= EPB_MIN_LENGTH
                            && packetBlock(
                                    at,
                                    length,
                                    u32(at + EPB_INTERFACE_OFFSET),
                                    EPB_TS_HIGH_OFFSET,
                                    EPB_CAPTURED_LENGTH_OFFSET,
                                    EPB_DATA_OFFSET)) {
                        return true;
                    }
                    if (length < EPB_MIN_LENGTH) {
                        skip(at, "enhanced packet block of " + length + " bytes is shorter than its fixed fields");
                    }
                }
                case BLOCK_PACKET_OBSOLETE -> {
                    if (length >= PB_MIN_LENGTH
                            && packetBlock(
                                    at,
                                    length,
                                    u16(at + PB_INTERFACE_OFFSET),
                                    PB_TS_HIGH_OFFSET,
                                    PB_CAPTURED_LENGTH_OFFSET,
                                    PB_DATA_OFFSET)) {
                        return true;
                    }
                    if (length < PB_MIN_LENGTH) {
                        skip(at, "packet block of " + length + " bytes is shorter than its fixed fields");
                    }
                }
                case BLOCK_SIMPLE_PACKET -> {
                    if (simplePacketBlock(at, length)) {
                        return true;
                    }
                }
                default -> {
                    // name resolution, interface statistics, decryption secrets, custom blocks: not packets
                }
            }
        }
    }

    /** Validates the block at {@code at}; returns its length, or -1 when the file ends inside it. */
    private int blockLength(long at, long remaining) throws PcapFormatException {
        int length = u32(at + BLOCK_LENGTH_OFFSET);
        if (length < BLOCK_OVERHEAD || (length & 3) != 0 || length > MAX_BLOCK_LENGTH) {
            throw error(
                    at,
                    "block length " + Integer.toUnsignedString(length)
                            + " is invalid (must be a multiple of 4 between 12 and " + MAX_BLOCK_LENGTH
                            + "); the file is corrupt from here");
        }
        if (length > remaining) {
            truncatedTail(at);
            return -1;
        }
        int trailer = u32(at + length - 4);
        if (trailer != length) {
            throw error(
                    at,
                    "block length " + length + " differs from the length " + Integer.toUnsignedString(trailer)
                            + " at its end; the file is corrupt from here");
        }
        return length;
    }

    private boolean packetBlock(
            long at, int length, int interfaceId, int tsHighOffset, int capturedOffset, int dataOffset)
            throws PcapFormatException {
        int capturedLength = u32(at + capturedOffset);
        int wireLength = u32(at + capturedOffset + 4);
        frameNumber++;
        if (interfaceId < 0 || interfaceId >= interfaceCount) {
            skip(
                    at,
                    "packet block names interface " + Integer.toUnsignedString(interfaceId) + " but the section has "
                            + interfaceCount);
            return false;
        }
        if (capturedLength < 0 || capturedLength > length - dataOffset - 4) {
            skip(
                    at,
                    "packet block claims " + Integer.toUnsignedString(capturedLength) + " captured bytes but holds "
                            + (length - dataOffset - 4));
            return false;
        }
        if (!usable(at, capturedLength, wireLength, interfaceSnapLength[interfaceId])) {
            return false;
        }
        long units = ((long) u32(at + tsHighOffset) << 32) | (u32(at + tsHighOffset + 4) & 0xFFFF_FFFFL);
        long timestampNs = toNanos(units, interfaceTsResolution[interfaceId]) + interfaceTsOffsetNs[interfaceId];
        fill(at, at + dataOffset, capturedLength, wireLength, timestampNs, interfaceId, interfaceLinkType[interfaceId]);
        return true;
    }

    private boolean simplePacketBlock(long at, int length) {
        frameNumber++;
        if (length < SPB_MIN_LENGTH) {
            skip(at, "simple packet block of " + length + " bytes is shorter than its fixed fields");
            return false;
        }
        if (interfaceCount == 0) {
            skip(at, "simple packet block before any interface description block");
            return false;
        }
        int wireLength = u32(at + SPB_WIRE_LENGTH_OFFSET);
        long captured = Math.min(wireLength & 0xFFFF_FFFFL, length - SPB_DATA_OFFSET - 4);
        int snapLength = interfaceSnapLength[0];
        if (snapLength > 0) {
            captured = Math.min(captured, snapLength);
        }
        if (!usable(at, (int) captured, wireLength, 0)) {
            return false;
        }
        // A simple packet block carries no timestamp.
        fill(at, at + SPB_DATA_OFFSET, (int) captured, wireLength, 0, 0, interfaceLinkType[0]);
        return true;
    }

    private boolean usable(long at, int capturedLength, int wireLength, int snapLength) {
        if (capturedLength == 0) {
            skip(at, "record has a captured length of 0 (no frame bytes)");
            return false;
        }
        if (snapLength > 0 && capturedLength > snapLength) {
            skip(at, "record captured length " + capturedLength + " exceeds the snap length " + snapLength);
            return false;
        }
        if (wireLength < 0 || wireLength < capturedLength) {
            skip(
                    at,
                    "record captured length " + capturedLength + " exceeds its wire length "
                            + Integer.toUnsignedString(wireLength));
            return false;
        }
        return true;
    }

    private void fill(
            long at,
            long dataOffset,
            int capturedLength,
            int wireLength,
            long timestampNs,
            int interfaceIndex,
            int linkType) {
        PcapRecord r = record;
        r.recordOffset = at;
        r.dataOffset = dataOffset;
        r.capturedLength = capturedLength;
        r.wireLength = wireLength;
        r.timestampNs = timestampNs;
        r.interfaceIndex = interfaceIndex;
        r.linkType = linkType;
        r.frameNumber = frameNumber;
    }

    private void skip(long at, String reason) {
        if (skippedRecords++ == 0) {
            firstSkipReason = source + ": byte offset " + at + ": " + reason;
        }
    }

    private boolean truncatedTail(long at) {
        truncatedTailOffset = at;
        position = size;
        return false;
    }

    private void readClassicHeader(int magicLittleEndian) throws PcapFormatException {
        int magic;
        if (magicLittleEndian == MAGIC_MICROSECONDS
                || magicLittleEndian == MAGIC_NANOSECONDS
                || magicLittleEndian == MAGIC_MODIFIED) {
            bigEndian = false;
            magic = magicLittleEndian;
        } else {
            bigEndian = true;
            magic = Integer.reverseBytes(magicLittleEndian);
        }
        if (magic == MAGIC_MODIFIED) {
            throw error(
                    0,
                    "Kuznetzov's modified pcap format (magic 0xa1b2cd34) is not supported; convert it with"
                            + " 'editcap -F pcap IN OUT'");
        }
        if (magic != MAGIC_MICROSECONDS && magic != MAGIC_NANOSECONDS) {
            throw error(
                    0,
                    String.format(
                            "not a pcap or pcapng file: magic 0x%08x (expected a1b2c3d4, a1b23c4d, "
                                    + "their byte-swapped forms, or 0a0d0d0a for pcapng)",
                            magicLittleEndian));
        }
        if (size < FILE_HEADER_LENGTH) {
            throw error(
                    0,
                    "file header truncated: the file is " + size + " bytes long, the header needs "
                            + FILE_HEADER_LENGTH);
        }
        int major = u16(VERSION_MAJOR_OFFSET);
        if (major != VERSION_MAJOR) {
            throw error(VERSION_MAJOR_OFFSET, "unsupported pcap version " + major + " (only version 2 exists)");
        }
        fractionToNs = magic == MAGIC_NANOSECONDS ? 1 : 1000;
        int snapLength = u32(SNAPLEN_OFFSET);
        // Some writers store 0 or absurd snap lengths; treat anything outside (0, 2^31) as "no limit".
        classicSnapLength = snapLength < 0 ? 0 : snapLength;
        classicLinkType = u32(LINKTYPE_OFFSET) & 0xFFFF;
    }

    /** Parses the SHB and IDBs at the start of a pcapng file, so that link type and snap length are known at once. */
    private void readLeadingPcapngBlocks() throws PcapFormatException {
        position = 0;
        if (!readSectionHeader(0)) {
            throw error(0, "pcapng section header block truncated: the file is " + size + " bytes long");
        }
        while (size - position >= BLOCK_OVERHEAD && u32(position) == BLOCK_INTERFACE_DESCRIPTION) {
            long at = position;
            int length = blockLength(at, size - at);
            if (length < 0) {
                break;
            }
            readInterface(at, length);
            position = at + length;
        }
        truncatedTailOffset = -1;
    }

    /** Reads a Section Header Block: byte order, version; forgets the previous section's interfaces. */
    private boolean readSectionHeader(long at) throws PcapFormatException {
        long remaining = size - at;
        if (remaining < SHB_MIN_LENGTH) {
            return truncatedTail(at);
        }
        int orderMagic = segment.get(INT_LE, at + SHB_BYTE_ORDER_MAGIC_OFFSET);
        if (orderMagic == BYTE_ORDER_MAGIC) {
            bigEndian = false;
        } else if (orderMagic == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            bigEndian = true;
        } else {
            throw error(
                    at + SHB_BYTE_ORDER_MAGIC_OFFSET,
                    String.format(
                            "pcapng byte-order magic is 0x%08x, expected 1a2b3c4d in either byte order", orderMagic));
        }
        int length = blockLength(at, remaining);
        if (length < 0) {
            return false;
        }
        if (length < SHB_MIN_LENGTH) {
            throw error(at, "section header block of " + length + " bytes is shorter than its fixed fields");
        }
        int major = u16(at + SHB_MAJOR_OFFSET);
        if (major != 1) {
            throw error(at + SHB_MAJOR_OFFSET, "unsupported pcapng major version " + major + " (expected 1)");
        }
        interfaceCount = 0;
        position = at + length;
        return true;
    }

    private void readInterface(long at, int length) throws PcapFormatException {
        if (length < IDB_MIN_LENGTH) {
            throw error(at, "interface description block of " + length + " bytes is shorter than its fixed fields");
        }
        int linkType = u16(at + IDB_LINKTYPE_OFFSET);
        int snapLength = u32(at + IDB_SNAPLEN_OFFSET);
        int resolution = DEFAULT_TSRESOL;
        long offsetNs = 0;
        long option = at + IDB_OPTIONS_OFFSET;
        long end = at + length - 4;
        while (option + 4 <= end) {
            int code = u16(option);
            int optionLength = u16(option + 2);
            if (code == OPTION_END) {
                break;
            }
            if (option + 4 + optionLength > end) {
                throw error(
                        option,
                        "interface option " + code + " of " + optionLength + " bytes runs past the end of its block");
            }
            if (code == OPTION_IF_TSRESOL && optionLength >= 1) {
                resolution = segment.get(ValueLayout.JAVA_BYTE, option + 4) & 0xFF;
                boolean binary = (resolution & 0x80) != 0;
                int exponent = resolution & 0x7F;
                if (binary ? exponent > 63 : exponent > 18) {
                    throw error(
                            option,
                            "interface timestamp resolution if_tsresol=0x" + Integer.toHexString(resolution)
                                    + " is out of range");
                }
            } else if (code == OPTION_IF_TSOFFSET && optionLength >= 8) {
                long seconds = segment.get(LONG_LE, option + 4);
                offsetNs = (bigEndian ? Long.reverseBytes(seconds) : seconds) * NANOS_PER_SECOND;
            }
            option += 4 + ((optionLength + 3) & ~3);
        }
        if (interfaceCount == interfaceLinkType.length) {
            int grown = interfaceCount * 2;
            interfaceLinkType = Arrays.copyOf(interfaceLinkType, grown);
            interfaceSnapLength = Arrays.copyOf(interfaceSnapLength, grown);
            interfaceTsResolution = Arrays.copyOf(interfaceTsResolution, grown);
            interfaceTsOffsetNs = Arrays.copyOf(interfaceTsOffsetNs, grown);
        }
        interfaceLinkType[interfaceCount] = linkType;
        interfaceSnapLength[interfaceCount] = snapLength < 0 ? 0 : snapLength;
        interfaceTsResolution[interfaceCount] = resolution;
        interfaceTsOffsetNs[interfaceCount] = offsetNs;
        interfaceCount++;
    }

    /** Converts a pcapng timestamp in units of {@code if_tsresol} to nanoseconds. */
    static long toNanos(long units, int resolution) {
        int exponent = resolution & 0x7F;
        if ((resolution & 0x80) == 0) {
            return exponent <= 9
                    ? units * POWERS_OF_TEN[9 - exponent]
                    : Long.divideUnsigned(units, POWERS_OF_TEN[exponent - 9]);
        }
        if (exponent == 0) {
            return units * NANOS_PER_SECOND;
        }
        long seconds = units >>> exponent;
        long fraction = units & ((1L << exponent) - 1);
        long low = fraction * NANOS_PER_SECOND;
        long high = Math.unsignedMultiplyHigh(fraction, NANOS_PER_SECOND);
        long fractionNs = (low >>> exponent) | (high << (64 - exponent));
        return seconds * NANOS_PER_SECOND + fractionNs;
    }

    private int u32(long offset) {
        int value = segment.get(INT_LE, offset);
        return bigEndian ? Integer.reverseBytes(value) : value;
    }

    private int u16(long offset) {
        short value = segment.get(SHORT_LE, offset);
        return (bigEndian ? Short.reverseBytes(value) : value) & 0xFFFF;
    }

    private PcapFormatException error(long offset, String problem) {
        return new PcapFormatException(source, offset, problem);
    }

    /** PCAP or PCAPNG. */
    public CaptureFormat format() {
        return format;
    }

    /**
     * Byte order of the classic file, or of the current pcapng section (the first one right after opening).
     */
    public ByteOrder byteOrder() {
        return bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /**
     * Link type of the file (classic) or of the first interface of the first section (pcapng; records of other
     * interfaces carry their own in {@link PcapRecord#linkType()}); -1 for a pcapng file without interfaces.
     */
    public int linkType() {
        if (format == CaptureFormat.PCAP) {
            return classicLinkType;
        }
        return interfaceCount > 0 ? interfaceLinkType[0] : -1;
    }

    /** Snap length from the file header (classic) or the first interface (pcapng); 0 means none given. */
    public int snapLength() {
        if (format == CaptureFormat.PCAP) {
            return classicSnapLength;
        }
        return interfaceCount > 0 ? interfaceSnapLength[0] : 0;
    }

    /**
     * Resolution of the file's timestamps: the classic magic, or for pcapng whether the first interface's
     * resolution is finer than a microsecond. Use it to write outputs without losing precision.
     */
    public TimestampPrecision timestampPrecision() {
        if (format == CaptureFormat.PCAP) {
            return fractionToNs == 1 ? TimestampPrecision.NANOSECONDS : TimestampPrecision.MICROSECONDS;
        }
        int resolution = interfaceCount > 0 ? interfaceTsResolution[0] : DEFAULT_TSRESOL;
        boolean finer = (resolution & 0x80) != 0 ? (resolution & 0x7F) > 20 : resolution > 6;
        return finer ? TimestampPrecision.NANOSECONDS : TimestampPrecision.MICROSECONDS;
    }

    /** Interfaces declared so far in the current pcapng section; 1 for classic pcap. */
    public int interfaceCount() {
        return format == CaptureFormat.PCAP ? 1 : interfaceCount;
    }

    /** Records skipped as malformed since opening or the last {@link #rewind()}. */
    public long skippedRecords() {
        return skippedRecords;
    }

    /** Why the first record was skipped (file, byte offset, reason), or null if none was. */
    public String firstSkipReason() {
        return firstSkipReason;
    }

    /** Offset of the record or block the file ends inside, or -1 if the file ends cleanly (so far). */
    public long truncatedTailOffset() {
        return truncatedTailOffset;
    }

    /** The whole file as a segment; the segment all records point into. */
    public MemorySegment segment() {
        return segment;
    }

    /** Name of the file or resource, as used in messages. */
    public String source() {
        return source;
    }

    /** Unmaps the file if the reader mapped it into its own arena; records must not be read afterwards. */
    @Override
    public void close() {
        if (ownedArena != null && ownedArena.scope().isAlive()) {
            ownedArena.close();
        }
    }
}
