package io.npflua.lua.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.lua.data.PacketData;
import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.ExecutionModel;
import io.npflua.lua.sandbox.ScriptLoadException;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

/**
 * What the compiler does beyond running the corpus the interpreter's way: which functions it compiles, the
 * in-place {@code tostring(pkt):match} specialisation and its guards, tail calls that do not grow the Java stack.
 */
class CompiledScriptsTest {
    /** The seed's SSH filter, verbatim from examples/. */
    private static String ssh() throws Exception {
        return Files.readString(Path.of("..", "examples", "ssh-version.lua"));
    }

    private final List<String> errors = new ArrayList<>();

    private ScriptState load(String source, ExecutionModel model) throws ScriptLoadException {
        return ScriptState.load(ScriptOptions.of("t.lua", source)
                .withExecutionModel(model)
                .withErrorListener((s, kind, msg) -> errors.add(msg))
                .withPrintSink((s, line) -> {}));
    }

    private static CallOutcome run(ScriptState s, String payload) {
        byte[] bytes = ("\0\0\0\0\0\0\0\0\0\0\0\0\0\0" + payload).getBytes(StandardCharsets.ISO_8859_1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
            PacketData pkt = new PacketData();
            pkt.bind(seg, 0, bytes.length, false);
            try {
                return s.call(pkt);
            } finally {
                pkt.release();
            }
        }
    }

    /** {@link #run} on a frame of exactly {@code payload}'s bytes, read-only (tap) or writable (bridge). */
    private static CallOutcome runBytes(ScriptState s, String payload, boolean writable) {
        byte[] bytes = payload.getBytes(StandardCharsets.ISO_8859_1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
            PacketData pkt = new PacketData();
            pkt.bind(seg, 0, bytes.length, writable);
            try {
                return s.call(pkt);
            } finally {
                pkt.release();
            }
        }
    }

    private static int inPlaceSites(ScriptState s) {
        return s.functions().stream()
                .mapToInt(LuaCompiler.FunctionReport::inPlaceSites)
                .sum();
    }

    @Test
    void shouldRunTheSeedSshFilterWithoutCopyingThePacket() throws Exception {
        ScriptState compiled = load(ssh(), ExecutionModel.COMPILED);
        assertTrue(compiled.functions().stream().allMatch(LuaCompiler.FunctionReport::compiled));
        assertEquals(1, inPlaceSites(compiled), "tostring(pkt) feeds only :match: matched in place");
        ScriptState interpreted = load(ssh(), ExecutionModel.INTERPRETED);
        for (String payload : List.of(
                "SSH-2.0-OpenSSH_6.4\r\n",
                "SSH-2.0-OpenSSH_9.6\r\n",
                "GET / HTTP/1.1\r\n",
                "xx SSH-1.99-OpenSSH_6.4 yy",
                "")) {
            assertEquals(run(interpreted, payload), run(compiled, payload), payload);
        }
        assertEquals(CallOutcome.BLOCK, run(compiled, "SSH-2.0-OpenSSH_6.4\r\n"));
        assertEquals(CallOutcome.PASS, run(compiled, "SSH-2.0-OpenSSH_7.4\r\n"));
    }

    /** A DPI-style filter that reads its {@code tostring(pkt)} several times: # , ==, :find, :match, truth. */
    private static final String KEPT = "function filter(pkt)\n"
            + "  local s = tostring(pkt)\n"
            + "  if not s or #s < 4 then return true end\n"
            + "  if s == 'drop me' or 'DROP' == s then return false, 'exact' end\n"
            + "  local at = s:find('SSH-', 1, true)\n"
            + "  if at and s:match('OpenSSH_(%d+%.%d+)', at) == '6.4' then return false, 'banned' end\n"
            + "  if s ~= 'keep' then return true end\n"
            + "  return false\n"
            + "end";

    @Test
    void shouldKeepThePacketInPlaceOfItsStringForAWholeScopeOfFindsMatchesLengthsAndComparisons() throws Exception {
        ScriptState compiled = load(KEPT, ExecutionModel.COMPILED);
        assertEquals(1, inPlaceSites(compiled), "every read of s is a find, match, #, == or truth test");
        ScriptState interpreted = load(KEPT, ExecutionModel.INTERPRETED);
        for (boolean writable : new boolean[] {false, true}) {
            for (String payload : List.of(
                    "SSH-2.0-OpenSSH_6.4\r\n",
                    "SSH-2.0-OpenSSH_9.6\r\n",
                    "xx SSH-1.99-OpenSSH_6.4 yy",
                    "drop me",
                    "drop me!",
                    "DROP",
                    "keep",
                    "kee",
                    "\u00ff\u0080keep",
                    "")) {
                CallOutcome expected = runBytes(interpreted, payload, writable);
                assertEquals(expected, runBytes(compiled, payload, writable), payload + " writable=" + writable);
            }
        }
        assertEquals(CallOutcome.BLOCK, runBytes(compiled, "drop me", false));
        assertEquals(CallOutcome.BLOCK, runBytes(compiled, "keep", false));
        assertEquals(CallOutcome.PASS, runBytes(compiled, "keep!", false));
        assertEquals(CallOutcome.BLOCK, runBytes(compiled, "SSH-2.0-OpenSSH_6.4\r\n", false));
        assertTrue(errors.isEmpty(), String.valueOf(errors));
    }

    @Test
    void shouldCopyWhenTheKeptStringIsUsedOtherwiseOrTostringIsNotTheBuiltin() throws Exception {
        for (String use : List.of(
                "local n = string.len(s)", // an argument
                "local n = s .. ''", // concatenated
                "local t = {s}", // stored
                "local n = s < 'x'", // an order comparison
                "local n = s:sub(1, 2)", // a method the packet does not answer as the copy
                "local f = function() return s end", // captured
                "s = s:match('S+')", // written
                "local u = s local v = u:find('x')")) { // moved
            String source = "function filter(pkt)\n  local s = tostring(pkt)\n  local a = s:find('SSH', 1, true)\n  "
                    + use + "\n  return #s > 0 and s ~= 'x'\nend";
            ScriptState s = load(source, ExecutionModel.COMPILED);
            assertEquals(0, inPlaceSites(s), use);
            assertEquals(CallOutcome.PASS, runBytes(s, "SSH-2.0-x", false), use + " " + errors);
        }
        // A tostring that returns the packet itself: the packet is not equal to any string, in place or not.
        String rebound = "tostring = function(x) return x end\nfunction filter(pkt)\n  local s = tostring(pkt)\n"
                + "  if s == 'abc' then return false end\n  return #s == 3\nend";
        ScriptState r = load(rebound, ExecutionModel.COMPILED);
        assertEquals(1, inPlaceSites(r), "specialised, guarded by the builtin's identity");
        assertEquals(CallOutcome.PASS, runBytes(r, "abc", false), String.valueOf(errors));
        assertEquals(CallOutcome.PASS, runBytes(load(rebound, ExecutionModel.INTERPRETED), "abc", false));
    }

    @Test
    void shouldTakeTheGeneralPathWhenTheStringCanBeSeenOrTostringIsRebound() throws Exception {
        String escapes = "kept = nil\nfunction filter(pkt)\n  local str = tostring(pkt)\n"
                + "  local v = str:match('SSH%-[^-]+%-(%S+)')\n  kept = str\n  return type(kept) == 'string'\nend";
        ScriptState s = load(escapes, ExecutionModel.COMPILED);
        assertEquals(0, inPlaceSites(s), "the string escapes into a global");
        assertEquals(CallOutcome.PASS, run(s, "SSH-2.0-OpenSSH_6.4\r\n"));

        String rebound = "local calls = 0\nlocal real = tostring\ntostring = function(x) calls = calls + 1;"
                + " return real(x) end\nfunction filter(pkt)\n  local v = tostring(pkt):match('SSH%-')\n"
                + "  return calls == 1 and v == 'SSH-'\nend";
        ScriptState r = load(rebound, ExecutionModel.COMPILED);
        assertEquals(1, inPlaceSites(r), "the site is specialised, guarded by the builtin's identity");
        assertEquals(CallOutcome.PASS, run(r, "SSH-2.0-x"), String.valueOf(errors));

        String notPacket = "function filter(x)\n  local s = tostring(x):find('3')\n  return s == 3\nend";
        ScriptState n = load(notPacket, ExecutionModel.COMPILED);
        assertEquals(1, inPlaceSites(n));
        assertEquals(CallOutcome.PASS, n.call(LuaValue.valueOf(1234)), "a number is converted, not matched in place");
    }

    @Test
    void shouldRunDeepTailCallsIncludingThroughCallMetamethodsWithoutGrowingTheStack() throws Exception {
        String source = """
                local function count(n, acc) if n == 0 then return acc end return count(n - 1, acc + 1) end
                local callable = setmetatable({}, {__call = function(self, n)
                  if n == 0 then return 'done' end
                  return self(n - 1)
                end})
                result = count(100000, 0) == 100000 and callable(100000) == 'done'
                function filter(pkt) return result end
                """;
        ScriptState s = ScriptState.load(ScriptOptions.of("t.lua", source)
                .withExecutionModel(ExecutionModel.COMPILED)
                .withLoadBudget(50_000_000));
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL));
    }

    @Test
    void shouldReportEveryFunctionAndKeepTheInterpreterWhenAsked() throws Exception {
        String source = "local function a() return function() return 1 end end\nfunction filter(p) return a()() end";
        ScriptState compiled = load(source, ExecutionModel.COMPILED);
        assertEquals(
                List.of("main chunk", "t.lua:1", "t.lua:1", "t.lua:2"),
                compiled.functions().stream()
                        .map(LuaCompiler.FunctionReport::function)
                        .toList());
        assertTrue(compiled.functions().stream().allMatch(f -> f.compiled() && f.bytes() > 0));
        ScriptState interpreted = load(source, ExecutionModel.INTERPRETED);
        assertFalse(interpreted.functions().get(0).compiled());
        assertEquals(CallOutcome.PASS, compiled.call(LuaValue.NIL));
        assertEquals(CallOutcome.PASS, interpreted.call(LuaValue.NIL));
    }

    @Test
    void shouldShareOneSetOfClassesBetweenTheStatesOfOneScriptButNotTheirState() throws Exception {
        String source = "local n = 0\nfunction filter(p) n = n + 1; return n end\nfunction count() return n end";
        ScriptState a = load(source, ExecutionModel.COMPILED);
        ScriptState b = load(source, ExecutionModel.COMPILED);
        LuaValue fa = a.globals().rawget("filter");
        LuaValue fb = b.globals().rawget("filter");
        assertEquals(fa.getClass(), fb.getClass(), "one hidden class for both workers' states: one JIT profile");
        a.call(LuaValue.NIL);
        a.call(LuaValue.NIL);
        b.call(LuaValue.NIL);
        assertEquals(2, a.globals().rawget("count").call().toint(), "upvalues stay per state");
        assertEquals(1, b.globals().rawget("count").call().toint());
        ScriptState other = load(source + "\n-- changed", ExecutionModel.COMPILED);
        assertFalse(other.globals().rawget("filter").getClass() == fa.getClass(), "another source, other classes");
    }

    @Test
    void shouldReturnOneSharedResultListWhereEveryResultIsAConstant() throws Exception {
        String source = String.join(
                "\n",
                "function filter(p) return false, 'banned' end",
                "function three() return nil, 2, 'x' end",
                "function joined(a) local x, y = 1, 2 if a then x = 5 end return x, y end",
                "function moved(a) local r = a return r, 'k' end",
                "function skipped(a) return a == 1, 'eq' end",
                "function andor(a) return a and 1 or 2, 'x' end");
        ScriptState s = load(source, ExecutionModel.COMPILED);
        assertTrue(s.functions().stream().allMatch(LuaCompiler.FunctionReport::compiled));
        assertEquals(CallOutcome.BLOCK, s.call(LuaValue.NIL));
        assertEquals("banned", s.reason().tojstring());
        LuaValue filter = s.globals().rawget("filter");
        var first = filter.invoke(LuaValue.NONE);
        assertTrue(first == filter.invoke(LuaValue.NONE), "constants only: one list made at compile time");
        assertEquals("false banned", first.arg1() + " " + first.arg(2));
        var three = s.globals().rawget("three").invoke(LuaValue.NONE);
        assertTrue(three == s.globals().rawget("three").invoke(LuaValue.NONE));
        assertEquals("3 nil 2 x", three.narg() + " " + three.arg1() + " " + three.arg(2) + " " + three.arg(3));
        // Not constants: values copied into the result registers (MOVE), a comparison's result (LOADBOOL with a skip),
        // loads that a jump enters in the middle (andor).
        LuaValue joined = s.globals().rawget("joined");
        assertEquals("5 2", firstTwo(joined, LuaValue.TRUE));
        assertEquals("1 2", firstTwo(joined, LuaValue.FALSE));
        assertFalse(joined.invoke(LuaValue.FALSE) == joined.invoke(LuaValue.FALSE));
        LuaValue moved = s.globals().rawget("moved");
        assertEquals("7 k", firstTwo(moved, LuaValue.valueOf(7)));
        assertEquals("8 k", firstTwo(moved, LuaValue.valueOf(8)));
        LuaValue skipped = s.globals().rawget("skipped");
        assertEquals("true eq", firstTwo(skipped, LuaValue.ONE));
        assertEquals("false eq", firstTwo(skipped, LuaValue.ZERO));
        // LOADK 2; LOADK 'x'; RETURN, where the 'and' branch jumps onto the LOADK 'x': not constants.
        LuaValue andor = s.globals().rawget("andor");
        assertEquals("1 x", firstTwo(andor, LuaValue.TRUE));
        assertEquals("2 x", firstTwo(andor, LuaValue.FALSE));
    }

    /** The first two results of {@code f(arg)}, space-separated. */
    private static String firstTwo(LuaValue f, LuaValue arg) {
        var r = f.invoke(arg);
        return r.arg1() + " " + r.arg(2);
    }
}
