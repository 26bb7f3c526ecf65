package io.npflua.lua.string;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Installs npflua's Lua 5.4 {@code string} library into LuaJ states.
 *
 * <p>LuaJ keeps the string metatable in one JVM-wide static ({@code LuaString.s_metatable}), so {@code s:upper()}
 * resolves through the same table in every state. {@link #install(Globals)} pins there a read-only metatable whose
 * read-only {@code __index} table holds our functions, and gives each state its own mutable {@code string} table
 * (holding the same stateless function objects). A script can therefore replace {@code string.upper} for itself,
 * but neither {@code getmetatable('').__index.upper = f} nor {@code getmetatable('').__index = t} succeeds: both
 * raise an error, and no state can change string methods for another.
 *
 * <p>Thread-safe and idempotent: install before worker threads start (thread start publishes the static field);
 * later calls only add the library to another {@link Globals}.
 */
public final class LuaStrings {
    /** Largest string that {@code rep}, {@code format}, {@code pack} and {@code gsub} build: 16 MiB. */
    public static final int MAX_STRING_BYTES = 16 << 20;

    private static final LuaTable SHARED_INDEX;
    private static final LuaTable SHARED_METATABLE;

    static {
        ReadOnlyTable index = new ReadOnlyTable("the string methods table (getmetatable('').__index)");
        StringFunctions.fill(index);
        SHARED_INDEX = index.freeze();
        ReadOnlyTable meta = new ReadOnlyTable("the string metatable");
        meta.rawset(LuaValue.INDEX, SHARED_INDEX);
        SHARED_METATABLE = meta.freeze();
    }

    private LuaStrings() {}

    /** A fresh, mutable {@code string} table for one state, holding our (shared, stateless) functions. */
    public static LuaTable newStringTable() {
        LuaTable t = new LuaTable();
        StringFunctions.fill(t);
        return t;
    }

    /** Points LuaJ's JVM-wide string metatable at our read-only one. Idempotent and thread-safe. */
    public static synchronized void pinStringMetatable() {
        if (LuaString.s_metatable != SHARED_METATABLE) {
            LuaString.s_metatable = SHARED_METATABLE;
        }
    }

    /** The read-only table that {@code s:method()} resolves through, for tests and diagnostics. */
    public static LuaTable sharedMethods() {
        return SHARED_INDEX;
    }

    /**
     * Installs the library into {@code g}: {@code string} (and {@code package.loaded.string} when a package
     * library is present) becomes a fresh table of our functions, the shared string metatable is pinned, and
     * {@code tostring} (thus {@code print}) converts numbers as Lua does ({@code 0.1}, not LuaJ's
     * {@code 0.10000000149011612}-prone float printing), delegating every other value to the previous
     * {@code tostring}. Idempotent.
     */
    public static void install(Globals g) {
        pinStringMetatable();
        LuaTable string = newStringTable();
        g.set("string", string);
        LuaValue pkg = g.get("package");
        if (pkg.istable() && pkg.get("loaded").istable()) {
            pkg.get("loaded").set("string", string);
        }
        LuaValue previous = g.get("tostring");
        if (!(previous instanceof NumberAwareToString)) {
            g.set("tostring", new NumberAwareToString(previous));
        }
    }

    /** {@code tostring} that prints numbers with Lua's rules and delegates other values. */
    private static final class NumberAwareToString extends VarArgFunction {
        private final LuaValue delegate;

        NumberAwareToString(LuaValue delegate) {
            this.delegate = delegate;
            this.name = "tostring";
        }

        @Override
        public LuaValue call(LuaValue v) {
            if (v.type() == LuaValue.TNUMBER) {
                return LuaNumbers.toLuaString(v.todouble());
            }
            if (delegate.isfunction()) {
                return delegate.call(v);
            }
            return StringFormat.toLuaString(v);
        }

        @Override
        public Varargs invoke(Varargs args) {
            if (args.narg() == 0) {
                throw LuaArgs.argError(1, "tostring", "value expected");
            }
            return call(args.arg1());
        }
    }
}
