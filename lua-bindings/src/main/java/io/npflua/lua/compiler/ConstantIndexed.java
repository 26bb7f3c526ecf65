package io.npflua.lua.compiler;

import org.luaj.vm2.LuaValue;

/**
 * A value whose reads and writes by a constant string name can be served by an {@link IndexCache} kept at the site
 * (a data object: the name resolves to a layout field or a method through its layout table, the same for every
 * packet). Both methods must behave exactly as {@code get(key)} and {@code set(key, value)} do.
 */
public interface ConstantIndexed {
    /** {@code this[key]} for a string constant {@code key}, using and updating {@code cache}. */
    LuaValue indexConstant(LuaValue key, IndexCache cache);

    /** {@code this[key] = value} for a string constant {@code key}, using and updating {@code cache}. */
    void assignConstant(LuaValue key, LuaValue value, IndexCache cache);
}
