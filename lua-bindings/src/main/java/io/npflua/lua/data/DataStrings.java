package io.npflua.lua.data;

import io.npflua.lua.string.SegmentBytes;
import io.npflua.lua.string.SegmentStrings;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The data method {@code d:gmatch}: the string library's pattern matcher run over the object's memory in place (no
 * copy of the packet; only captures are copied out as Lua strings). {@code d:find} and {@code d:match} call
 * {@link SegmentStrings#findOrMatchMethod} directly.
 */
final class DataStrings {
    private DataStrings() {}

    /** {@code d:gmatch(pattern)}: the iterator function; each step re-checks that the view is still valid. */
    static LuaValue gmatch(SegmentBytes self, Varargs args) {
        return SegmentStrings.gmatch(self, args);
    }
}
