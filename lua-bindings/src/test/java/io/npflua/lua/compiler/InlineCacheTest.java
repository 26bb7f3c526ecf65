package io.npflua.lua.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.npflua.lua.data.PacketData;
import io.npflua.lua.sandbox.ExecutionModel;
import io.npflua.lua.sandbox.ScriptLoadException;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The inline caches of constant-name sites ({@code d.x}, {@code d:m()}, {@code d.x = v} on data objects): one site
 * meets objects whose answer differs (another layout, a layout edited after it was applied, a frame and a view, an
 * expired view, a layout with a weak metatable, a plain table) and must give what the interpreter gives each time.
 */
class InlineCacheTest {
    private static final String SCRIPT = """
            local data = require'data'
            local function get_x(o) return o.x end
            local function get_udp(o) return type(o.udp) end
            local function set_x(o, v) o.x = v end
            local a = data.layout{x={0,8}}
            local b = data.layout{x={8,8}}
            local named = data.layout{udp={0,8}}
            local d = data.new{1, 2, 3, 4}
            local e = data.new{5, 6, 7, 8}
            -- one site, two layouts, alternating
            d:layout(a) e:layout(b)
            for i = 1, 3 do print('alt', get_x(d), get_x(e)) end
            -- the applied layout edited: a field moved, then removed, then a method's name
            for i = 1, 3 do
              if i == 2 then a.x = {16, 8} end
              if i == 3 then a.x = nil end
              print('edit', i, get_x(d))
            end
            -- an entry written after compiling stays a plain table (a compiled layout is not compiled again)
            a.x = {0, 8}
            d:layout(a)
            print('recompiled', get_x(d))
            -- a name that is a method on frames and a field on views
            local v = d:segment(1, 2)
            d:layout(named) v:layout(named)
            for i = 1, 2 do print('kind', get_udp(d), get_udp(v)) end
            -- writes through one site; a write to a method name is ignored
            d:layout(b)
            for i = 1, 3 do set_x(d, 40 + i) print('set', get_x(d), d:byte(2)) end
            print('set nil', (pcall(set_x, d, nil)))
            -- a plain table (not a data object) at the same site
            print('table', get_x({x = 'plain'}))
            -- a layout with a weak metatable is never cached
            local w = data.layout{x={24,8}}
            setmetatable(w, {__mode = 'v'})
            e:layout(w)
            for i = 1, 2 do print('weak', get_x(e)) end
            -- a layout compiled in place from a plain table
            local plain = {x = {0, 16}}
            e:layout(plain)
            print('plain', get_x(e))
            plain.x = {8, 8}
            print('plain edited', get_x(e))
            -- a view of a packet kept past its call: expired, its fields read nil through the cached site
            local kept
            function filter(pkt)
              if kept then print('expired', get_x(kept)) end
              kept = pkt:segment(0, 2)
              kept:layout(b)
              print('live', get_x(kept))
              return true
            end
            """;

    private static final List<String> EXPECTED = List.of(
            "alt\t1\t6",
            "alt\t1\t6",
            "alt\t1\t6",
            "edit\t1\t1",
            "edit\t2\tnil",
            "edit\t3\tnil",
            "recompiled\tnil",
            "kind\tfunction\tnumber",
            "kind\tfunction\tnumber",
            "set\t41\t41",
            "set\t42\t42",
            "set\t43\t43",
            "set nil\tfalse",
            "table\tplain",
            "weak\t8",
            "weak\t8",
            "plain\t1286",
            "plain\tedited\tnil",
            "live\t8",
            "expired\tnil",
            "live\t8");

    private static List<String> run(ExecutionModel model) throws ScriptLoadException {
        List<String> lines = new ArrayList<>();
        ScriptState s = ScriptState.load(ScriptOptions.of("cache.lua", SCRIPT)
                .withExecutionModel(model)
                .withErrorListener((state, kind, msg) -> lines.add("error " + msg))
                .withPrintSink((state, line) -> lines.add(line)));
        byte[] frame = {9, 8, 7, 6};
        for (int i = 0; i < 2; i++) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(frame.length);
                MemorySegment.copy(frame, 0, seg, ValueLayout.JAVA_BYTE, 0, frame.length);
                PacketData pkt = new PacketData();
                pkt.bind(seg, 0, frame.length, false);
                try {
                    s.call(pkt);
                } finally {
                    pkt.release();
                }
            }
        }
        return lines;
    }

    @Test
    void shouldGiveTheInterpretersAnswerAtEverySite() throws Exception {
        List<String> interpreted = run(ExecutionModel.INTERPRETED);
        assertEquals(interpreted, run(ExecutionModel.COMPILED));
        assertEquals(
                String.join("\n", EXPECTED), String.join("\n", interpreted).replace("plain edited", "plain\tedited"));
    }
}
