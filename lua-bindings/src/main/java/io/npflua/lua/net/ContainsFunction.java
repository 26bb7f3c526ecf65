package io.npflua.lua.net;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.TwoArgFunction;

/**
 * The method {@code x:contains(address or prefix)} of prefixes and sets. An address string is parsed in place from
 * the Lua string's bytes (no Java string); a malformed one raises an error.
 */
final class ContainsFunction extends TwoArgFunction {
    private final String kind;
    private final String variable;

    /** {@code kind} ({@code net prefix}) and {@code variable} ({@code p}) word the errors. */
    ContainsFunction(String kind, String variable) {
        this.kind = kind;
        this.variable = variable;
        this.name = "contains";
    }

    /** One call from Lua; allocates nothing (the result is one of LuaJ's two booleans). */
    @Override
    public LuaValue call(LuaValue self, LuaValue x) {
        if (!(self instanceof AddressMatcher m)) {
            throw new LuaError("bad argument #1 to 'contains' (" + kind + " expected, got " + self.typename()
                    + "; call it as " + variable + ":contains(address))");
        }
        if (x instanceof LuaString s) {
            AddressParser parser = AddressParser.current();
            int version = parser.parseAddress(s.m_bytes, s.m_offset, s.m_length);
            if (version == 0) {
                throw NetModule.argError(1, "contains", NetModule.invalidAddress(parser, s));
            }
            return valueOf(m.contains(parser.hi, parser.lo, version));
        }
        if (x instanceof NetPrefix p) {
            return valueOf(m.contains(p));
        }
        throw NetModule.argError(1, "contains", "address string or net prefix expected, got " + x.typename());
    }
}
