package io.npflua.lua.shared;

import io.npflua.lua.string.CanonicalStrings;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * A state's handle on a {@link SharedTable}: {@code t[k]}, {@code t[k] = v}, {@code t[k] = nil}, {@code #t},
 * and the methods {@code t:get(k)}, {@code t:set(k, v [, ttl])}, {@code t:delete(k)},
 * {@code t:incr(k [, n [, ttl]])}, {@code t:count()}. Method names win over keys of the same name with
 * {@code t.name} syntax; use {@code t:get('count')} for such keys.
 *
 * <p>Keys are strings (numbers are accepted and use their string form, so {@code t[1]} and {@code t['1']} are one
 * key). Values are strings, numbers or booleans; values are copied in and out, never shared as Lua objects.
 */
final class SharedTableHandle extends LuaUserdata {
    private static final LuaTable METHODS = new LuaTable();

    static {
        METHODS.rawset(CanonicalStrings.of("get"), new Method() {
            @Override
            Varargs run(SharedTableHandle t, Varargs args) {
                return t.read(args.arg(2));
            }
        });
        METHODS.rawset(CanonicalStrings.of("set"), new Method() {
            @Override
            Varargs run(SharedTableHandle t, Varargs args) {
                LuaValue ttl = args.arg(4);
                t.write(args.arg(2), args.arg(3), ttl.isnil() ? -1 : ttlToNs(ttl, "set: ttl"));
                return NONE;
            }
        });
        METHODS.rawset(CanonicalStrings.of("delete"), new Method() {
            @Override
            Varargs run(SharedTableHandle t, Varargs args) {
                t.table.remove(t.key(args.arg(2)));
                return NONE;
            }
        });
        METHODS.rawset(CanonicalStrings.of("incr"), new Method() {
            @Override
            Varargs run(SharedTableHandle t, Varargs args) {
                double n = args.optdouble(3, 1);
                LuaValue ttl = args.arg(4);
                return valueOf(t.table.increment(t.key(args.arg(2)), n, ttl.isnil() ? -1 : ttlToNs(ttl, "incr: ttl")));
            }
        });
        METHODS.rawset(CanonicalStrings.of("count"), new Method() {
            @Override
            Varargs run(SharedTableHandle t, Varargs args) {
                return valueOf(t.table.count());
            }
        });
    }

    private final SharedTable table;

    SharedTableHandle(SharedTable table) {
        super(table);
        this.table = table;
    }

    @Override
    public LuaValue get(LuaValue key) {
        if (key instanceof LuaString) {
            LuaValue m = METHODS.rawget(key);
            if (!m.isnil()) {
                return m;
            }
        }
        return read(key);
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
        write(key, value, -1);
    }

    @Override
    public LuaValue len() {
        return valueOf(table.count());
    }

    @Override
    public int length() {
        return table.count();
    }

    @Override
    public String tojstring() {
        return table.toString();
    }

    private LuaValue read(LuaValue key) {
        Object v = table.get(key(key));
        if (v == null) {
            return NIL;
        }
        if (v instanceof byte[] b) {
            return LuaString.valueOf(b.clone());
        }
        if (v instanceof Double d) {
            return valueOf(d);
        }
        return valueOf((Boolean) v);
    }

    private void write(LuaValue key, LuaValue value, long ttlNs) {
        String k = key(key);
        switch (value.type()) {
            case TNIL -> table.remove(k);
            case TBOOLEAN -> table.put(k, value.toboolean(), ttlNs);
            case TNUMBER -> table.put(k, value.todouble(), ttlNs);
            case TSTRING -> {
                LuaString s = value.checkstring();
                if (s.m_length > SharedTables.MAX_VALUE_BYTES) {
                    throw new LuaError(table + ": string values are limited to " + SharedTables.MAX_VALUE_BYTES
                            + " bytes, got " + s.m_length);
                }
                byte[] copy = new byte[s.m_length];
                s.copyInto(0, copy, 0, copy.length);
                table.put(k, copy, ttlNs);
            }
            default ->
                throw new LuaError(table + ": values must be strings, numbers or booleans, got " + value.typename());
        }
    }

    private String key(LuaValue key) {
        int type = key.type();
        if (type != TSTRING && type != TNUMBER) {
            throw new LuaError(table + ": keys must be strings (or numbers, used as strings), got " + key.typename());
        }
        LuaString s = key.checkstring();
        if (s.m_length > SharedTables.MAX_KEY_BYTES) {
            throw new LuaError(table + ": keys are limited to " + SharedTables.MAX_KEY_BYTES + " bytes");
        }
        // ISO-8859-1 maps each byte to one char: any byte string is a distinct, reversible key.
        return new String(s.m_bytes, s.m_offset, s.m_length, StandardCharsets.ISO_8859_1);
    }

    static long ttlToNs(LuaValue ttl, String what) {
        double seconds = ttl.checkdouble();
        if (!(seconds >= 0) || seconds > 365 * 86400.0) {
            throw new LuaError(what + " must be from 0 to one year, in seconds, got " + ttl.tojstring());
        }
        return (long) (seconds * 1e9);
    }

    /** A method called as {@code t:name(...)}: checks that {@code t} is a shared table handle. */
    private abstract static class Method extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            if (!(args.arg1() instanceof SharedTableHandle t)) {
                throw new LuaError("shared table methods must be called with ':' on a shared table, e.g. t:get(k)");
            }
            return run(t, args);
        }

        abstract Varargs run(SharedTableHandle t, Varargs args);
    }
}
