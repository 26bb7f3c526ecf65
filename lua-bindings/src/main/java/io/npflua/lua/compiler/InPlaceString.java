package io.npflua.lua.compiler;

/**
 * A value whose {@code tostring} is a copy of its bytes and whose methods {@code match} and {@code find} give exactly
 * what the string methods of that copy give (a packet or a view of it). Compiled code may then run
 * {@code tostring(v):match(p)} as {@code v:match(p)}: the same answer without the copy. Only while
 * {@link #inPlaceValid()} holds, and only where the copy could not be observed otherwise (see
 * {@code FunctionCompiler}).
 */
public interface InPlaceString {
    /** True while {@code tostring(this)} would return the bytes (not an expired marker or an error). */
    boolean inPlaceValid();
}
