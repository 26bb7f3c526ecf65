package io.npflua.lua.compiler;

import org.luaj.vm2.LuaString;

/**
 * A value whose {@code tostring} is a copy of its bytes and whose methods {@code match} and {@code find}, and whose
 * length ({@code #}), give exactly what the string methods of that copy give (a packet or a view of it). Compiled code may then run
 * {@code tostring(v):match(p)} as {@code v:match(p)}: the same answer without the copy. Only while
 * {@link #inPlaceValid()} holds, and only where the copy could not be observed otherwise (see
 * {@code FunctionCompiler}).
 */
public interface InPlaceString {
    /** True while {@code tostring(this)} would return the bytes (not an expired marker or an error). */
    boolean inPlaceValid();

    /**
     * True while {@link #inPlaceValid()} holds and the bytes cannot change until the end of the current call (a
     * read-only frame or a view of one): then {@code #this} is the copy's length and {@link #inPlaceEquals} its
     * equality, for as long as compiled code keeps this in place of the copy.
     */
    boolean inPlaceReadOnly();

    /** Whether the bytes are those of {@code s} ({@code tostring(this) == s}). */
    boolean inPlaceEquals(LuaString s);
}
