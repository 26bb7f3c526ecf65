package io.npflua.lua.data;

import java.lang.foreign.ValueLayout;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.TwoArgFunction;

/**
 * The {@code data} module (luadata's API over {@link java.lang.foreign.MemorySegment}):
 * {@code data.new}, {@code data.layout} and {@code data.layouts} (the predefined protocol layouts).
 *
 * <p>{@link #newModule()} builds a fresh module table for one Lua state; nothing in it is shared with another state.
 * As a LuaJ library, {@code globals.load(new DataLib())} sets the global {@code data} and
 * {@code package.loaded.data}, so that {@code require 'data'} finds it.
 */
public final class DataLib extends TwoArgFunction {
    /** A fresh {@code data} module table: {@code new}, {@code layout}, {@code layouts}. */
    public static LuaTable newModule() {
        LuaTable m = new LuaTable();
        m.rawset("new", new New());
        m.rawset("layout", new Compile());
        m.rawset("layouts", Layouts.newLayoutsTable());
        return m;
    }

    /** Installs the module as global {@code data} and in {@code package.loaded} (when a package library exists). */
    @Override
    public LuaValue call(LuaValue modname, LuaValue env) {
        LuaTable m = newModule();
        env.set("data", m);
        LuaValue pkg = env.get("package");
        if (pkg.istable()) {
            LuaValue loaded = pkg.get("loaded");
            if (loaded.istable()) {
                loaded.set("data", m);
            }
        }
        return m;
    }

    /** {@code data.new(n | {bytes} | "bytes")}: a new zero-filled / initialised object, or nil (zero length,
     * unsupported argument). */
    static final class New extends OneArgFunction {
        New() {
            this.name = "new";
        }

        @Override
        public LuaValue call(LuaValue arg) {
            if (arg instanceof LuaString s) {
                if (s.m_length == 0) {
                    return NIL;
                }
                checkSize(s.m_length);
                byte[] b = new byte[s.m_length];
                System.arraycopy(s.m_bytes, s.m_offset, b, 0, b.length);
                return DataObject.owning(b);
            }
            if (arg.isnumber()) {
                double n = Math.floor(arg.todouble());
                if (!(n > 0)) {
                    return NIL;
                }
                checkSize(n);
                return DataObject.allocate((int) n);
            }
            if (arg.istable()) {
                LuaTable t = (LuaTable) arg;
                int n = t.rawlen();
                if (n == 0) {
                    return NIL;
                }
                checkSize(n);
                DataObject d = DataObject.allocate(n);
                for (int i = 0; i < n; i++) {
                    LuaValue v = t.rawget(i + 1);
                    long x = v.isnumber() ? (long) v.todouble() : 0;
                    d.seg.set(ValueLayout.JAVA_BYTE, i, (byte) x);
                }
                return d;
            }
            return NIL;
        }

        private static void checkSize(double n) {
            if (n > DataObject.MAX_OWNED_BYTES) {
                throw new LuaError("data.new: " + (long) n + " bytes exceed the limit of " + DataObject.MAX_OWNED_BYTES
                        + " bytes");
            }
        }
    }

    /** {@code data.layout(t)}: compiles {@code t} in place and returns a compiled copy ({@link LayoutTable}); nil for a
     * non-table. */
    static final class Compile extends OneArgFunction {
        Compile() {
            this.name = "layout";
        }

        @Override
        public LuaValue call(LuaValue t) {
            return t.istable() ? Layouts.copy(Layouts.compile((LuaTable) t)) : NIL;
        }
    }
}
