package io.npflua.engine.pcap;

/**
 * Offsets and constants of the pcapng format (draft-ietf-opsawg-pcapng) for the blocks the reader understands.
 * Every block is {@code u32 type, u32 total_length, body, u32 total_length}, padded to 32 bits; fields are in the
 * byte order of the section, given by the byte-order magic of its Section Header Block.
 *
 * <pre>
 * SHB  type 0x0A0D0D0A: 8 u32 byte_order_magic 0x1A2B3C4D, 12 u16 major (1), 14 u16 minor, 16 i64 section_length,
 *      24 options
 * IDB  type 1: 8 u16 linktype, 10 u16 reserved, 12 u32 snaplen, 16 options (if_tsresol = 9, if_tsoffset = 14)
 * EPB  type 6: 8 u32 interface_id, 12 u32 ts_high, 16 u32 ts_low, 20 u32 captured_len, 24 u32 original_len,
 *      28 data (padded to 32 bits), options
 * SPB  type 3: 8 u32 original_len, 12 data; captured length = min(original_len, snaplen of interface 0, room)
 * PB   type 2 (obsolete): 8 u16 interface_id, 10 u16 drops, 12 u32 ts_high, 16 u32 ts_low, 20 u32 captured_len,
 *      24 u32 original_len, 28 data
 * option: u16 code, u16 length, value padded to 32 bits; code 0 ends the list
 * </pre>
 */
final class PcapngDescriptor {
    public static final int BLOCK_SECTION_HEADER = 0x0A0D0D0A;
    public static final int BLOCK_INTERFACE_DESCRIPTION = 0x00000001;
    public static final int BLOCK_PACKET_OBSOLETE = 0x00000002;
    public static final int BLOCK_SIMPLE_PACKET = 0x00000003;
    public static final int BLOCK_ENHANCED_PACKET = 0x00000006;

    public static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;

    public static final int BLOCK_TYPE_OFFSET = 0;
    public static final int BLOCK_LENGTH_OFFSET = 4;
    public static final int BLOCK_BODY_OFFSET = 8;
    /** type + length before the body and the repeated length after it. */
    public static final int BLOCK_OVERHEAD = 12;

    public static final int SHB_BYTE_ORDER_MAGIC_OFFSET = 8;
    public static final int SHB_MAJOR_OFFSET = 12;
    public static final int SHB_MINOR_OFFSET = 14;
    public static final int SHB_OPTIONS_OFFSET = 24;
    public static final int SHB_MIN_LENGTH = 28;

    public static final int IDB_LINKTYPE_OFFSET = 8;
    public static final int IDB_SNAPLEN_OFFSET = 12;
    public static final int IDB_OPTIONS_OFFSET = 16;
    public static final int IDB_MIN_LENGTH = 20;

    public static final int EPB_INTERFACE_OFFSET = 8;
    public static final int EPB_TS_HIGH_OFFSET = 12;
    public static final int EPB_TS_LOW_OFFSET = 16;
    public static final int EPB_CAPTURED_LENGTH_OFFSET = 20;
    public static final int EPB_WIRE_LENGTH_OFFSET = 24;
    public static final int EPB_DATA_OFFSET = 28;
    public static final int EPB_MIN_LENGTH = 32;

    public static final int SPB_WIRE_LENGTH_OFFSET = 8;
    public static final int SPB_DATA_OFFSET = 12;
    public static final int SPB_MIN_LENGTH = 16;

    public static final int PB_INTERFACE_OFFSET = 8;
    public static final int PB_TS_HIGH_OFFSET = 12;
    public static final int PB_TS_LOW_OFFSET = 16;
    public static final int PB_CAPTURED_LENGTH_OFFSET = 20;
    public static final int PB_WIRE_LENGTH_OFFSET = 24;
    public static final int PB_DATA_OFFSET = 28;
    public static final int PB_MIN_LENGTH = 32;

    public static final int OPTION_END = 0;
    public static final int OPTION_IF_TSRESOL = 9;
    public static final int OPTION_IF_TSOFFSET = 14;

    /** Default interface timestamp resolution when if_tsresol is absent: 10^-6 s. */
    public static final int DEFAULT_TSRESOL = 6;

    /**
     * Largest block we accept: a block this size cannot hold a frame we handle plus its options, so a larger length
     * means corruption (Wireshark uses the same 16 MiB bound).
     */
    public static final int MAX_BLOCK_LENGTH = 16 * 1024 * 1024;

    private PcapngDescriptor() {}
}
