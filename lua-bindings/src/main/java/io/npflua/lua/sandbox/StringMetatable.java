package io.npflua.lua.sandbox;

import io.npflua.lua.string.LuaStrings;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * The one place that decides which string library every sandboxed state sees: npflua's own Lua 5.4 library
 * ({@link LuaStrings}).
 *
 * <p>In LuaJ the metatable of all strings ({@code LuaString.s_metatable}, which makes {@code s:upper()} work) is a
 * single JVM-wide static. {@link LuaStrings} pins a <em>read-only</em> metatable there whose {@code __index} is a
 * read-only table of the string functions; each state gets its own mutable {@code string} table holding the same
 * stateless functions ({@link #newStateTable()}). So {@code string.upper = nil} changes only that script's own
 * table, and {@code getmetatable('').__index.upper = nil} raises an error: no script can change string methods for
 * another.
 */
public final class StringMetatable {
    private StringMetatable() {}

    /** A fresh {@code string} table for one state (ours, without {@code dump}). */
    public static LuaTable newStateTable() {
        LuaTable t = LuaStrings.newStringTable();
        t.rawset("dump", LuaValue.NIL);
        return t;
    }

    /**
     * Re-asserts the pinned metatable (a stock LuaJ {@code Globals} created by other code may have replaced it).
     * Called whenever a state is created.
     */
    public static void pin() {
        LuaStrings.pinStringMetatable();
    }

    /** The pinned string metatable (what {@code getmetatable('')} returns). */
    public static LuaValue metatable() {
        pin();
        return LuaString.s_metatable;
    }

    /** The read-only table that {@code s:method()} resolves through. */
    public static LuaTable functions() {
        return LuaStrings.sharedMethods();
    }
}
