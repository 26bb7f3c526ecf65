package io.npflua.lua.net;

import io.npflua.lua.core.ModuleLoader;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The Lua module {@code net}: addresses and prefixes (docs/lua-api.md, "Addresses and prefixes").
 * <pre>{@code
 * local lab = net.prefix('198.18.0.0/15')
 * local blocked = net.set{'192.0.2.0/24', '2001:db8:bad::/48'}
 * function filter(pkt)
 *   local flow = pkt:flow()
 *   return not (flow and blocked:contains(flow.src))
 * end
 * }</pre>
 * {@code net.prefix(text)}, {@code net.set{...}}, {@code net.address(text)} (canonical text, or nil and a message),
 * {@code net.family(text)} (4, 6 or nil). Nothing in the module has state; each state gets its own table.
 */
public final class NetModule implements ModuleLoader {
    /** The module's name, as scripts require it. */
    public static final String NAME = "net";

    @Override
    public LuaValue open(Globals globals, String scriptName) {
        LuaTable module = new LuaTable();
        module.rawset("prefix", new PrefixFunction());
        module.rawset("set", new SetFunction());
        module.rawset("address", new AddressFunction());
        module.rawset("family", new FamilyFunction());
        return module;
    }

    static LuaError argError(int arg, String function, String message) {
        return new LuaError("bad argument #" + arg + " to '" + function + "' (" + message + ")");
    }

    /** {@code invalid address '...': why}. */
    static String invalidAddress(AddressParser parser, LuaString s) {
        return "invalid address " + NetAddresses.quote(s.m_bytes, s.m_offset, s.m_length) + ": " + parser.error;
    }

    /** A prefix from a string (parsed) or a prefix (itself); raises for anything else, naming {@code function}. */
    private static NetPrefix prefix(LuaValue v, String function, String where) {
        if (v instanceof NetPrefix p) {
            return p;
        }
        if (!(v instanceof LuaString s)) {
            throw argError(1, function, where + "string or net prefix expected, got " + v.typename());
        }
        AddressParser parser = AddressParser.current();
        int family = parser.parsePrefix(s.m_bytes, s.m_offset, s.m_length);
        if (family == 0) {
            throw argError(1, function, where + NetPrefix.invalid(parser, s.m_bytes, s.m_offset, s.m_length));
        }
        return new NetPrefix(family, parser.hi, parser.lo, parser.length);
    }

    /** {@code net.prefix(text)}: a prefix; raises {@code bad argument #1 to 'prefix' (invalid prefix '...': ...)}. */
    private static final class PrefixFunction extends OneArgFunction {
        PrefixFunction() {
            this.name = "prefix";
        }

        @Override
        public LuaValue call(LuaValue text) {
            return prefix(text, "prefix", "");
        }
    }

    /** {@code net.set{prefix, ...}}: the array part of a table of prefix strings or prefixes. */
    private static final class SetFunction extends OneArgFunction {
        SetFunction() {
            this.name = "set";
        }

        @Override
        public LuaValue call(LuaValue items) {
            if (!(items instanceof LuaTable t)) {
                throw argError(1, "set", "table of prefixes expected, got " + items.typename());
            }
            int n = t.rawlen();
            if (n > NetSet.MAX_PREFIXES) {
                throw argError(1, "set", "at most " + NetSet.MAX_PREFIXES + " prefixes, got " + n);
            }
            List<NetPrefix> prefixes = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                prefixes.add(prefix(t.rawget(i), "set", "item " + i + ": "));
            }
            return NetSet.of(prefixes);
        }
    }

    /** {@code net.address(text)}: the canonical text, or nil and {@code invalid address '...': why}. */
    private static final class AddressFunction extends VarArgFunction {
        AddressFunction() {
            this.name = "address";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue v = args.arg1();
            if (!(v instanceof LuaString s)) {
                throw argError(1, "address", "string expected, got " + (args.narg() == 0 ? "no value" : v.typename()));
            }
            AddressParser parser = AddressParser.current();
            int version = parser.parseAddress(s.m_bytes, s.m_offset, s.m_length);
            if (version == 0) {
                return varargsOf(NIL, valueOf(invalidAddress(parser, s)));
            }
            return NetAddresses.format(parser.hi, parser.lo, version);
        }
    }

    /** {@code net.family(x)}: 4 or 6 for an address string, nil for anything else (never raises). */
    private static final class FamilyFunction extends OneArgFunction {
        FamilyFunction() {
            this.name = "family";
        }

        @Override
        public LuaValue call(LuaValue v) {
            if (!(v instanceof LuaString s)) {
                return NIL;
            }
            int version = AddressParser.current().parseAddress(s.m_bytes, s.m_offset, s.m_length);
            return version == 0 ? NIL : valueOf(version);
        }
    }
}
