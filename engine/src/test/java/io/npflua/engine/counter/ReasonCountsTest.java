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

    @Test
    void shouldNameReasonsByTheirUtf8TextWithInvalidBytesEscaped() {
        ReasonCounts a = new ReasonCounts();
        byte[] lock = "blocked \uD83D\uDD12".getBytes(java.nio.charset.StandardCharsets.UTF_8); // a four-byte character
        a.count(LuaString.valueOf(lock));
        a.count(LuaString.valueOf(new byte[] {'b', 'a', 'd', (byte) 0xff}));
        List<ReasonCounts.ReasonCount> top =
                ReasonCounts.summarize(new ReasonCounts[] {a}, 2).top();
        assertEquals(
                List.of(
                        new ReasonCounts.ReasonCount("bad\\xff", 1),
                        new ReasonCounts.ReasonCount("blocked \uD83D\uDD12", 1)),
                top);
    }
}
