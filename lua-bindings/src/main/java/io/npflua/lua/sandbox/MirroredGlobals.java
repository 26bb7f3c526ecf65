package io.npflua.lua.sandbox;

import io.npflua.lua.string.NameMirror;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * The globals table of a sandboxed state, with its names mirrored ({@link NameMirror}): every global a script reads
 * ({@code tostring}, {@code string}, its own counters) is an array probe instead of LuaJ's chained hash lookup.
 * Behaves as LuaJ's {@link Globals} in every other way.
 */
final class MirroredGlobals extends Globals {
    private final NameMirror mirror = new NameMirror();

    /** Allocation-free while the set of global names does not change. */
    @Override
    public LuaValue rawget(LuaValue key) {
        if (key instanceof LuaString s) {
            LuaValue v = mirror.get(this, s);
            if (v != null) {
                return v;
            }
        }
        return super.rawget(key);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        super.rawset(key, value);
        mirror.written(key, value);
    }

    @Override
    public void hashset(LuaValue key, LuaValue value) {
        super.hashset(key, value);
        mirror.written(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        mirror.stop();
        return super.setmetatable(metatable);
    }
}
