package io.npflua.lua.shared;

import io.npflua.lua.core.ModuleLoader;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.TwoArgFunction;

/**
 * The Lua module {@code shared}: {@code shared.table(name [, {ttl = seconds, max = entries}])} returns a handle to
 * the named table of a {@link SharedTables} registry, the same table for every state and worker.
 * <pre>{@code
 * local knocks = shared.table('knocks', {ttl = 10})
 * function filter(pkt)
 *   local n = knocks:incr(tostring(pkt:ip().src))
 *   return n <= 3
 * end
 * }</pre>
 */
public final class SharedModule implements ModuleLoader {
    /** The module's name, as scripts require it. */
    public static final String NAME = "shared";

    private final SharedTables tables;

    /** The module over {@code tables} ({@link SharedTables#global()} in the engine). */
    public SharedModule(SharedTables tables) {
        this.tables = tables;
    }

    @Override
    public LuaValue open(Globals globals, String scriptName) {
        LuaTable module = new LuaTable();
        module.rawset("table", new TableFunction(tables));
        return module;
    }

    private static final class TableFunction extends TwoArgFunction {
        private final SharedTables tables;

        TableFunction(SharedTables tables) {
            this.tables = tables;
        }

        @Override
        public LuaValue call(LuaValue nameArg, LuaValue options) {
            String name = nameArg.checkjstring();
            if (name.isEmpty() || name.length() > 128) {
                throw new LuaError("shared.table: the name must be 1 to 128 characters");
            }
            long ttlNs = 0;
            int max = SharedTables.DEFAULT_MAX_ENTRIES;
            if (!options.isnil()) {
                LuaTable opts = options.checktable();
                LuaValue ttl = opts.rawget("ttl");
                if (!ttl.isnil()) {
                    ttlNs = SharedTableHandle.ttlToNs(ttl, "shared.table: ttl");
                }
                LuaValue maxValue = opts.rawget("max");
                if (!maxValue.isnil()) {
                    double m = maxValue.checkdouble();
                    if (m < 1 || m > SharedTables.DEFAULT_MAX_ENTRIES || m != Math.floor(m)) {
                        throw new LuaError("shared.table: max must be an integer from 1 to "
                                + SharedTables.DEFAULT_MAX_ENTRIES + ", got " + maxValue.tojstring());
                    }
                    max = (int) m;
                }
            }
            try {
                return new SharedTableHandle(tables.table(name, ttlNs, max));
            } catch (IllegalArgumentException e) {
                throw new LuaError("shared.table: " + e.getMessage());
            }
        }
    }
}
