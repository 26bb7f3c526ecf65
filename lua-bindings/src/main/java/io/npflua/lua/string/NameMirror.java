package io.npflua.lua.string;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Keeps a {@link NameTable} copy of the string keys of one mutable Lua table (a state's globals, a layout table), so
 * that reads by name cost an array probe instead of LuaJ's chained hash lookup. The owning table subclass calls
 * {@link #get} from {@code rawget} and {@link #written} from every write.
 *
 * <p>Exact: a write to a name already present updates the copy in place (no rebuild, no allocation for a
 * script that updates its own globals every packet); a write of a new name drops the copy, and reads go to the table itself until enough of
 * them have happened to pay for a rebuild ({@value #READS_PER_REBUILD} per rebuild), so a table that keeps growing
 * never rebuilds per packet. A metatable on the table (weak keys or values could vanish) ends mirroring for good.
 * One thread only: the thread that owns the Lua state.
 */
public final class NameMirror {
    /** Reads served by the table itself before a dropped copy is rebuilt. */
    static final int READS_PER_REBUILD = 64;

    private NameTable names;
    private int staleReads;
    private boolean off;

    /** The value of string key {@code key} in {@code owner}, or null when the caller must read the table itself. */
    public LuaValue get(LuaTable owner, LuaString key) {
        NameTable n = names;
        if (n != null) {
            return n.get(key);
        }
        if (off || ++staleReads < READS_PER_REBUILD) {
            return null;
        }
        staleReads = 0;
        names = n = NameTable.of(owner);
        return n.get(key);
    }

    /** Builds the copy now (instead of after the first reads). */
    public void prime(LuaTable owner) {
        if (!off) {
            names = NameTable.of(owner);
        }
    }

    /** Records a write of {@code value} under {@code key} (after the table has it). Allocation-free. */
    public void written(LuaValue key, LuaValue value) {
        NameTable n = names;
        if (n != null && key instanceof LuaString s && !n.replace(s, value)) {
            names = null;
        }
    }

    /** Stops mirroring (the table got a metatable). */
    public void stop() {
        off = true;
        names = null;
    }
}
