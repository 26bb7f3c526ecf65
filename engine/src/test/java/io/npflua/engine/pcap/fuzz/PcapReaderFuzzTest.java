package io.npflua.engine.pcap.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.pcap.PcapFormatException;
import io.npflua.engine.pcap.PcapReader;
import io.npflua.engine.pcap.PcapRecord;
import io.npflua.lua.data.DataObject;
import io.npflua.lua.data.PacketData;
import io.npflua.lua.data.fuzz.FuzzInput;
import io.npflua.lua.data.fuzz.RandomInputs;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

/**
 * Fuzzes {@link PcapReader#of(MemorySegment, String)} with raw bytes and with classic pcap and pcapng files built
 * block by block (both byte orders, both magics, several sections and interfaces, if_tsresol/if_tsoffset and unknown
 * options, enhanced, simple, obsolete and unknown blocks), then corrupted: lengths replaced by interesting values,
 * bit flips, truncation. The file is a heap segment of exactly its size, so any read past it throws.
 *
 * Record data is random or a frame from the engine's {@link FrameBuilder}; every delivered record is bound to a
 * {@link PacketData} as the engine does, and its header views are taken.
 *
 * <p>Invariants: opening and every {@code next()} either succeed or throw {@link PcapFormatException} with a message,
 * never another exception; every delivered record has {@code 0 < capturedLength <= wireLength} and
 * {@code [dataOffset, dataOffset + capturedLength)} inside the file after its record header; the walk ends within
 * one step per 12 bytes of file (no hang); every header view of a record lies inside that record; a {@code rewind()} replays exactly the same records and outcome; and an
 * undamaged generated file yields exactly the records written into it.
 */
class PcapReaderFuzzTest {
    private static final int[] INTERESTING = {
        0,
        1,
        4,
        11,
        12,
        13,
        16,
        28,
        32,
        0x7FFF_FFFF,
        0x8000_0000,
        0xFFFF_FFFF,
        16 << 20,
        (16 << 20) + 4,
        262_144,
        262_145,
        0x0A0D_0D0A,
        0x1A2B_3C4D,
        0x4D3C_2B1A
    };
    private static final int[] BLOCK_TYPES = {6, 6, 6, 3, 2, 1, 4, 5, 0x0BAD, 0x40000BAD, 0x0A0D0D0A};
    private static final String[] HEADER_METHODS = {"eth", "vlan", "ip", "tcp", "udp", "icmp", "payload"};
    private static final int[] TSRESOL = {-1, 6, 9, 3, 0x80 | 20, 0x80 | 63, 0x80, 18, 0, 19, 0x80 | 64, 0xFF};

    @FuzzTest(maxDuration = "5m")
    void fuzzPcapReader(byte[] input) {
        check(input);
    }

    /** How many generated files were opened, and how many records were delivered: the generator's reach. */
    private static final long[] SEEN = new long[3];

    @Test
    void shouldDeliverOnlyInBoundsRecordsOrFormatErrorsForCorruptCaptures() {
        Arrays.fill(SEEN, 0);
        RandomInputs.run(0x9CA9_F11EL, 6000, 600, PcapReaderFuzzTest::check);
        System.out.println(
                "opened, records delivered, undamaged files checked against their records: " + Arrays.toString(SEEN));
        assertTrue(SEEN[0] > 1000 && SEEN[1] > 3000 && SEEN[2] > 300, Arrays.toString(SEEN));
    }

    /** One record as the reader describes it. */
    private record Seen(
            long recordOffset,
            long dataOffset,
            int capturedLength,
            int wireLength,
            long timestampNs,
            int interfaceIndex,
            int linkType,
            long frameNumber) {}

    /** What a walk over the file produced: the records and the error that stopped it, if any. */
    private record Walk(List<Seen> records, String error) {}

    static void check(byte[] input) {
        FuzzInput in = new FuzzInput(input);
        List<long[]> written = new ArrayList<>(); // {dataOffset, capturedLength} of an undamaged file, else null
        byte[] file;
        switch (in.below(5)) {
            case 0 -> {
                file = in.bytes(in.below(2048));
                written = null;
            }
            case 1, 2 -> file = classic(in, written);
            default -> file = pcapng(in, written);
        }
        if (in.below(3) != 0) {
            file = damage(in, file);
            written = null;
        }
        MemorySegment segment = MemorySegment.ofArray(file);
        PcapReader reader;
        try {
            reader = PcapReader.of(segment, "fuzz.pcap");
        } catch (PcapFormatException e) {
            assertNotNull(e.getMessage());
            return;
        }
        SEEN[0]++;
        reader.linkType();
        reader.snapLength();
        reader.timestampPrecision();
        reader.byteOrder();
        reader.interfaceCount();
        Walk first = walk(reader, file);
        reader.rewind();
        Walk again = walk(reader, file);
        assertEquals(first, again, "a rewound reader must replay the same records and outcome");
        SEEN[1] += first.records.size();
        if (written != null && !(written.size() == 1 && written.get(0) == null)) {
            SEEN[2]++;
            assertEquals(null, first.error, "an undamaged file must read without error");
            assertEquals(written.size(), first.records.size(), "records of an undamaged file");
            for (int i = 0; i < written.size(); i++) {
                assertEquals(written.get(i)[0], first.records.get(i).dataOffset, "data offset of record " + i);
                assertEquals(written.get(i)[1], first.records.get(i).capturedLength, "length of record " + i);
            }
            assertEquals(0, reader.skippedRecords());
            assertEquals(-1, reader.truncatedTailOffset());
        }
    }

    private static Walk walk(PcapReader reader, byte[] file) {
        List<Seen> records = new ArrayList<>();
        PacketData pkt = new PacketData();
        long maxSteps = file.length / 12 + 2;
        long lastFrame = 0;
        try {
            while (reader.next()) {
                PcapRecord r = reader.record();
                assertTrue(records.size() < maxSteps, "more records than a " + file.length + "-byte file can hold");
                assertTrue(r.capturedLength() > 0 && r.capturedLength() <= r.wireLength(), r.toString());
                assertTrue(r.recordOffset() >= 0 && r.dataOffset() > r.recordOffset(), r.toString());
                assertTrue(
                        r.dataOffset() + r.capturedLength() <= file.length,
                        r + " runs past the " + file.length + "-byte file");
                assertTrue(r.frameNumber() > lastFrame, "frame numbers increase");
                lastFrame = r.frameNumber();
                MemorySegment slice = r.asSlice();
                assertEquals(r.capturedLength(), slice.byteSize());
                assertArrayEquals(
                        Arrays.copyOfRange(file, (int) r.dataOffset(), (int) r.dataOffset() + r.capturedLength()),
                        slice.toArray(ValueLayout.JAVA_BYTE));
                checkPacketViews(pkt, r);
                records.add(new Seen(
                        r.recordOffset(),
                        r.dataOffset(),
                        r.capturedLength(),
                        r.wireLength(),
                        r.timestampNs(),
                        r.interfaceIndex(),
                        r.linkType(),
                        r.frameNumber()));
            }
        } catch (PcapFormatException e) {
            assertNotNull(e.getMessage());
            return new Walk(records, e.getMessage());
        }
        reader.skippedRecords();
        reader.firstSkipReason();
        return new Walk(records, null);
    }

    // --- generators ---------------------------------------------------------------------------------------

    private static ByteOrder order(FuzzInput in) {
        return in.bool() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    }

    private static byte[] classic(FuzzInput in, List<long[]> written) {
        ByteOrder order = order(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int snap = in.below(4) == 0 ? in.i32() : in.bool() ? 0 : 65535;
        boolean clean = snap == 0 || snap >= 100;
        ByteBuffer h = ByteBuffer.allocate(24).order(order);
        h.putInt(
                in.below(6) == 0
                        ? in.pick(new int[] {0xa1b2cd34, in.i32(), 0x0a0d0d0a})
                        : in.bool() ? 0xa1b2c3d4 : 0xa1b23c4d);
        h.putShort((short) (in.below(8) == 0 ? in.u16() : 2))
                .putShort((short) 4)
                .putInt(0)
                .putInt(0);
        h.putInt(snap).putInt(in.bool() ? 1 : in.u16());
        out.writeBytes(h.array());
        int records = in.below(7);
        for (int i = 0; i < records; i++) {
            byte[] data = frameData(in);
            int length = data.length;
            ByteBuffer r = ByteBuffer.allocate(16).order(order);
            r.putInt(in.i32()).putInt(in.below(1_000_000));
            r.putInt(length).putInt(in.below(4) == 0 ? length : length + in.below(1500));
            written.add(new long[] {out.size() + 16L, length});
            out.writeBytes(r.array());
            out.writeBytes(data);
        }
        if (!clean) {
            written.clear();
            written.add(null);
        }
        return out.toByteArray();
    }

    private static byte[] pcapng(FuzzInput in, List<long[]> written) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int sections = 1 + in.below(2);
        boolean clean = true;
        for (int s = 0; s < sections; s++) {
            ByteOrder order = order(in);
            ByteBuffer shb = ByteBuffer.allocate(16 + 8).order(order);
            int major = in.below(10) == 0 ? in.u16() : 1;
            clean &= major == 1;
            shb.putInt(0x1A2B3C4D).putShort((short) major).putShort((short) 0).putLong(-1);
            if (in.below(3) == 0) {
                shb.putShort((short) 1)
                        .putShort((short) 2)
                        .put((byte) 'h')
                        .put((byte) 'i')
                        .putShort((short) 0);
            }
            block(out, order, 0x0A0D0D0A, shb);
            int interfaces = in.below(4);
            for (int i = 0; i < interfaces; i++) {
                ByteBuffer idb = ByteBuffer.allocate(64).order(order);
                int snap = in.below(4) == 0 ? in.i32() : 0;
                clean &= snap == 0;
                idb.putShort((short) (in.bool() ? 1 : in.u16()))
                        .putShort((short) 0)
                        .putInt(snap);
                int tsresol = in.pick(TSRESOL);
                if (tsresol >= 0) {
                    idb.putShort((short) 9)
                            .putShort((short) 1)
                            .put((byte) tsresol)
                            .put(new byte[3]);
                }
                if (in.bool()) {
                    idb.putShort((short) 14).putShort((short) 8).putLong(in.i64());
                }
                if (in.below(4) == 0) {
                    int code = in.u16();
                    int length = in.below(5) == 0 ? in.u16() : in.below(12);
                    idb.putShort((short) code)
                            .putShort((short) length)
                            .put(in.bytes(Math.min((length + 3) & ~3, idb.remaining() - 4)));
                    clean = false; // an unknown option may well be malformed
                }
                idb.putShort((short) 0).putShort((short) 0);
                block(out, order, 1, idb);
                if (tsresol == 19 || tsresol == (0x80 | 64) || tsresol == 0xFF) {
                    clean = false;
                }
            }
            int blocks = in.below(6);
            for (int b = 0; b < blocks; b++) {
                int type = in.pick(BLOCK_TYPES);
                byte[] data = frameData(in);
                int length = data.length;
                int padded = (length + 3) & ~3;
                if (type == 6 || type == 2) {
                    int iface = in.below(8) == 0 ? in.below(6) : interfaces == 0 ? 0 : in.below(interfaces);
                    ByteBuffer body = ByteBuffer.allocate(20 + padded).order(order);
                    if (type == 6) {
                        body.putInt(iface);
                    } else {
                        body.putShort((short) iface).putShort((short) 0);
                    }
                    body.putInt(in.i32())
                            .putInt(in.i32())
                            .putInt(length)
                            .putInt(length + (in.bool() ? 0 : in.below(1000)));
                    body.put(data);
                    long at = out.size();
                    block(out, order, type, body);
                    if (iface < interfaces) {
                        written.add(new long[] {at + 28, length});
                    } else {
                        clean = false;
                    }
                } else if (type == 3) {
                    ByteBuffer body = ByteBuffer.allocate(4 + padded).order(order);
                    body.putInt(length).put(data);
                    long at = out.size();
                    block(out, order, 3, body);
                    if (interfaces > 0) {
                        written.add(new long[] {at + 12, length});
                    } else {
                        clean = false;
                    }
                } else if (type == 1 || type == 0x0A0D0D0A) {
                    ByteBuffer body = ByteBuffer.allocate(padded).order(order);
                    body.put(data);
                    block(out, order, type, body);
                    clean = false; // a bogus interface or section header
                } else {
                    ByteBuffer body = ByteBuffer.allocate(padded).order(order);
                    body.put(data);
                    block(out, order, type, body);
                }
            }
        }
        if (!clean) {
            written.clear();
            written.add(null);
        }
        return out.toByteArray();
    }

    private static final String[] MACS = {"02:00:00:00:00:01", "02:00:00:00:00:02"};

    /** Record data: random bytes, or a valid frame from the engine's FrameBuilder (sometimes cut short). */
    private static byte[] frameData(FuzzInput in) {
        if (in.below(3) == 0) {
            return in.bytes(1 + in.below(80));
        }
        FrameBuilder b = FrameBuilder.ethernet(MACS[0], MACS[1]);
        switch (in.below(4)) {
            case 0 -> b.vlan(in.below(4095));
            case 1 -> b.qinq(in.below(4095), in.below(4095));
            default -> {}
        }
        boolean v6 = in.bool();
        if (v6) {
            b.ipv6("2001:db8::1", "2001:db8::2");
        } else {
            b.ipv4("198.18.0.1", "198.18.1.1");
        }
        switch (in.below(3)) {
            case 0 -> b.tcp(in.u16(), in.u16(), in.i32() & 0xFFFF_FFFFL, 0, FrameBuilder.TCP_ACK);
            case 1 -> b.udp(in.u16(), in.u16());
            default -> b.echo(true, in.u16(), in.u16());
        }
        byte[] frame = b.payload(in.bytes(in.below(40))).padToMinimum(in.bool()).build();
        return in.below(4) == 0 ? Arrays.copyOf(frame, 1 + in.below(frame.length)) : frame;
    }

    /** Hands each record to the Lua packet object as the engine does and checks its views stay in the record. */
    private static void checkPacketViews(PacketData pkt, PcapRecord r) {
        pkt.bind(r.segment(), r.dataOffset(), r.capturedLength(), false);
        for (String method : HEADER_METHODS) {
            LuaValue v = pkt.method(method);
            if (v instanceof DataObject view) {
                assertTrue(
                        view.offset() >= r.dataOffset()
                                && view.offset() + view.length() <= r.dataOffset() + r.capturedLength(),
                        "pkt:" + method + "() lies outside record " + r);
            } else {
                assertTrue(v.isnil(), "pkt:" + method + "() returned " + v);
            }
        }
        pkt.release();
    }

    private static void block(ByteArrayOutputStream out, ByteOrder order, int type, ByteBuffer body) {
        int bodyLength = (body.position() + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(12 + bodyLength).order(order);
        b.putInt(type).putInt(12 + bodyLength).put(body.array(), 0, body.position());
        b.position(8 + bodyLength);
        b.putInt(12 + bodyLength);
        out.writeBytes(b.array());
    }

    private static byte[] damage(FuzzInput in, byte[] file) {
        byte[] f = file;
        int edits = 1 + in.below(4);
        for (int e = 0; e < edits && f.length > 0; e++) {
            switch (in.below(4)) {
                case 0 -> f = Arrays.copyOf(f, in.below(f.length + 1));
                case 1 -> f[in.below(f.length)] ^= (byte) (1 << in.below(8));
                default -> {
                    if (f.length >= 4) {
                        int at = in.below(f.length - 3) & (in.bool() ? ~3 : ~0);
                        int v = in.below(3) == 0 ? in.i32() : in.pick(INTERESTING);
                        ByteBuffer.wrap(f)
                                .order(in.bool() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN)
                                .putInt(at, v);
                    }
                }
            }
        }
        return f;
    }
}
