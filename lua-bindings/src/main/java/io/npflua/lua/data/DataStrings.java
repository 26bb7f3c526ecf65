package io.npflua.lua.data;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import io.npflua.lua.string.SegmentBytes;

/**
 * The delegation point from the data methods {@code d:find}, {@code d:match}, {@code d:gmatch} to the string
 * library's pattern matcher.
 *
 * <p>MERGE POINT: these bodies are to call {@code io.npflua.lua.string.SegmentStrings.find/match/gmatch(self, args)}
 * (zero-copy, over the segment) once that class is on the branch. Until then they copy the view into a Lua string
 * and call the string methods that the state's string metatable provides; results are the same, but the bytes are
 * copied.
 */
final class DataStrings {
    private DataStrings() {
    }

    /** {@code d:find(pattern [, init [, plain]])}; {@code args} are the arguments after self. */
    static Varargs find(SegmentBytes self, Varargs args) {
        return copyOf(self).invokemethod("find", args);
    }

    /** {@code d:match(pattern [, init])}. */
    static Varargs match(SegmentBytes self, Varargs args) {
        return copyOf(self).invokemethod("match", args);
    }

    /** {@code d:gmatch(pattern)}: the iterator function. */
    static LuaValue gmatch(SegmentBytes self, Varargs args) {
        return copyOf(self).invokemethod("gmatch", args).arg1();
    }

    private static LuaString copyOf(SegmentBytes self) {
        java.lang.foreign.MemorySegment seg = self.segment(); // raises once the view has expired
        byte[] b = new byte[self.length()];
        java.lang.foreign.MemorySegment.copy(seg, java.lang.foreign.ValueLayout.JAVA_BYTE, self.offset(), b, 0,
                b.length);
        return LuaString.valueUsing(b);
    }
}
