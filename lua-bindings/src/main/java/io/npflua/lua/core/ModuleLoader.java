package io.npflua.lua.core;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;

/** Creates one project module (e.g. {@code data}, {@code shared}) for one sandboxed state. */
@FunctionalInterface
public interface ModuleLoader {
    /**
     * Opens the module in a new state. Called once per state, while the state is created, on the creating thread.
     *
     * @param globals    the state's globals (for modules that need them; do not expose them to scripts)
     * @param scriptName the name of the script the state runs
     * @return the module's value (usually a table of functions), what {@code require 'name'} returns; a table must
     *         be new for this state: its string keys are re-keyed to the library's canonical string instances when
     *         the state is created
     */
    LuaValue open(Globals globals, String scriptName);
}
