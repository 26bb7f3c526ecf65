package io.npflua.engine.counter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaString;

class ReasonCountsTest {
    @Test
    void shouldCountEqualTextsTogetherAndTheRestBeyondCapacityAsOthers() {
        ReasonCounts a = new ReasonCounts();
        a.count(LuaString.valueOf("x"));
        a.count(LuaString.valueOf("x"));
        for (int i = 0; i < ReasonCounts.CAPACITY + 5; i++) {
            a.count(LuaString.valueOf("r" + i));
        }
        assertEquals(6, a.others(), "x and 31 distinct fit; 6 more do not");
        ReasonCounts b = new ReasonCounts();
        b.count(LuaString.valueOf("x"));
        ReasonCounts.Summary top = ReasonCounts.summarize(new ReasonCounts[] {a, b}, 2);
        assertEquals(List.of(new ReasonCounts.ReasonCount("x", 3), new ReasonCounts.ReasonCount("r0", 1)), top.top());
        assertEquals(30 + 6, top.others(), "r1..r30 in a's table below the top two, 6 beyond the table");
    }
}
