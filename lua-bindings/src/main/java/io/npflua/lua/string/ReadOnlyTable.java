package io.npflua.lua.string;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A Lua table that refuses every write once {@link #freeze()} was called: the JVM-wide string metatable and its
 * {@code __index} table, which every Lua state shares, so that no script can change string methods for another.
 */
final class ReadOnlyTable extends LuaTable {
    private final String what;
    private boolean frozen;

    ReadOnlyTable(String what) {
        this.what = what;
    }

    ReadOnlyTable freeze() {
        frozen = true;
        names = NameTable.of(this);
        return this;
    }

    /** Once frozen, string keys are looked up here ({@code s:match} goes through two of these tables). */
    private NameTable names;

    /** Allocation-free. */
    @Override
    public LuaValue rawget(LuaValue key) {
        NameTable n = names;
        if (n != null && key instanceof LuaString) {
            return n.get(key);
        }
        return super.rawget(key);
    }

    private void refuse() {
        if (frozen) {
            throw new LuaError(what + " is shared by all Lua states and read-only"
                    + "; change this state's 'string' table instead");
        }
    }

    @Override
    public void set(int key, LuaValue value) {
        refuse();
        super.set(key, value);
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
        refuse();
        super.set(key, value);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        refuse();
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        refuse();
        super.rawset(key, value);
    }

    @Override
    public void hashset(LuaValue key, LuaValue value) {
        refuse();
        super.hashset(key, value);
    }

    @Override
    public void insert(int pos, LuaValue value) {
        refuse();
        super.insert(pos, value);
    }

    @Override
    public LuaValue remove(int pos) {
        refuse();
        return super.remove(pos);
    }

    @Override
    public void sort(LuaValue comparator) {
        refuse();
        super.sort(comparator);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        refuse();
        return super.setmetatable(metatable);
    }
}
