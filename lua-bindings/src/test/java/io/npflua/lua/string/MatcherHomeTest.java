package io.npflua.lua.string;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.lua.core.InstructionBudget;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.jse.JsePlatform;

/** A data object's matcher home: the running thread's matcher, its budget, and nested use. */
class MatcherHomeTest {
    /** Bytes in native memory with a matcher home, as a packet's views have. */
    private record View(MemorySegment segment, long offset, int length, MatcherHome matcherHome)
            implements SegmentBytes {}

    private static View view(Arena arena, String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        MemorySegment s = arena.allocate(b.length);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, b.length);
        return new View(s, 0, b.length, new MatcherHome());
    }

    private static final LuaString DIGITS = LuaString.valueOf("%d");

    @Test
    void shouldKeepTheThreadsOwnMatcherAndFollowTheStateToAnotherThread() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            View v = view(arena, "x".repeat(20_000));
            assertTrue(SegmentStrings.match(v, DIGITS).isnil());
            PatternMatcher mine = v.matcherHome().matcher;
            PatternMatcher again = PatternMatcher.acquire();
            again.release();
            assertSame(again, mine, "the home holds this thread's own matcher (one pattern cache per thread)");

            // The same state run by another thread: its scan is charged to that thread's budget, not to ours.
            InstructionBudget ours = InstructionBudget.current();
            ours.arm(1_000_000);
            AtomicLong charged = new AtomicLong();
            AtomicReference<PatternMatcher> theirs = new AtomicReference<>();
            Thread t = new Thread(() -> {
                InstructionBudget b = InstructionBudget.current();
                b.arm(1_000_000);
                SegmentStrings.match(v, DIGITS);
                charged.set(1_000_000 - b.remaining());
                theirs.set(v.matcherHome().matcher);
                b.disarm();
            });
            t.start();
            t.join();
            assertTrue(charged.get() >= 20_000 / PatternMatcher.STEP_BATCH, "their budget was charged " + charged);
            assertEquals(1_000_000, ours.remaining(), "ours was not");
            assertTrue(theirs.get() != mine, "the home took the other thread's matcher");

            SegmentStrings.match(v, DIGITS);
            assertSame(mine, v.matcherHome().matcher, "and this thread's back when the state came back");
            assertTrue(ours.remaining() < 1_000_000, "charged to ours again");
            ours.disarm();
        }
    }

    @Test
    void shouldMatchPacketBytesFromAGsubCallbackWhileTheThreadsMatcherIsBusy() {
        try (Arena arena = Arena.ofConfined()) {
            View v = view(arena, "port 22");
            Globals g = JsePlatform.standardGlobals();
            LuaStrings.install(g);
            g.set("pkt_match", new OneArgFunction() {
                @Override
                public LuaValue call(LuaValue pattern) {
                    return SegmentStrings.match(v, pattern);
                }
            });
            SegmentStrings.match(v, DIGITS); // the home holds the thread's matcher, which gsub is about to use
            LuaValue r = g.load("return (('a b'):gsub('%a', function(w) return w .. pkt_match('(%d+)') end))")
                    .call();
            assertEquals("a22 b22", r.tojstring());
        }
    }
}
