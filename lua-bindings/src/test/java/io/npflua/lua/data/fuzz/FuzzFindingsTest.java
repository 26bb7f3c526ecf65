package io.npflua.lua.data.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.npflua.lua.data.DataLib;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/** The bugs the fuzz targets found, each pinned as a plain Lua-level test. */
class FuzzFindingsTest {
    private static LuaValue run(String chunk) {
        Globals g = JsePlatform.standardGlobals();
        g.load(new DataLib());
        return g.load(chunk, "finding").call();
    }

    @Test
    void shouldReturnNilForSegmentsWhoseOffsetPlusLengthOverflows() {
        // 2^64 and 2^63 saturate to 2^63 - 1; offset + length used to wrap negative and pass the bounds check
        assertEquals(LuaValue.TRUE, run("""
            local d = data.new(14)
            return d:segment(2^64, 13) == nil and d:segment(2^63, 1) == nil and d:segment(2^62, 2^62) == nil
              and d:segment(1, 2^63) == nil and #d:segment(1, 13) == 13
            """));
    }

    @Test
    void shouldReadNilFromStringFieldsWhoseOffsetPlusLengthOverflows() {
        // {2^63, 9, 's'} used to compile to a field that "fits" at byte offset 2^63 - 1 and threw out of bounds
        assertEquals(LuaValue.TRUE, run("""
            local d = data.new('abcdefghijklmnop'):layout{
              huge = {2^63, 9, 's'}, wrap = {2^62, 2^62, 's'}, ok = {1, 2, 's'}}
            d.huge = 'x'
            d.wrap = 'y'
            return d.huge == nil and d.wrap == nil and d.ok == 'bc' and tostring(d) == 'abcdefghijklmnop'
            """));
    }
}
