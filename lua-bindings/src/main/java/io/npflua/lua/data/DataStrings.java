package io.npflua.lua.data;

import io.npflua.lua.string.SegmentBytes;
import io.npflua.lua.string.SegmentStrings;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The data methods {@code d:find}, {@code d:match}, {@code d:gmatch}: the string library's pattern matcher run
 * over the object's memory in place (no copy of the packet; only captures are copied out as Lua strings).
 */
final class DataStrings {
    private DataStrings() {}

    /** {@code d:find(pattern [, init [, plain]])}; {@code args} are the arguments after self. */
    static Varargs find(SegmentBytes self, Varargs args) {
        return SegmentStrings.find(self, args);
    }

    /** {@code d:match(pattern [, init])}. */
    static Varargs match(SegmentBytes self, Varargs args) {
        return SegmentStrings.match(self, args);
    }

    /** {@code d:gmatch(pattern)}: the iterator function; each step re-checks that the view is still valid. */
    static LuaValue gmatch(SegmentBytes self, Varargs args) {
        return SegmentStrings.gmatch(self, args);
    }
}
