package io.npflua.lua.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/** Data objects and layouts, on heap segments and on native (arena) segments alike. */
class DataObjectTest {
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void closeArena() {
        arena.close();
    }

    static Stream<Arguments> memories() {
        Function<byte[], MemorySegment> heap = MemorySegment::ofArray;
        return Stream.of(Arguments.of("heap", heap), Arguments.of("native", null));
    }

    /** A global {@code d} over {@code bytes} at offset 3 of a larger segment (so offsets are really relative). */
    private Globals withBytes(Function<byte[], MemorySegment> memory, byte[] bytes) {
        byte[] padded = new byte[bytes.length + 6];
        java.util.Arrays.fill(padded, (byte) 0x5A);
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        MemorySegment seg;
        if (memory == null) {
            seg = arena.allocate(padded.length);
            MemorySegment.copy(padded, 0, seg, ValueLayout.JAVA_BYTE, 0, padded.length);
        } else {
            seg = memory.apply(padded);
        }
        Globals g = LuaStates.withData();
        g.set("d", DataObject.wrap(seg, 3, bytes.length));
        return g;
    }

    private static void lua(Globals g, String chunk) {
        LuaStates.run(g, chunk);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("memories")
    void shouldReadLengthAndBytesOfTheViewOnly(String kind, Function<byte[], MemorySegment> memory) {
        Globals g = withBytes(memory, new byte[] {1, 2, (byte) 0xFF});
        lua(g, "assert(#d == 3); assert(tostring(d) == '\\1\\2\\255'); assert(type(d) == 'userdata')");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("memories")
    void shouldReadBitFieldsMsbFirstAcrossBytes(String kind, Function<byte[], MemorySegment> memory) {
        Globals g = withBytes(memory, LuaStates.hex("a5c3f00f0123456789abcdef55"));
        lua(g, """
                d:layout{top = {0, 1}, nib = {4, 4}, span = {4, 8}, odd = {3, 11}, b12 = {12, 12},
                         u24 = {8, 24}, u40 = {4, 40}, a64 = {32, 64}, u64 = {36, 64}, le12 = {4, 12, 'n', 'l'},
                         le16 = {8, 16, 'number', 'little'}, le32 = {32, 32, 'n', 'l'}, le20 = {8, 20, 'n', 'l'},
                         u7 = {97, 7}, le64 = {32, 64, 'n', 'l'}, hle = {8, 16, 'n', 'h'}, net = {8, 16, 'n', 'net'}}
                assert(d.top == 1, 'top')
                assert(d.nib == 0x5, 'nib')
                assert(d.span == 0x5c, 'span')
                assert(d.odd == 0x170, 'odd ' .. d.odd)      -- 0xa5c3 bits 3..13: 00101110000
                assert(d.b12 == 0x3f0, 'b12')
                assert(d.u24 == 0xc3f00f, 'u24')
                assert(d.u40 == 0x5c3f00f012, 'u40')
                assert(d.le12 == 0x35c, 'le12 ' .. d.le12)  -- groups: 0x5c (low), then 4 bits 0x3
                assert(d.le16 == 0xf0c3, 'le16')
                assert(d.le32 == 0x67452301, 'le32')
                assert(d.le20 == 0x0f0c3, 'le20 ' .. d.le20) -- c3, f0, then 4 bits 0x0
                assert(d.u7 == 0x55, 'u7')
                assert(d.hle == 0xf0c3 and d.net == 0xc3f0, 'host/net')
                """);
        LuaValue a64 = LuaStates.run(g, "return d.a64");
        assertEquals((double) 0x0123456789abcdefL, a64.todouble());
        LuaValue u64 = LuaStates.run(g, "return d.u64");
        assertEquals((double) 0x123456789abcdef5L, u64.todouble(), "unaligned 64-bit spans 9 bytes");
        LuaValue le64 = LuaStates.run(g, "return d.le64");
        assertEquals((double) 0xefcdab8967452301L, le64.todouble(), "little-endian 64-bit is two's complement");
    }

    /**
     * Every field of 1 to 7 bits that lies inside one byte (the one-load reader), at every bit position of byte 1 of
     * three, over every value of that byte (set through a whole-byte field, another reader and writer): the value is
     * the byte's bits from the position, MSB first; a write of all ones into a zero byte sets exactly those bits and
     * leaves the rest of the three bytes alone.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("memories")
    void shouldReadAndWriteEveryFieldInsideOneByte(String kind, Function<byte[], MemorySegment> memory) {
        Globals g = withBytes(memory, new byte[] {(byte) 0xA5, 0, (byte) 0x3C});
        lua(g, """
                local t, names = {whole = {8, 8}}, {}
                for first = 0, 7 do
                  for width = 1, math.min(7, 8 - first) do
                    local name = 'f' .. first .. '_' .. width
                    t[name] = {8 + first, width}
                    names[#names + 1] = {name, 2 ^ (8 - first - width), 2 ^ width}
                  end
                end
                assert(#names == 35)
                d:layout(t)
                for v = 0, 255 do
                  d.whole = v
                  for _, f in ipairs(names) do
                    local name, s, m = f[1], f[2], f[3]
                    local want = ((v - v % s) / s) % m
                    assert(d[name] == want, name .. ' of byte ' .. v .. ': ' .. tostring(d[name]) .. ', want ' .. want)
                  end
                end
                for _, f in ipairs(names) do
                  local name, s, m = f[1], f[2], f[3]
                  d.whole = 0
                  d[name] = -1
                  assert(d:byte(1) == 0xA5 and d:byte(2) == (m - 1) * s and d:byte(3) == 0x3C, 'write of ' .. name)
                end
                """);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("memories")
    void shouldWriteMaskedToTheFieldWidthWithoutTouchingNeighbours(
            String kind, Function<byte[], MemorySegment> memory) {
        Globals g = withBytes(memory, new byte[13]);
        lua(g, """
                d:layout{a = {0, 3}, b = {3, 7}, c = {10, 6}, w = {16, 16}, x = {36, 64}, le = {16, 12, 'n', 'l'},
                         all = {0, 96, 's'}}
                d.b = 0xFFFF                -- only 7 bits land
                assert(d.a == 0 and d.b == 0x7f and d.c == 0, 'b masked')
                d.a = -1
                assert(d.a == 7 and d.b == 0x7f, 'a masked')
                d.w = 0x12345
                assert(d.w == 0x2345, 'w masked')
                d.x = -1
                assert(d.x == -1, 'x')
                assert(d:byte(5) == 0x0f and d:byte(13) == 0xf0, 'x leaves its edge nibbles alone')
                d.le = 0xabc
                assert(d.le == 0xabc, 'le round trip ' .. d.le)
                d.x = 2^63
                assert(d.x == -2^63, 'unsigned 2^63 pattern')
                """);
        LuaStates.run(g, "d.x = 0; d.w = 0; d.a = 0; d.b = 0; d.c = 0");
        assertEquals("", LuaStates.run(g, "return (tostring(d):gsub('%z', ''))").tojstring());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("memories")
    void shouldReadNilForFieldsPartlyOutsideTheObjectExactToTheBit(
            String kind, Function<byte[], MemorySegment> memory) {
        Globals g = withBytes(memory, new byte[] {(byte) 0xFF, (byte) 0xFF});
        lua(g, """
                d:layout{last = {15, 1}, past = {16, 1}, straddle = {9, 8}, inside = {9, 7}, neg = {-1, 4},
                         s2 = {0, 2, 's'}, s3 = {0, 3, 's'}, toobig = {0, 65}}
                assert(d.last == 1 and d.inside == 0x7f)
                assert(d.past == nil and d.straddle == nil and d.neg == nil and d.toobig == nil)
                assert(d.s2 == '\\255\\255' and d.s3 == nil)
                d.straddle = 0; d.past = 0; d.s3 = 'abc'  -- ignored
                assert(tostring(d) == '\\255\\255')
                """);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("memories")
    void shouldWriteStringFieldsUpToTheirLength(String kind, Function<byte[], MemorySegment> memory) {
        Globals g = withBytes(memory, "abcdef".getBytes());
        lua(g, """
                d:layout{s = {1, 3, 'string'}}
                d.s = 'XY'
                assert(tostring(d) == 'aXYdef')
                d.s = 'LONGER'
                assert(tostring(d) == 'aLONef' and d.s == 'LON')
                """);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("memories")
    void shouldShareMemoryThroughSegmentsAndRefuseOutOfBounds(String kind, Function<byte[], MemorySegment> memory) {
        Globals g = withBytes(memory, new byte[] {1, 2, 3, 4});
        lua(g, """
                local s = d:segment(1, 2)
                assert(#s == 2 and tostring(s) == '\\2\\3')
                s:layout{v = {0, 8}}
                s.v = 9
                assert(d:byte(2) == 9)
                assert(#d:segment(4) == 0 and #d:segment() == 4 and #d:segment(2) == 2)
                assert(d:segment(5) == nil and d:segment(-1) == nil and d:segment(1, 4) == nil)
                assert(d:segment(0, -1) == nil)
                assert(s.layout ~= nil and d:segment(0, 1).v == nil, 'a segment has no layout')
                """);
    }

    @Test
    void shouldCreateObjectsFromCountsTablesAndStrings() {
        Globals g = LuaStates.withData();
        lua(g, """
                local z = data.new(3)
                assert(#z == 3 and tostring(z) == '\\0\\0\\0')
                local t = data.new{0x1ff, -1, 65}
                assert(tostring(t) == '\\255\\255A')
                assert(tostring(data.new('hi')) == 'hi')
                assert(data.new(0) == nil and data.new(-2) == nil and data.new{} == nil and data.new('') == nil)
                assert(data.new(true) == nil and data.new() == nil and data.new(print) == nil)
                assert(data.new(2.7) and #data.new(2.7) == 2)
                """);
        LuaError e = org.junit.jupiter.api.Assertions.assertThrows(
                LuaError.class, () -> LuaStates.run(g, "return data.new(2^40)"));
        assertTrue(e.getMessage().contains("exceed the limit"), e.getMessage());
    }

    @Test
    void shouldSeeEditsOfTheReturnedLayoutTableOnTheNextRead() {
        Globals g = LuaStates.withData();
        lua(g, """
                local l = data.layout{a = {0, 8}, b = {8, 8}}
                local function reads(d) for _ = 1, 100 do local _ = d.a, d.b, d.c, d.ttl end end -- (re)build mirrors
                local d = data.new{7, 9}:layout(l)
                reads(d)
                assert(d.a == 7 and d.b == 9 and d.c == nil)
                l.b = nil                                     -- removing a field
                assert(d.b == nil and d.a == 7, 'removed field reads nil')
                reads(d)
                l.c = l.a                                     -- adding a compiled field under a new name
                assert(d.c == 7, 'added field reads')
                reads(d)
                rawset(l, 'a', nil)
                assert(d.a == nil, 'rawset is seen too')
                local ip = data.new(20):layout(data.layouts.ipv4)
                reads(ip)
                data.layouts.ipv4.ttl = nil
                assert(ip.ttl == nil and ip.version == 0, 'the predefined copies are live tables too')
                """);
    }

    @Test
    void shouldCompileAgainOnlyWhenTheStampIsGone() {
        Globals g = LuaStates.withData();
        lua(g, """
                local l = data.layout{a = {0, 8}}
                local d = data.new{7, 9, 11}
                for _ = 1, 100 do d:layout(l) end             -- the stamp answer is remembered
                l.b = {8, 8}                                  -- a raw entry in a stamped table stays raw
                assert(d:layout(l).b == nil and type(l.b) == 'table', 'stamped: not compiled again')
                l.__layout = nil                              -- a script may remove the stamp
                assert(d:layout(l).b == 9 and type(l.b) == 'userdata', 'unstamped: compiled on the next use')
                assert(l.__layout == true, 'stamped again')
                l.c = {16, 8}
                assert(d:layout(l).c == nil, 'stamped again: raw entries stay raw')
                rawset(l, '__layout', nil)
                assert(d:layout(l).c == 11, 'a stamp removed by rawset is seen too')
                """);
    }

    @Test
    void shouldCompileLayoutsInPlaceAcceptingNamedEntries() {
        Globals g = LuaStates.withData();
        lua(g, """
                local t = {a = {offset = 4, length = 4}, b = {0, 16, endian = 'little'}, z = {0, 0},
                           s = {offset = 0, length = 2, type = 'string'}, old = {0, 16, 'little'}}
                local l = data.layout(t)
                assert(l ~= t and l.a == t.a, 'a new table holding the same compiled fields, as luadata returns')
                assert(type(t.a) == 'userdata' and t.z == nil, 'entries replaced in place, zero length removed')
                assert(data.layout(t).a == t.a, 'compiling twice is harmless')
                for _, layout in ipairs{t, l} do
                  local d = data.new{0x12, 0x34}:layout(layout)
                  assert(d.a == 2 and d.b == 0x3412 and d.s == '\\18\\52' and d.old == 0x3412)
                end
                assert(data.layout(5) == nil)
                """);
        LuaError e = org.junit.jupiter.api.Assertions.assertThrows(
                LuaError.class, () -> LuaStates.run(g, "data.layout{bad = 3}"));
        assertTrue(e.getMessage().contains("layout entry 'bad' must be a table"), e.getMessage());
    }

    @Test
    void shouldLetMethodNamesWinOverFields() {
        Globals g = LuaStates.withData();
        lua(g, """
                local d = data.new{1, 2}:layout{segment = {0, 8}, sub = {0, 8}, x = {8, 8}, ip = {0, 8}}
                assert(type(d.segment) == 'function' and type(d.sub) == 'function' and type(d.ip) == 'function')
                d.segment = 7  -- ignored, like luadata
                assert(d:byte(1) == 1 and d.x == 2)
                local v = d:segment(0, 2):layout{ip = {0, 8}, checksum = {8, 8}}
                assert(v.ip == 1 and v.checksum == 2, 'views have no packet methods, so these are fields')
                """);
    }

    @Test
    void shouldRaiseClearErrorsForBadFieldValues() {
        Globals g = LuaStates.withData();
        LuaError e = org.junit.jupiter.api.Assertions.assertThrows(
                LuaError.class, () -> LuaStates.run(g, "local d = data.new(1):layout{v = {0, 8}}; d.v = {}"));
        assertTrue(e.getMessage().contains("field 'v' is a number field; got a table"), e.getMessage());
        lua(g, "local d = data.new(1):layout{v = {0, 8}}; d.v = '12'; assert(d.v == 12)");
    }

    @Test
    void shouldImplementByteAndSubWithStringRules() {
        Globals g = LuaStates.withData();
        lua(g, """
                local d = data.new('hello')
                assert(d:byte() == 104 and d:byte(-1) == 111)
                local a, b, c = d:byte(2, 4)
                assert(a == 101 and b == 108 and c == 108)
                assert(select('#', d:byte(4, 2)) == 0 and select('#', d:byte(10)) == 0)
                assert(d:sub(2) == 'ello' and d:sub(2, 3) == 'el' and d:sub(-3) == 'llo' and d:sub(0) == 'hello')
                assert(d:sub(-100, 2) == 'he' and d:sub(4, 100) == 'lo' and d:sub(3, 2) == '' and d:sub(6) == '')
                """);
    }

    @Test
    void shouldFindAndMatchInPlaceWithStringSemantics() {
        Globals g = LuaStates.withData();
        lua(g, """
                local d = data.new('GET /index.html HTTP/1.1')
                assert(d:find('index') == 6)
                assert(d:find('.', 1, true) == 11)
                assert(d:match('^(%u+) (%S+)') == 'GET')
                local n = 0
                for w in d:gmatch('%a+') do n = n + 1 end
                assert(n == 4)
                -- one result wanted (fixed-arity calls) and all results (argument lists) agree with string.find/match
                local s = tostring(d)
                for _, p in ipairs({'index', 'T', '%s(%S+)', 'x'}) do
                  for _, i in ipairs({1, 2, 6, -8, 100}) do
                    assert(d:find(p, i) == s:find(p, i), p .. ' ' .. i)
                    assert(d:match(p, i) == s:match(p, i), p .. ' ' .. i)
                    assert(select('#', d:find(p, i)) == select('#', s:find(p, i)), p .. ' ' .. i)
                    local a, b, c = d:find(p, i)
                    local x, y, z = s:find(p, i)
                    assert(a == x and b == y and c == z, p .. ' ' .. i)
                  end
                  assert(d:find(p) == s:find(p) and d:match(p) == s:match(p), p)
                end
                assert(d:find('1', '23') == 24, 'a numeric string as init')
                -- the same argument errors through either path
                local function err(f) local ok, e = pcall(f) assert(not ok) return e:match('bad argument.*') end
                local e1 = err(function() local v = d:find({}) end)
                local e2 = err(function() local v, w = d:find({}, 1, false) end)
                assert(e1 == e2 and e1:find('bad argument #2', 1, true), e1 .. ' / ' .. e2)
                local e3 = err(function() local v = d:match('x', 1.5) end)
                local e4 = err(function() local v, w = d:match('x', 1.5) end)
                assert(e3 == e4 and e3:find('#3', 1, true), e3 .. ' / ' .. e4)
                local e5 = err(function() local v = d:find('x', 'y') end)
                assert(e5:find('#3', 1, true) and e5:find('number expected, got string', 1, true), e5)
                """);
    }

    @Test
    void shouldCopyBytesOutOfWrappedNativeMemory() {
        MemorySegment seg = arena.allocate(4);
        seg.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 0x04030201);
        Globals g = LuaStates.withData();
        g.set("d", DataObject.wrap(seg, 0, 4));
        LuaValue copy = LuaStates.run(g, "local c = d:copy(); c:layout{v = {0, 8}}; c.v = 9; return c");
        assertEquals(1, seg.get(ValueLayout.JAVA_BYTE, 0), "the copy does not write through");
        assertArrayEquals(new byte[] {9, 2, 3, 4}, copy.tostring().checkstring().m_bytes);
    }
}
