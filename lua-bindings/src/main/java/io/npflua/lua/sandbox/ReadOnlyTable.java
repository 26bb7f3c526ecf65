package io.npflua.lua.sandbox;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A Lua table that scripts cannot change: every write (assignment, {@code rawset}, {@code table.insert},
 * {@code setmetatable}) raises a Lua error naming the table. Used for tables shared by all states of the JVM
 * (the string methods behind {@code s:upper()}), where one script's change would reach every other script.
 */
public final class ReadOnlyTable extends LuaTable {
    private final String what;
    private boolean sealed;

    /**
     * A read-only copy of {@code source}'s key/value pairs (shallow: nested tables are copied as references).
     *
     * @param what how error messages name the table, e.g. "the string library"
     */
    public ReadOnlyTable(String what, LuaTable source) {
        this.what = what;
        LuaValue k = LuaValue.NIL;
        while (true) {
            org.luaj.vm2.Varargs n = source.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            super.rawset(k, n.arg(2));
        }
        sealed = true;
    }

    private LuaError refuse() {
        return new LuaError(what + " is read-only in the npflua sandbox");
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        if (sealed) {
            throw refuse();
        }
        super.rawset(key, value);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        if (sealed) {
            throw refuse();
        }
        super.rawset(key, value);
    }

    @Override
    public void hashset(LuaValue key, LuaValue value) {
        if (sealed) {
            throw refuse();
        }
        super.hashset(key, value);
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
        throw refuse();
    }

    @Override
    public void set(int key, LuaValue value) {
        throw refuse();
    }

    @Override
    public void insert(int pos, LuaValue value) {
        throw refuse();
    }

    @Override
    public LuaValue remove(int pos) {
        throw refuse();
    }

    @Override
    public void sort(LuaValue comparator) {
        throw refuse();
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        if (sealed) {
            throw refuse();
        }
        return super.setmetatable(metatable);
    }
}
