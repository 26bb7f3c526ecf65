package io.npflua.lua.string;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Patterns parsed into a {@link PatternProgram} (from their third use on) give what the interpreter gives on their
 * first uses, on Lua strings and in native memory; patterns the program does not cover are left to the interpreter.
 */
class PatternProgramTest {
    private static final LuaTable STRING = LuaStrings.newStringTable();

    /** Each op of the program, possessive and backing-off repetitions, captures of every kind, anchors. */
    private static final String[][] CASES = {
        {"SSH-2.0-OpenSSH_6.4\r\n", "SSH%-[^-%G]+%-([^-%G]+)"},
        {"junk SSH-1.99-Cisco-1.25\n", "SSH%-[^-%G]+%-([^-%G]+)"},
        {"SSH-2.0-", "SSH%-[^-%G]+%-([^-%G]+)"},
        {"aaab", "a*b"},
        {"aaab", "(a*)(a)b"},
        {"aaa", "a+a"},
        {"key = value; other = 2", "(%w+)%s*=%s*(%w+)"},
        {"<<x>>", "<(.-)>"},
        {"<<x>>", "<(.*)>"},
        {"colou?r color colour", "colou?r"},
        {"abc", "()b()"},
        {"abc", "c$"},
        {"abc", "b$"},
        {"a$b", "a$b"},
        {"2026-12-07", "^(%d+)-(%d+)-(%d+)$"},
        {"x = 1", "^%s*(%a+)"},
        {"  x", "^%s*(%a+)"},
        {"hello world", "(o)(.-)(o)"},
        {"aaa", "a-$"},
        {"aaa", "a-b"},
        {"[]]x", "[]]+"},
        {"a-b-c", "[^-]+$"},
        {"\0a\0", "%z(a)"},
        {"ab12", "%a+%d?%d+"},
        {"ab", "a?a?ab"},
        {"", "a*"},
        {"abc", ".-"},
        {"xyz", "((x)(y))z"},
    };

    @Test
    void shouldGiveTheInterpretersResultsOnceAPatternIsParsed() {
        try (Arena arena = Arena.ofConfined()) {
            for (String[] c : CASES) {
                LuaString subject = LuaValue.valueOf(c[0].getBytes(StandardCharsets.ISO_8859_1));
                String cold = outcome(() -> STRING.get("match").call(subject, LuaValue.valueOf(c[1])));
                String coldFind = outcome(() -> STRING.get("find").invoke(subject, LuaValue.valueOf(c[1])));
                LuaString pattern = LuaValue.valueOf(c[1]);
                assertNotNull(compiled(pattern), c[1] + " should be parsed");
                MemorySegment seg = arena.allocate(subject.m_length + 16);
                seg.fill((byte) 'S');
                MemorySegment.copy(subject.m_bytes, subject.m_offset, seg, ValueLayout.JAVA_BYTE, 8, subject.m_length);
                SegmentBytes view = new View(seg, 8, subject.m_length);
                for (int run = 0; run < 5; run++) {
                    String what = c[1] + " on " + c[0] + ", run " + run;
                    assertEquals(cold, outcome(() -> STRING.get("match").call(subject, pattern)), what);
                    assertEquals(coldFind, outcome(() -> STRING.get("find").invoke(subject, pattern)), what);
                    assertEquals(cold, outcome(() -> SegmentStrings.match(view, pattern)), what + " (segment)");
                    assertEquals(
                            coldFind,
                            outcome(() -> SegmentStrings.find(view, LuaValue.varargsOf(pattern, LuaValue.NIL))),
                            what + " (segment)");
                }
            }
        }
    }

    @Test
    void shouldLeaveBalancesFrontiersBackReferencesAndMalformedPatternsToTheInterpreter() {
        for (String p : new String[] {"%b()", "%f[%a]x", "(a)%1", "a)", "(a", "[a", "a%", "x%0"}) {
            assertNull(compiled(LuaValue.valueOf(p)), p);
        }
        assertNull(compiled(LuaValue.valueOf("a".repeat(PatternProgram.MAX_PATTERN_LENGTH + 1))));
        assertNull(compiled(LuaValue.valueOf("()".repeat(PatternMatcher.MAX_CAPTURES + 1))));
        assertNotNull(compiled(LuaValue.valueOf("()".repeat(PatternMatcher.MAX_CAPTURES))));
    }

    @Test
    void shouldRaiseTheInterpretersErrorsWhenAPatternIsUsedAgain() {
        LuaString subject = LuaValue.valueOf("a)b");
        for (String p : new String[] {"a)", "(a", "[a", "a%", "(a)%2", "%b", "%fx"}) {
            LuaString pattern = LuaValue.valueOf(p);
            String cold = outcome(() -> STRING.get("match").call(subject, LuaValue.valueOf(p)));
            for (int run = 0; run < 4; run++) {
                assertEquals(cold, outcome(() -> STRING.get("match").call(subject, pattern)), p);
            }
        }
    }

    @Test
    void shouldNotBackOffARunThatTheNextClassCannotFollow() {
        PatternProgram ssh = compiled(LuaValue.valueOf("SSH%-[^-%G]+%-([^-%G]+)"));
        assertArrayEquals(
                new byte[] {
                    PatternProgram.PLUS_POSSESSIVE,
                    PatternProgram.ONE,
                    PatternProgram.OPEN,
                    PatternProgram.PLUS_POSSESSIVE,
                    PatternProgram.CLOSE
                },
                ssh.op);
        // 'a' may follow a run of %w, so that run must be able to back off; %d after %a may not
        assertEquals(PatternProgram.PLUS, compiled(LuaValue.valueOf("%w+a")).op[0]);
        assertEquals(PatternProgram.PLUS_POSSESSIVE, compiled(LuaValue.valueOf("%a+%d")).op[0]);
        assertEquals(PatternProgram.STAR_POSSESSIVE, compiled(LuaValue.valueOf("x%s*$")).op[0]);
        assertEquals(PatternProgram.STAR, compiled(LuaValue.valueOf("x%s*%d?")).op[0]);
    }

    @Test
    void shouldParseEachOfManyPatternsOnceWhenAScriptUsesThemInTurn() {
        // A DPI script with two dozen signatures: each pattern is compiled once per thread and then runs as a program,
        // however many other patterns are used between two of its uses (a cache of four recompiled every one of them
        // on every call once a script had five).
        LuaString[] patterns = new LuaString[24];
        for (int i = 0; i < patterns.length; i++) {
            patterns[i] = LuaValue.valueOf("sig" + i + "%-(%d+)");
        }
        LuaString subject = LuaValue.valueOf("x sig7-42 y");
        PatternMatcher m = PatternMatcher.acquire();
        try {
            m.subject(subject);
            long before = m.compiles();
            for (int call = 0; call < 50; call++) {
                for (LuaString p : patterns) {
                    m.pattern(p, true);
                    if (call >= 2) {
                        assertNotNull(m.program(), "runs as a program from its third use: " + p);
                    }
                }
            }
            assertEquals(patterns.length, m.compiles() - before, "each pattern compiled once");
            // gmatch's reading of the same string (a leading '^' is literal there) is an entry of its own
            m.pattern(patterns[3], false);
            assertEquals(patterns.length + 1, m.compiles() - before);
        } finally {
            m.release();
        }
        assertEquals("42", STRING.get("match").call(subject, patterns[7]).tojstring());
    }

    /** The program the matcher builds for {@code p} (null if it interprets it), after the uses that trigger it. */
    private static PatternProgram compiled(LuaString p) {
        PatternMatcher m = PatternMatcher.acquire();
        try {
            m.subject(LuaValue.EMPTYSTRING);
            PatternProgram program = null;
            for (int use = 0; use < 4; use++) {
                try {
                    m.pattern(p, true);
                    program = m.program();
                } catch (LuaError e) {
                    return null;
                }
            }
            return program;
        } finally {
            m.release();
        }
    }

    private record View(MemorySegment segment, long offset, int length) implements SegmentBytes {}

    private static String outcome(Supplier<Varargs> call) {
        try {
            Varargs v = call.get();
            StringBuilder b = new StringBuilder("ok");
            for (int i = 1; i <= v.narg(); i++) {
                b.append(' ')
                        .append(v.arg(i).typename())
                        .append(':')
                        .append(v.arg(i).tojstring());
            }
            return b.toString();
        } catch (LuaError e) {
            return "error: " + e.getMessage();
        }
    }
}
