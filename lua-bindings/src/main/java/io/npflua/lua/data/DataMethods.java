package io.npflua.lua.data;

import io.npflua.lua.string.CanonicalStrings;
import io.npflua.lua.string.NameTable;
import io.npflua.lua.string.SegmentStrings;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.LibFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The methods of data objects. Two JVM-wide, never-modified tables: {@link #VIEW} (every data object) and
 * {@link #FRAME} (frames additionally: the packet methods). Scripts cannot reach these tables (data objects have no
 * metatable), so sharing them between states shares nothing mutable.
 */
final class DataMethods {
    static final LuaTable VIEW = new LuaTable();
    static final LuaTable FRAME = new LuaTable();

    static {
        both("layout", new Layout());
        both("segment", new Segment());
        both("copy", new Copy());
        both("find", new Find());
        both("match", new Match());
        both("gmatch", new Gmatch());
        both("byte", new ByteFn());
        both("sub", new Sub());
        for (Header h : new Header[] {
            new Header.Eth(),
            new Header.Vlan(),
            new Header.Ip(),
            new Header.Tcp(),
            new Header.Udp(),
            new Header.Icmp(),
            new Header.Payload()
        }) {
            FRAME.rawset(CanonicalStrings.of(h.methodName()), h);
        }
        FRAME.rawset(CanonicalStrings.of("checksum"), new Checksum());
        for (int kind = Context.TIME; kind <= Context.FLOW; kind++) {
            FRAME.rawset(CanonicalStrings.of(Context.NAMES[kind]), new Context(kind));
        }
    }

    /** {@link #VIEW} and {@link #FRAME} as the fast tables that {@link DataObject#get} looks methods up in. */
    static final NameTable VIEW_NAMES = NameTable.of(VIEW);

    static final NameTable FRAME_NAMES = NameTable.of(FRAME);

    private static void both(String name, LibFunction f) {
        VIEW.rawset(CanonicalStrings.of(name), f);
        FRAME.rawset(CanonicalStrings.of(name), f);
    }

    private DataMethods() {}

    static DataObject self(LuaValue v, String method) {
        if (v instanceof DataObject d) {
            d.checkValid();
            return d;
        }
        throw new LuaError("bad self to '" + method + "' (data object expected, got " + v.typename() + "; call it as d:"
                + method + "(...))");
    }

    /** Base of the fixed-arity methods: LuaJ calls call(a, b, c) for up to three arguments without a Varargs. */
    private abstract static class Method extends LibFunction {
        Method(String name) {
            this.name = name;
        }

        abstract Varargs run(LuaValue self, LuaValue a, LuaValue b, LuaValue c);

        @Override
        public LuaValue call() {
            return run(NIL, NIL, NIL, NIL).arg1();
        }

        @Override
        public LuaValue call(LuaValue self) {
            return run(self, NIL, NIL, NIL).arg1();
        }

        @Override
        public LuaValue call(LuaValue self, LuaValue a) {
            return run(self, a, NIL, NIL).arg1();
        }

        @Override
        public LuaValue call(LuaValue self, LuaValue a, LuaValue b) {
            return run(self, a, b, NIL).arg1();
        }

        @Override
        public Varargs invoke(Varargs args) {
            return run(args.arg1(), args.arg(2), args.arg(3), args.arg(4));
        }
    }

    /** {@code d:layout(t)}: compiles {@code t} in place unless compiled, applies it, returns d. Allocation-free for
     * a compiled layout. */
    static final class Layout extends Method {
        Layout() {
            super("layout");
        }

        @Override
        Varargs run(LuaValue self, LuaValue t, LuaValue unused1, LuaValue unused2) {
            DataObject d = self(self, "layout");
            if (!t.istable()) {
                throw new LuaError("bad argument #1 to 'layout' (table expected, got " + t.typename() + ")");
            }
            d.applyLayout(Layouts.compile((LuaTable) t));
            return d;
        }
    }

    /** {@code d:segment([offset [, length]])}: a sub-view sharing memory and lifetime, no layout; nil when out of
     * bounds. */
    static final class Segment extends Method {
        Segment() {
            super("segment");
        }

        @Override
        Varargs run(LuaValue self, LuaValue offset, LuaValue length, LuaValue unused) {
            DataObject d = self(self, "segment");
            long off = offset.isnil() ? 0 : offset.checklong();
            long n = length.isnil() ? d.len - off : length.checklong();
            // off > len - n, not off + n > len: huge arguments (2^63 saturates) must not overflow into range
            if (off < 0 || n < 0 || off > d.len - n) {
                return NIL;
            }
            return d.view((int) off, (int) n);
        }
    }

    /** {@code d:copy()}: an owned copy that stays valid after the call. */
    static final class Copy extends Method {
        Copy() {
            super("copy");
        }

        @Override
        Varargs run(LuaValue self, LuaValue a, LuaValue b, LuaValue c) {
            return self(self, "copy").copyOwned();
        }
    }

    static final class Find extends VarArgFunction {
        Find() {
            this.name = "find";
        }

        @Override
        public Varargs invoke(Varargs args) {
            return SegmentStrings.findOrMatchMethod(self(args.arg1(), "find"), args, true);
        }

        /** {@code d:find(p)} with one result wanted: no argument list. */
        @Override
        public LuaValue call(LuaValue d, LuaValue pattern) {
            return SegmentStrings.findOrMatch(self(d, "find"), pattern, NIL, true)
                    .arg1();
        }

        /** {@code d:find(p, init)} with one result wanted: no argument list. */
        @Override
        public LuaValue call(LuaValue d, LuaValue pattern, LuaValue init) {
            return SegmentStrings.findOrMatch(self(d, "find"), pattern, init, true)
                    .arg1();
        }
    }

    static final class Match extends VarArgFunction {
        Match() {
            this.name = "match";
        }

        @Override
        public Varargs invoke(Varargs args) {
            return SegmentStrings.findOrMatchMethod(self(args.arg1(), "match"), args, false);
        }

        /** {@code d:match(p)} with a string pattern and one result wanted: no argument list. Allocates only the
         * capture. */
        @Override
        public LuaValue call(LuaValue d, LuaValue pattern) {
            if (pattern instanceof LuaString p) {
                return SegmentStrings.match(self(d, "match"), p);
            }
            return invoke(LuaValue.varargsOf(d, pattern)).arg1();
        }

        /** {@code d:match(p, init)} with one result wanted: no argument list. */
        @Override
        public LuaValue call(LuaValue d, LuaValue pattern, LuaValue init) {
            return SegmentStrings.findOrMatch(self(d, "match"), pattern, init, false)
                    .arg1();
        }
    }

    static final class Gmatch extends VarArgFunction {
        Gmatch() {
            this.name = "gmatch";
        }

        @Override
        public Varargs invoke(Varargs args) {
            return DataStrings.gmatch(self(args.arg1(), "gmatch"), args.subargs(2));
        }
    }

    /** {@code d:byte([i [, j]])}: the bytes i..j as numbers, by {@code string.byte}'s rules. Allocation-free for one
     * byte. */
    static final class ByteFn extends Method {
        ByteFn() {
            super("byte");
        }

        @Override
        Varargs run(LuaValue self, LuaValue i, LuaValue j, LuaValue unused) {
            return SegmentStrings.byteAt(self(self, "byte"), i, j);
        }
    }

    /** {@code d:sub(i [, j])}: bytes i..j as a Lua string, by {@code string.sub}'s rules; copies only that slice. */
    static final class Sub extends Method {
        Sub() {
            super("sub");
        }

        @Override
        Varargs run(LuaValue self, LuaValue i, LuaValue j, LuaValue unused) {
            return SegmentStrings.sub(self(self, "sub"), i, j);
        }
    }

    /** {@code pkt:eth()} ... {@code pkt:payload()}: the located header as a cached view with its layout applied,
     * or nil. Allocation-free after the first call on a frame object. */
    abstract static class Header extends Method {
        /** This method's view in {@link FrameHeaders#views}. */
        private final int slot;

        Header(String name, int slot) {
            super(name);
            this.slot = slot;
        }

        String methodName() {
            return name;
        }

        /**
         * The one entry of every header method: locates the frame's headers (once per frame) and returns this kind's
         * view. A compiled call site that always calls one method inlines it whole, with {@link #view} bound to the
         * receiver's class; the per-kind work lives in small subclasses so that no inlining limit cuts it off.
         */
        @Override
        public final LuaValue call(LuaValue self) {
            DataObject d = self(self, name);
            FrameHeaders h = d.headers();
            h.locate(d);
            return view(d, h, d.len);
        }

        @Override
        final Varargs run(LuaValue self, LuaValue a, LuaValue b, LuaValue c) {
            return call(self);
        }

        /** This kind's view of frame {@code d} of length {@code n} whose headers {@code h} has located, or nil. */
        abstract LuaValue view(DataObject d, FrameHeaders h, int n);

        /** This method's cached view of {@code d}, re-pointed at {@code [from, from + count)} with {@code layout}. */
        final DataObject rebound(DataObject d, FrameHeaders h, int from, int count, LuaTable layout) {
            DataObject v = h.views[slot];
            if (v == null) {
                h.views[slot] = v = d.view(0, 0);
            }
            return v.rebind(d, from, count, layout);
        }

        static final class Eth extends Header {
            Eth() {
                super("eth", 0);
            }

            @Override
            LuaValue view(DataObject d, FrameHeaders h, int n) {
                if (n < 14) {
                    return NIL;
                }
                return rebound(d, h, 0, 14, Layouts.ETHERNET_LAYOUT);
            }
        }

        static final class Vlan extends Header {
            Vlan() {
                super("vlan", 1);
            }

            @Override
            LuaValue view(DataObject d, FrameHeaders h, int n) {
                if (h.vlanOffset < 0) {
                    return NIL;
                }
                return rebound(d, h, h.vlanOffset, 4, Layouts.VLAN_LAYOUT);
            }
        }

        static final class Ip extends Header {
            Ip() {
                super("ip", 2);
            }

            @Override
            LuaValue view(DataObject d, FrameHeaders h, int n) {
                if (h.l3Offset < 0) {
                    return NIL;
                }
                return rebound(
                        d,
                        h,
                        h.l3Offset,
                        h.l4End(n) - h.l3Offset,
                        h.ipVersion == 4 ? Layouts.IPV4_LAYOUT : Layouts.IPV6_LAYOUT);
            }
        }

        static final class Tcp extends Header {
            Tcp() {
                super("tcp", 3);
            }

            @Override
            LuaValue view(DataObject d, FrameHeaders h, int n) {
                if (h.l4Protocol != FrameHeaders.PROTO_TCP) {
                    return NIL;
                }
                return rebound(d, h, h.l4Offset, h.l4End(n) - h.l4Offset, Layouts.TCP_LAYOUT);
            }
        }

        static final class Udp extends Header {
            Udp() {
                super("udp", 4);
            }

            @Override
            LuaValue view(DataObject d, FrameHeaders h, int n) {
                if (h.l4Protocol != FrameHeaders.PROTO_UDP) {
                    return NIL;
                }
                return rebound(d, h, h.l4Offset, h.l4End(n) - h.l4Offset, Layouts.UDP_LAYOUT);
            }
        }

        static final class Icmp extends Header {
            Icmp() {
                super("icmp", 5);
            }

            @Override
            LuaValue view(DataObject d, FrameHeaders h, int n) {
                if (h.l4Protocol != FrameHeaders.PROTO_ICMP && h.l4Protocol != FrameHeaders.PROTO_ICMPV6) {
                    return NIL;
                }
                return rebound(
                        d,
                        h,
                        h.l4Offset,
                        h.l4End(n) - h.l4Offset,
                        h.l4Protocol == FrameHeaders.PROTO_ICMP ? Layouts.ICMP_LAYOUT : Layouts.ICMPV6_LAYOUT);
            }
        }

        static final class Payload extends Header {
            Payload() {
                super("payload", 6);
            }

            @Override
            LuaValue view(DataObject d, FrameHeaders h, int n) {
                if (h.payloadOffset < 0) {
                    return NIL;
                }
                return rebound(d, h, h.payloadOffset, h.payloadEnd - h.payloadOffset, null);
            }
        }
    }

    /** {@code pkt:checksum()}: recomputes the IPv4 header and TCP/UDP/ICMP/ICMPv6 checksums in place; returns how
     * many were written. Allocation-free. */
    static final class Checksum extends Method {
        Checksum() {
            super("checksum");
        }

        @Override
        Varargs run(LuaValue self, LuaValue a, LuaValue b, LuaValue c) {
            DataObject d = self(self, "checksum");
            d.checkWritable();
            FrameHeaders h = d.headers();
            h.locate(d);
            return LuaInts.of(Checksums.fix(d, h));
        }
    }

    /**
     * {@code pkt:time()} (capture time in seconds, a float), {@code pkt:iface()} (interface name),
     * {@code pkt:dir()} ({@code 'in'} or {@code 'out'}) and {@code pkt:flow()}: what the engine's
     * {@link PacketContext} says about the frame; nil where it says nothing, and on frames that are not the packet
     * of a call (copies, {@code data.new}). Allocates only the time's number.
     */
    static final class Context extends Method {
        static final int TIME = 0;
        static final int IFACE = 1;
        static final int DIR = 2;
        static final int FLOW = 3;
        static final String[] NAMES = {"time", "iface", "dir", "flow"};
        private static final LuaValue IN = CanonicalStrings.of("in");
        private static final LuaValue OUT = CanonicalStrings.of("out");

        private final int kind;

        Context(int kind) {
            super(NAMES[kind]);
            this.kind = kind;
        }

        @Override
        Varargs run(LuaValue self, LuaValue a, LuaValue b, LuaValue c) {
            DataObject d = self(self, name);
            PacketContext ctx = d instanceof PacketData p ? p.context : null;
            if (ctx == null) {
                return NIL;
            }
            return switch (kind) {
                case TIME -> {
                    long ns = ctx.timeNs();
                    yield ns == 0 ? NIL : LuaValue.valueOf(ns / 1e9);
                }
                case IFACE -> ctx.iface();
                case DIR -> {
                    int dir = ctx.direction();
                    yield dir == PacketContext.DIRECTION_IN ? IN : dir == PacketContext.DIRECTION_OUT ? OUT : NIL;
                }
                default -> ctx.flow();
            };
        }
    }
}
