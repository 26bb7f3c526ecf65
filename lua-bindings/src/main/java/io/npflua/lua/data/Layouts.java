package io.npflua.lua.data;

import io.npflua.lua.string.CanonicalStrings;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Compiles layout tables in place ({@code data.layout}) and holds the predefined protocol layouts.
 *
 * <p>Compiling replaces each entry {@code name = {offset, length [, type [, endian]]}} (or the named form
 * {@code {offset=, length=, type=, endian=}}) with a {@link Field}; an entry of length 0 is removed, as luadata does.
 * The table is then stamped so that applying it again costs one lookup.
 */
final class Layouts {
    /** The key stamped into a compiled layout table. */
    static final LuaString STAMP = LuaString.valueOf("__layout");

    private static final LuaString OFFSET = LuaString.valueOf("offset");
    private static final LuaString LENGTH = LuaString.valueOf("length");
    private static final LuaString TYPE = LuaString.valueOf("type");
    private static final LuaString ENDIAN = LuaString.valueOf("endian");
    private static final boolean HOST_LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    // {name, offset, length, type}; offsets/lengths in bits for numbers, bytes for strings ('s').
    private static final Object[][] ETHERNET = {
        {"dst", 0, 48}, {"src", 48, 48}, {"type", 96, 16}, {"ethertype", 96, 16},
        {"destination", 0, 48}, {"source", 48, 48}, {"dst_bytes", 0, 6, "s"}, {"src_bytes", 6, 6, "s"},
    };
    private static final Object[][] VLAN = {
        {"tpid", 0, 16}, {"tci", 16, 16}, {"pcp", 16, 3}, {"dei", 19, 1}, {"vid", 20, 12},
    };
    private static final Object[][] IPV4 = {
        {"version", 0, 4},
        {"ihl", 4, 4},
        {"tos", 8, 8},
        {"type_of_service", 8, 8},
        {"dscp", 8, 6},
        {"ecn", 14, 2},
        {"total_length", 16, 16},
        {"identification", 32, 16},
        {"flags", 48, 3},
        {"df", 49, 1},
        {"mf", 50, 1},
        {"fragment_offset", 51, 13},
        {"ttl", 64, 8},
        {"time_to_live", 64, 8},
        {"protocol", 72, 8},
        {"header_checksum", 80, 16},
        {"src", 96, 32},
        {"source_address", 96, 32},
        {"dst", 128, 32},
        {"destination_address", 128, 32},
        {"src_bytes", 12, 4, "s"},
        {"dst_bytes", 16, 4, "s"},
    };
    private static final Object[][] IPV6 = {
        {"version", 0, 4},
        {"traffic_class", 4, 8},
        {"dscp", 4, 6},
        {"ecn", 10, 2},
        {"flow_label", 12, 20},
        {"payload_length", 32, 16},
        {"next_header", 48, 8},
        {"hop_limit", 56, 8},
        {"src", 8, 16, "s"},
        {"source_address", 8, 16, "s"},
        {"dst", 24, 16, "s"},
        {"destination_address", 24, 16, "s"},
    };
    private static final Object[][] TCP = {
        {"src_port", 0, 16},
        {"source_port", 0, 16},
        {"dst_port", 16, 16},
        {"destination_port", 16, 16},
        {"seq", 32, 32},
        {"sequence_number", 32, 32},
        {"ack_number", 64, 32},
        {"acknowledgment_number", 64, 32},
        {"data_offset", 96, 4},
        {"reserved", 100, 4},
        {"flags", 104, 8},
        {"cwr", 104, 1},
        {"ece", 105, 1},
        {"urg", 106, 1},
        {"ack", 107, 1},
        {"psh", 108, 1},
        {"rst", 109, 1},
        {"syn", 110, 1},
        {"fin", 111, 1},
        {"window", 112, 16},
        {"checksum", 128, 16},
        {"urgent_pointer", 144, 16},
    };
    private static final Object[][] UDP = {
        {"src_port", 0, 16},
        {"source_port", 0, 16},
        {"dst_port", 16, 16},
        {"destination_port", 16, 16},
        {"length", 32, 16},
        {"checksum", 48, 16},
    };
    private static final Object[][] ICMP = {
        {"type", 0, 8}, {"code", 8, 8}, {"checksum", 16, 16}, {"rest_of_header", 32, 32},
        {"identifier", 32, 16}, {"sequence_number", 48, 16}, {"gateway_address", 32, 32}, {"mtu", 48, 16},
    };
    private static final Object[][] ICMPV6 = {
        {"type", 0, 8}, {"code", 8, 8}, {"checksum", 16, 16}, {"rest_of_header", 32, 32},
        {"identifier", 32, 16}, {"sequence_number", 48, 16}, {"mtu", 32, 32}, {"pointer", 32, 32},
    };

    /** JVM-wide compiled layouts for the header views; never handed to scripts (each module gets copies). */
    static final LuaTable ETHERNET_LAYOUT = build(ETHERNET);

    static final LuaTable VLAN_LAYOUT = build(VLAN);
    static final LuaTable IPV4_LAYOUT = build(IPV4);
    static final LuaTable IPV6_LAYOUT = build(IPV6);
    static final LuaTable TCP_LAYOUT = build(TCP);
    static final LuaTable UDP_LAYOUT = build(UDP);
    static final LuaTable ICMP_LAYOUT = build(ICMP);
    static final LuaTable ICMPV6_LAYOUT = build(ICMPV6);

    private Layouts() {}

    /**
     * A fresh table of fresh compiled copies of the predefined layouts: {@code ethernet}, {@code vlan} (802.1Q /
     * 802.1ad tag, alias {@code ieee8021q}), {@code ipv4}, {@code ipv6}, {@code tcp}, {@code udp}, {@code icmp},
     * {@code icmpv6}. Each Lua state gets its own, so a script that edits one changes nothing elsewhere.
     */
    public static LuaTable newLayoutsTable() {
        LuaTable t = new LuaTable();
        t.rawset("ethernet", copy(ETHERNET_LAYOUT));
        LuaTable vlan = copy(VLAN_LAYOUT);
        t.rawset("vlan", vlan);
        t.rawset("ieee8021q", vlan);
        t.rawset("ipv4", copy(IPV4_LAYOUT));
        t.rawset("ipv6", copy(IPV6_LAYOUT));
        t.rawset("tcp", copy(TCP_LAYOUT));
        t.rawset("udp", copy(UDP_LAYOUT));
        t.rawset("icmp", copy(ICMP_LAYOUT));
        t.rawset("icmpv6", copy(ICMPV6_LAYOUT));
        return t;
    }

    /**
     * A {@link LayoutTable} holding the entries of {@code compiled} (the same field objects): what
     * {@code data.layout} returns, as luadata's does a new table.
     */
    static LuaTable copy(LuaTable compiled) {
        LuaTable t = new LayoutTable();
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = compiled.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            t.rawset(k, n.arg(2));
        }
        return t;
    }

    private static LuaTable build(Object[][] spec) {
        LuaTable t = new LayoutTable();
        for (Object[] f : spec) {
            String name = (String) f[0];
            boolean string = f.length > 3 && "s".equals(f[3]);
            LuaString key = CanonicalStrings.of(name);
            t.rawset(key, newField(key, (Integer) f[1], (Integer) f[2], string, false));
        }
        t.rawset(STAMP, LuaValue.TRUE);
        return ((LayoutTable) t).prime();
    }

    /** True when {@code t} has been compiled by {@link #compile}. */
    static boolean isCompiled(LuaTable t) {
        if (t instanceof LayoutTable l) {
            return l.stamped();
        }
        return t.rawget(STAMP).toboolean();
    }

    /**
     * Compiles {@code t} in place and returns it; a compiled table is returned as is. Entries that are already
     * compiled fields are kept, so compiling twice is harmless.
     */
    public static LuaTable compile(LuaTable t) {
        if (isCompiled(t)) {
            return t;
        }
        int n = 0;
        LuaValue[] keys = new LuaValue[8];
        LuaValue[] values = new LuaValue[8];
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs next = t.next(k);
            if ((k = next.arg1()).isnil()) {
                break;
            }
            if (n == keys.length) {
                keys = Arrays.copyOf(keys, n * 2);
                values = Arrays.copyOf(values, n * 2);
            }
            keys[n] = k;
            values[n++] = next.arg(2);
        }
        for (int i = 0; i < n; i++) {
            LuaValue key = keys[i];
            LuaValue v = values[i];
            if (v instanceof Field) {
                continue;
            }
            if (!v.istable()) {
                throw new LuaError("layout entry '" + key.tojstring() + "' must be a table {offset, length [, type"
                        + " [, endian]]}, got a " + v.typename());
            }
            t.rawset(key, compileEntry(key, (LuaTable) v));
        }
        t.rawset(STAMP, LuaValue.TRUE);
        return t;
    }

    private static LuaValue compileEntry(LuaValue key, LuaTable e) {
        long offset = 0;
        long length = 0;
        boolean string = false;
        int endian = 0; // 0 default (big), 1 big, 2 little
        int n = e.rawlen();
        if (n >= 1) {
            offset = integer(e.rawget(1));
        }
        if (n >= 2) {
            length = integer(e.rawget(2));
        }
        if (n >= 3 && e.rawget(3).isstring()) {
            char c = firstChar(e.rawget(3));
            if (c == 's') {
                string = true;
            } else if (c == 'l' || c == 'b' || c == 'h') {
                // luadata's older three-element form {offset, length, endian}; 'n' stays "number" (not "net")
                endian = endianOf(c, endian);
            }
        }
        if (n >= 4 && e.rawget(4).isstring()) {
            endian = endianOf(firstChar(e.rawget(4)), endian);
        }
        LuaValue v = e.rawget(OFFSET);
        if (v.isnumber()) {
            offset = integer(v);
        }
        v = e.rawget(LENGTH);
        if (v.isnumber()) {
            length = integer(v);
        }
        v = e.rawget(TYPE);
        if (v.isstring()) {
            char c = firstChar(v);
            if (c == 's') {
                string = true;
            } else if (c == 'n') {
                string = false;
            }
        }
        v = e.rawget(ENDIAN);
        if (v.isstring()) {
            endian = endianOf(firstChar(v), endian);
        }
        if (length == 0) {
            return LuaValue.NIL;
        }
        boolean little = endian == 2;
        return newField(key, offset, length, string, little);
    }

    private static Field newField(LuaValue key, long offset, long length, boolean string, boolean little) {
        return new Field(
                key.tojstring(),
                offset,
                length,
                string,
                little,
                !DataMethods.FRAME.rawget(key).isnil(),
                !DataMethods.VIEW.rawget(key).isnil());
    }

    private static long integer(LuaValue v) {
        return v.isnumber() ? (long) Math.floor(v.todouble()) : 0;
    }

    private static char firstChar(LuaValue s) {
        LuaString str = s.strvalue();
        return str.m_length == 0 ? '\0' : (char) (str.m_bytes[str.m_offset] & 0xFF);
    }

    private static int endianOf(char c, int current) {
        return switch (c) {
            case 'n', 'b' -> 1;
            case 'l' -> 2;
            case 'h' -> HOST_LITTLE ? 2 : 1;
            default -> current;
        };
    }
}
