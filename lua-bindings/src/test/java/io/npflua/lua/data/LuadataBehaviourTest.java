package io.npflua.lua.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;

/**
 * The behaviours of NetBSD's luadata that the seed scripts and their users rely on, written as our own checks: data
 * objects without and with layouts, bit and byte fields in both byte orders, bounds, segments sharing memory, string
 * fields, and the constructors' edge cases. Each test is one behaviour; values are chosen so that a wrong bit order,
 * a wrong byte order or an off-by-one offset gives a different number.
 */
class LuadataBehaviourTest {
    private static LuaValue eval(String chunk) {
        Globals g = LuaStates.withData();
        return g.load(chunk, "=luadata", g).call();
    }

    private static void lua(String chunk) {
        LuaStates.run(LuaStates.withData(), chunk);
    }

    @Test
    void shouldReadNilAndIgnoreWritesWithoutALayout() {
        lua("""
                local d = data.new{0x3c}
                d.anything = 0x77
                assert(d.anything == nil, 'no layout: no fields')
                d:layout{all = {0, 8}}
                assert(d.all == 0x3c, 'the ignored write changed nothing')
                """);
    }

    @Test
    void shouldWriteOneBitAndKeepItsNeighbours() {
        lua("""
                local d = data.new{0xa5}                       -- 1010 0101
                d:layout{all = {0, 8}, first = {0, 1}, last = {7, 1}, mid = {2, 3}}
                assert(d.first == 1 and d.last == 1 and d.mid == 4, 'bit 0 is the most significant')
                d.last = 0
                assert(d.all == 0xa4, 'clearing the last bit')
                d.first = 0
                assert(d.all == 0x24, 'clearing the first bit')
                """);
        assertEquals(0x1c, eval("""
                local d = data.new{0x24}                       -- 0010 0100
                d:layout{mid = {2, 3}, all = {0, 8}}
                d.mid = 3                                      -- bits 2..4 := 011, bit 5 kept -> 0001 1100
                return d.all
                """).toint());
    }

    @Test
    void shouldReadBigEndianByDefaultAndLittleEndianOnRequest() {
        lua("""
                local d = data.new{0x12, 0x34, 0x56, 0x78}
                d:layout{be = {0, 16}, le = {0, 16, 'number', 'le'}, be32 = {0, 32}, le32 = {0, 32, 'number', 'le'}}
                assert(d.be == 0x1234, 'big endian by default')
                assert(d.le == 0x3412, 'little endian with the fourth element')
                assert(d.be32 == 0x12345678 and d.le32 == 0x78563412)
                """);
    }

    @Test
    void shouldReadFieldsThatStraddleByteBoundaries() {
        lua("""
                local d = data.new{0x12, 0x34, 0x56, 0x78}
                d:layout{nib = {16, 4}, nine = {20, 9}, twelve = {4, 12}}
                assert(d.nib == 0x5, 'high nibble of the third byte')
                assert(d.nine == 0x0cf, 'low nibble 6 then 0111 1 of the next byte: 0 1100 1111')
                assert(d.twelve == 0x234)
                """);
    }

    @Test
    void shouldReadNilForFieldsPastTheEnd() {
        lua("""
                local d = data.new{1, 2, 3}
                d:layout{inside = {23, 1}, past = {24, 1}, across = {20, 8}, wide = {0, 65}}
                assert(d.inside == 1, 'the last bit is inside')
                assert(d.past == nil and d.across == nil, 'a field past the end reads nil')
                assert(d.wide == nil, 'no field is wider than 64 bits')
                d.past = 1
                assert(d.inside == 1, 'writing a field past the end changes nothing')
                """);
    }

    @Test
    void shouldKeepSixtyFourBitFieldsExact() {
        lua("""
                local d = data.new(16)
                d:layout{u64 = {0, 64}, hi = {0, 32}, lo = {32, 32}}
                d.u64 = -1
                assert(d.u64 == -1, 'all ones reads back as written')
                assert(d.hi == 0xffffffff and d.lo == 0xffffffff)
                d.u64 = 0x0000000100000002
                assert(d.hi == 1 and d.lo == 2)
                """);
    }

    @Test
    void shouldShareMemoryBetweenSegmentsAndTheirParent() {
        lua("""
                local l = data.layout{w = {0, 16}, n = {16, 4}}
                local d = data.new{0x10, 0x20, 0x30, 0x40, 0x50}
                assert(#d == 5)
                local s = d:segment(2, 3)
                assert(#s == 3 and s:layout(l).w == 0x3040, 'offset and length')
                local t = s:segment(1)
                assert(#t == 2 and t:layout(l).w == 0x4050, 'a segment of a segment, to the end')
                local all = d:segment()
                assert(#all == 5 and all:layout(l).w == 0x1020, 'the whole object')
                t:layout{hi = {0, 4}}.hi = 0xf
                assert(d:layout{x = {24, 8}}.x == 0xf0, 'a write through a segment is seen by the parent')
                assert(d:segment(5, 1) == nil and d:segment(6) == nil and d:segment(-1) == nil, 'out of bounds: nil')
                """);
    }

    @Test
    void shouldKeepSegmentsValidAfterTheParentIsCollected() {
        lua("""
                local d = data.new{0xde, 0xad, 0xbe, 0xef}
                local s = d:segment(2):layout{w = {0, 16}}
                d = nil
                collectgarbage()
                collectgarbage()
                assert(s.w == 0xbeef, 'the segment keeps the memory alive')
                s.w = 0x1234
                assert(s.w == 0x1234)
                """);
    }

    @Test
    void shouldMakeZeroedObjectsOfAGivenSize() {
        lua("""
                local d = data.new(3)
                assert(#d == 3)
                d:layout{w = {0, 16}, b = {16, 8}}
                assert(d.w == 0 and d.b == 0, 'new memory is zero')
                d.w = 0xcafe
                assert(d.w == 0xcafe and d.b == 0)
                """);
    }

    @Test
    void shouldMakeObjectsFromStrings() {
        lua("""
                local d = data.new('\\5A')
                assert(#d == 2)
                d:layout{seven = {1, 7}, second = {8, 8}}
                assert(d.seven == 5 and d.second == 65)
                """);
    }

    @Test
    void shouldReadAndWriteStringFields() {
        lua("""
                local d = data.new('npflua')
                d:layout{all = {0, 6, 's'}, tail = {3, 3, 's'}, past = {4, 3, 's'}}
                assert(d.all == 'npflua' and d.tail == 'lua')
                assert(d.past == nil, 'a string field past the end reads nil')
                d.all = 'NP'
                assert(d.all == 'NPflua', 'a shorter string overwrites a prefix only')
                d.tail = 'LUAJIT'
                assert(d.all == 'NPfLUA', 'a longer string is cut to the field')
                """);
    }

    @Test
    void shouldRefuseEmptyObjects() {
        lua("""
                assert(data.new() == nil, 'no argument')
                assert(data.new(0) == nil, 'zero bytes')
                assert(data.new{} == nil, 'an empty table')
                assert(data.new('') == nil, 'an empty string')
                """);
    }
}
