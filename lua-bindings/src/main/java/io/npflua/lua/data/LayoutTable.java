package io.npflua.lua.data;

import io.npflua.lua.string.NameMirror;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A layout table made by the library ({@code data.layout}'s result, {@code data.layouts.*}, the header views'
 * layouts): an ordinary Lua table to scripts, whose names are mirrored ({@link NameMirror}) so that {@code d.field}
 * costs an array probe instead of LuaJ's chained hash lookup. Edits by scripts are seen on the next read.
 */
final class LayoutTable extends LuaTable {
    private final NameMirror mirror = new NameMirror();
    /** Writes of any key and metatable changes so far: the version that inline caches of field names check. */
    int writes;

    /** Whether the stamp was set when last looked up, and {@link #writes} at that time. */
    private boolean stampSeen;

    private int stampedAt;

    /**
     * True when the table carries the compiled-layout stamp: one compare while nothing was written since it was last
     * seen (a script can remove the stamp only by a write, which moves {@link #writes}). {@code d:layout(t)} with a
     * compiled table costs this instead of a name lookup per call.
     */
    boolean stamped() {
        if (stampSeen && stampedAt == writes) {
            return true;
        }
        boolean set = rawget(Layouts.STAMP).toboolean();
        stampSeen = set;
        stampedAt = writes;
        return set;
    }

    /** Builds the mirror now: for the JVM-wide header layouts, published by class initialisation, never written. */
    LayoutTable prime() {
        mirror.prime(this);
        return this;
    }

    /** Allocation-free while the table's set of names does not change. */
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
        writes++;
    }

    @Override
    public void hashset(LuaValue key, LuaValue value) {
        super.hashset(key, value);
        mirror.written(key, value);
        writes++;
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        mirror.stop();
        writes++;
        return super.setmetatable(metatable);
    }

    /** True while names may be cached: no metatable (weak keys or values could vanish without a write). */
    boolean cacheable() {
        return m_metatable == null;
    }
}
