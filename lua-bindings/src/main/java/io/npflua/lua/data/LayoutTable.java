package io.npflua.lua.data;

import io.npflua.lua.string.NameTable;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A layout table made by the library ({@code data.layout}'s result, {@code data.layouts.*}, the header views'
 * layouts): an ordinary Lua table to scripts, whose string keys are also mirrored in a {@link NameTable} so that
 * {@code d.field} costs an array probe instead of LuaJ's chained hash lookup.
 *
 * <p>The mirror is exact: every write to the table drops it, and the next read rebuilds it (once; that allocates).
 * A script that edits its layout table therefore sees its edits, as with any table.
 */
final class LayoutTable extends LuaTable {
    private NameTable names;

    /** Allocation-free while the table is not written to. */
    @Override
    public LuaValue rawget(LuaValue key) {
        if (key instanceof LuaString) {
            NameTable n = names;
            if (n == null) {
                names = n = NameTable.of(this);
            }
            return n.get(key);
        }
        return super.rawget(key);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        names = null;
        super.rawset(key, value);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        names = null;
        super.rawset(key, value);
    }

    @Override
    public void hashset(LuaValue key, LuaValue value) {
        names = null;
        super.hashset(key, value);
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
        names = null;
        super.set(key, value);
    }

    @Override
    public void set(int key, LuaValue value) {
        names = null;
        super.set(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        names = null;
        return super.setmetatable(metatable);
    }
}
