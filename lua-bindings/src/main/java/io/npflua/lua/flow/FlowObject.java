package io.npflua.lua.flow;

import io.npflua.lua.net.NetAddresses;
import io.npflua.lua.string.CanonicalStrings;
import java.util.Arrays;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The flow a script sees through {@code pkt:flow()}: one object per script state, re-pointed at the frame's flow on
 * each call and invalid after it (like the packet). Fields are read from the engine's table when asked
 * ({@link FlowView}); {@code flow.vars} is a table that belongs to this script and this flow, kept here by table
 * entry and stamped with the flow id, dropped when the flow ends ({@link #onFlowEnd}).
 *
 * <p>Fields: {@code id}, {@code proto} ({@code 'tcp'}, {@code 'udp'}, {@code 'icmp'}, {@code 'icmpv6'},
 * {@code 'sctp'}, {@code 'udplite'}, else the number as a string), {@code protonum}, {@code family} (4 or 6),
 * {@code src}/{@code dst} (address strings of the side that opened the flow and of the other), {@code sport}/
 * {@code dport}, {@code dir} ({@code 'orig'} or {@code 'reply'}: who sent this frame), {@code state}
 * ({@code 'new'}, {@code 'established'}, {@code 'closing'}, {@code 'closed'}), {@code packets}/{@code bytes} (both
 * directions), {@code packets_orig}, {@code packets_reply}, {@code bytes_orig}, {@code bytes_reply}, {@code first}/
 * {@code last} (capture times in seconds), {@code vars}. Methods: {@code flow:block([reason])},
 * {@code flow:pass([reason])}.
 *
 * <p>Not thread-safe: belongs to one script state. Reading a number field allocates at most its number; address
 * strings are made when asked for.
 */
public final class FlowObject extends LuaUserdata {
    /** The error raised when a flow object is used outside the call that received it. */
    public static final String EXPIRED = "flow object is no longer valid (it is valid during the call that got it)";

    private static final LuaTable FIELDS = new LuaTable();
    private static final int ID = 0;
    private static final int PROTO = 1;
    private static final int PROTONUM = 2;
    private static final int FAMILY = 3;
    private static final int SRC = 4;
    private static final int DST = 5;
    private static final int SPORT = 6;
    private static final int DPORT = 7;
    private static final int DIR = 8;
    private static final int STATE = 9;
    private static final int PACKETS = 10;
    private static final int BYTES = 11;
    private static final int PACKETS_ORIG = 12;
    private static final int PACKETS_REPLY = 13;
    private static final int BYTES_ORIG = 14;
    private static final int BYTES_REPLY = 15;
    private static final int FIRST = 16;
    private static final int LAST = 17;
    private static final int VARS = 18;
    private static final int BLOCK = 19;
    private static final int PASS = 20;
    private static final String[] NAMES = {
        "id",
        "proto",
        "protonum",
        "family",
        "src",
        "dst",
        "sport",
        "dport",
        "dir",
        "state",
        "packets",
        "bytes",
        "packets_orig",
        "packets_reply",
        "bytes_orig",
        "bytes_reply",
        "first",
        "last",
        "vars",
        "block",
        "pass"
    };

    private static final LuaValue ORIG_NAME = CanonicalStrings.of("orig");
    private static final LuaValue REPLY_NAME = CanonicalStrings.of("reply");
    private static final LuaValue[] STATES = {
        CanonicalStrings.of("free"),
        CanonicalStrings.of("new"),
        CanonicalStrings.of("established"),
        CanonicalStrings.of("closing"),
        CanonicalStrings.of("closed")
    };
    private static final LuaValue TCP = CanonicalStrings.of("tcp");
    private static final LuaValue UDP = CanonicalStrings.of("udp");
    private static final LuaValue ICMP = CanonicalStrings.of("icmp");
    private static final LuaValue ICMPV6 = CanonicalStrings.of("icmpv6");
    private static final LuaValue SCTP = CanonicalStrings.of("sctp");
    private static final LuaValue UDPLITE = CanonicalStrings.of("udplite");

    static {
        for (int i = 0; i < NAMES.length; i++) {
            FIELDS.rawset(CanonicalStrings.of(NAMES[i]), LuaValue.valueOf(i));
        }
    }

    private final LuaValue block = new Decide("block", FlowView.BLOCK);
    private final LuaValue pass = new Decide("pass", FlowView.PASS);
    private FlowView view;
    /** True during the call that bound this object. */
    private boolean bound;
    /** The addresses of the flow last asked for (by id): consecutive frames of a flow format them once. */
    private long addressesOf = -1;

    private LuaValue src;
    private LuaValue dst;
    /** Each flow's {@code flow.vars} by table entry + 1: a Lua table, so the sandbox counts it in the state's memory. */
    private final LuaTable vars = new LuaTable();
    /** The flow id each entry's vars belong to (an entry is reused by later flows). */
    private long[] varsId = new long[0];

    /** An object bound to no flow (invalid until {@link #bind}). */
    public FlowObject() {
        super(null);
        this.m_instance = this;
    }

    /** Points this object at the frame's flow for one call; returns it. Allocation-free. */
    public FlowObject bind(FlowView flow) {
        // The same view every call in practice: a reference store only on a change, a flag per call.
        if (view != flow) {
            view = flow;
        }
        bound = true;
        return this;
    }

    /** Ends the call: the object is invalid until the next {@link #bind}. */
    public void release() {
        bound = false;
    }

    /** The flow at table entry {@code entry} ended: its {@code vars} go. */
    public void onFlowEnd(int entry) {
        vars.rawset(entry + 1, NIL);
    }

    /**
     * The table that holds every flow's {@code vars} of this script: give it to the script's state
     * ({@code ScriptState.keep}) so that it counts in the state's memory limit and empties on a reset.
     */
    public LuaTable varsTable() {
        return vars;
    }

    private FlowView view() {
        if (!bound) {
            throw new LuaError(EXPIRED);
        }
        return view;
    }

    @Override
    public String typename() {
        return "userdata";
    }

    @Override
    public LuaValue get(LuaValue key) {
        LuaValue index = FIELDS.rawget(key);
        if (index.isnil()) {
            return NIL;
        }
        FlowView v = view();
        return switch (index.toint()) {
            case ID -> LuaValue.valueOf((double) v.id());
            case PROTO -> protocolName(v.protocol());
            case PROTONUM -> LuaValue.valueOf(v.protocol());
            case FAMILY -> LuaValue.valueOf(v.family());
            case SRC -> endpointAddress(v, FlowView.ORIG);
            case DST -> endpointAddress(v, FlowView.REPLY);
            case SPORT -> LuaValue.valueOf(v.port(FlowView.ORIG));
            case DPORT -> LuaValue.valueOf(v.port(FlowView.REPLY));
            case DIR -> v.frameDirection() == FlowView.ORIG ? ORIG_NAME : REPLY_NAME;
            case STATE -> STATES[Math.clamp(v.state(), 0, 4)];
            case PACKETS -> number(v.packets(FlowView.ORIG) + v.packets(FlowView.REPLY));
            case BYTES -> number(v.bytes(FlowView.ORIG) + v.bytes(FlowView.REPLY));
            case PACKETS_ORIG -> number(v.packets(FlowView.ORIG));
            case PACKETS_REPLY -> number(v.packets(FlowView.REPLY));
            case BYTES_ORIG -> number(v.bytes(FlowView.ORIG));
            case BYTES_REPLY -> number(v.bytes(FlowView.REPLY));
            case FIRST -> LuaValue.valueOf(v.firstNs() / 1e9);
            case LAST -> LuaValue.valueOf(v.lastNs() / 1e9);
            case VARS -> vars(v);
            case BLOCK -> block;
            default -> pass;
        };
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
        throw new LuaError(
                "cannot assign to a flow's field '" + key.tojstring() + "' (keep your own data in flow.vars)");
    }

    @Override
    public LuaValue tostring() {
        return LuaString.valueOf(tojstring());
    }

    @Override
    public String tojstring() {
        FlowView v = view;
        if (!bound) {
            return "flow (expired)";
        }
        return "flow " + v.id() + " " + protocolName(v.protocol()).tojstring() + " "
                + endpoint(v, FlowView.ORIG) + " -> " + endpoint(v, FlowView.REPLY) + " "
                + STATES[Math.clamp(v.state(), 0, 4)].tojstring();
    }

    private static String endpoint(FlowView v, int direction) {
        String a = address(v, direction).tojstring();
        return (v.family() == 6 ? "[" + a + "]" : a) + ":" + v.port(direction);
    }

    private LuaValue vars(FlowView v) {
        int e = v.entry();
        if (varsId.length < v.capacity()) {
            varsId = Arrays.copyOf(varsId, v.capacity());
        }
        LuaValue t = vars.rawget(e + 1);
        if (t.isnil() || varsId[e] != v.id()) {
            t = new LuaTable();
            vars.rawset(e + 1, t);
            varsId[e] = v.id();
        }
        return t;
    }

    private static LuaValue number(long n) {
        return n <= Integer.MAX_VALUE ? LuaValue.valueOf((int) n) : LuaValue.valueOf((double) n);
    }

    /**
     * The protocol's name as scripts and listings show it: {@code tcp}, {@code udp}, {@code icmp}, {@code icmpv6},
     * {@code sctp}, {@code udplite}, else the number. Allocation-free for those six.
     */
    public static LuaValue protocolName(int protocol) {
        return switch (protocol) {
            case 6 -> TCP;
            case 17 -> UDP;
            case 1 -> ICMP;
            case 58 -> ICMPV6;
            case 132 -> SCTP;
            case 136 -> UDPLITE;
            default -> LuaValue.valueOf(Integer.toString(protocol));
        };
    }

    private LuaValue endpointAddress(FlowView v, int direction) {
        if (v.id() != addressesOf) {
            addressesOf = v.id();
            src = null;
            dst = null;
        }
        if (direction == FlowView.ORIG) {
            return src != null ? src : (src = address(v, direction));
        }
        return dst != null ? dst : (dst = address(v, direction));
    }

    /** The address of the side that sent in {@code direction}, as text (RFC 5952 for IPv6). */
    private static LuaValue address(FlowView v, int direction) {
        return NetAddresses.format(v.addressHi(direction), v.addressLo(direction), v.family());
    }

    /** {@code flow:block([reason])} and {@code flow:pass([reason])}. */
    private final class Decide extends VarArgFunction {
        private final int decision;

        Decide(String name, int decision) {
            this.name = name;
            this.decision = decision;
        }

        @Override
        public Varargs invoke(Varargs args) {
            if (args.arg1() != FlowObject.this) {
                throw new LuaError("bad self to '" + name + "' (call it as flow:" + name + "())");
            }
            LuaValue reason = args.arg(2);
            if (!reason.isnil() && !reason.isstring()) {
                throw new LuaError(
                        "bad argument #1 to '" + name + "' (string expected, got " + reason.typename() + ")");
            }
            view().decide(decision, reason.isnil() ? null : reason.checkstring());
            return NONE;
        }

        @Override
        public LuaValue call(LuaValue self) {
            return invoke(self).arg1();
        }

        @Override
        public LuaValue call(LuaValue self, LuaValue reason) {
            return invoke(LuaValue.varargsOf(self, reason)).arg1();
        }
    }
}
