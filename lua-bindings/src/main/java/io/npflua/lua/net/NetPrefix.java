package io.npflua.lua.net;

import io.npflua.lua.string.CanonicalStrings;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;

/**
 * An IP prefix (network address and length), immutable: {@code net.prefix('198.18.0.0/15')} in Lua, with
 * {@code p:contains(address or prefix)}, {@code p.family}, {@code p.length} and {@code tostring(p)}. Java code (the
 * engine's flow object) tests an address held as two halves with {@link #contains(long, long, int)}, no text
 * involved. Thread-safe.
 */
public final class NetPrefix extends LuaUserdata implements AddressMatcher {
    private static final LuaString FAMILY = CanonicalStrings.of("family");
    private static final LuaString LENGTH = CanonicalStrings.of("length");
    private static final LuaString CONTAINS = CanonicalStrings.of("contains");
    private static final LuaValue CONTAINS_METHOD = new ContainsFunction("net prefix", "p");
    private static final Object INSTANCE = "net prefix";

    private final int family;
    private final int length;
    private final long hi;
    private final long lo;
    private final long maskHi;
    private final long maskLo;

    NetPrefix(int family, long hi, long lo, int length) {
        super(INSTANCE);
        this.family = family;
        this.length = length;
        this.maskHi = family == 4 ? 0 : AddressParser.maskHi(length);
        this.maskLo = family == 4 ? AddressParser.maskV4(length) : AddressParser.maskLo(length);
        this.hi = hi & maskHi;
        this.lo = lo & maskLo;
    }

    /**
     * Parses {@code text} as {@code net.prefix} does (a bare address is a host prefix).
     *
     * @throws IllegalArgumentException {@code invalid prefix '10.1.2.3/8': host bits set, ...}
     */
    public static NetPrefix of(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        AddressParser parser = AddressParser.current();
        int family = parser.parsePrefix(b, 0, b.length);
        if (family == 0) {
            throw new IllegalArgumentException(invalid(parser, b, 0, b.length));
        }
        return new NetPrefix(family, parser.hi, parser.lo, parser.length);
    }

    /** The message for a failed {@link AddressParser#parsePrefix}. */
    static String invalid(AddressParser parser, byte[] b, int off, int len) {
        String message = "invalid prefix " + NetAddresses.quote(b, off, len) + ": " + parser.error;
        if (parser.error.equals(AddressParser.HOST_BITS)) {
            // Say which network was probably meant; parsePrefix left the address and length in the parser.
            NetPrefix network = new NetPrefix(parser.family, parser.hi, parser.lo, parser.length);
            message += " (the network is " + network.tojstring() + ")";
        }
        return message;
    }

    /** 4 or 6. */
    public int family() {
        return family;
    }

    /** The prefix length: 0–32 for IPv4, 0–128 for IPv6. */
    public int length() {
        return length;
    }

    /**
     * Whether the address is in this prefix; an address of the other family never is. Allocates nothing.
     *
     * @param hi      bytes 0–7 of an IPv6 address (0 for IPv4)
     * @param lo      bytes 8–15 of an IPv6 address, or the IPv4 address in the low 32 bits
     * @param version 4 or 6
     */
    @Override
    public boolean contains(long hi, long lo, int version) {
        return version == family && ((hi ^ this.hi) & maskHi) == 0 && ((lo ^ this.lo) & maskLo) == 0;
    }

    /** Whether every address of {@code other} is in this prefix. */
    @Override
    public boolean contains(NetPrefix other) {
        return other.length >= length && contains(other.hi, other.lo, other.family);
    }

    long hi() {
        return hi;
    }

    long lo() {
        return lo;
    }

    /** The last address of the prefix, high half. */
    long lastHi() {
        return hi | ~maskHi & (family == 4 ? 0 : -1L);
    }

    /** The last address of the prefix, low half. */
    long lastLo() {
        return lo | ~maskLo & (family == 4 ? 0xffff_ffffL : -1L);
    }

    @Override
    public LuaValue get(LuaValue key) {
        if (key == CONTAINS || key.raweq(CONTAINS)) {
            return CONTAINS_METHOD;
        }
        if (key == FAMILY || key.raweq(FAMILY)) {
            return valueOf(family);
        }
        if (key == LENGTH || key.raweq(LENGTH)) {
            return valueOf(length);
        }
        return NIL;
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
        throw new LuaError("a net prefix is immutable (tried to set '" + key.tojstring() + "')");
    }

    @Override
    public String tojstring() {
        return NetAddresses.toString(hi, lo, family) + "/" + length;
    }
}
