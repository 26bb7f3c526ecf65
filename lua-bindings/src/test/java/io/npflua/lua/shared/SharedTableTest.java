package io.npflua.lua.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.CallTally;
import io.npflua.lua.sandbox.ModuleRegistry;
import io.npflua.lua.sandbox.ScriptErrorListener;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

class SharedTableTest {
    private final AtomicLong clockNs = new AtomicLong(1_000_000_000L);
    private final SharedTables tables = new SharedTables(clockNs::get);
    private final ModuleRegistry registry = new ModuleRegistry().register("shared", new SharedModule(tables));
    private final List<String> errors = new ArrayList<>();

    private ScriptState state(String source) throws Exception {
        return ScriptState.load(ScriptOptions.of("shared.lua", source)
                .withModules(registry)
                .withErrorListener((name, outcome, message) -> errors.add(message)));
    }

    private String lastError() {
        return errors.isEmpty() ? null : errors.get(errors.size() - 1);
    }

    @Test
    void shouldShareValuesBetweenStates() throws Exception {
        ScriptState writer = state("local t = shared.table('kv')\nfunction filter(p) t.s = 'hello' t.n = 42 "
                + "t.b = false t[7] = 'seven' return true end");
        ScriptState reader = state("local t = shared.table('kv')\nfunction filter(p) return t.s == 'hello' "
                + "and t.n == 42 and t.b == false and t['7'] == 'seven' and t[7] == 'seven' and #t == 4 "
                + "and t:count() == 4 and t.missing == nil end");
        assertEquals(CallOutcome.PASS, writer.call(LuaValue.NIL), lastError());
        assertEquals(CallOutcome.PASS, reader.call(LuaValue.NIL), lastError());
    }

    @Test
    void shouldDeleteWithNilAndDelete() throws Exception {
        ScriptState s = state("local t = shared.table('d')\nfunction filter() t.a = 1 t.b = 2 t.a = nil "
                + "t:delete('b') t:delete('never') return t.a == nil and t.b == nil and #t == 0 end");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), lastError());
    }

    @Test
    void shouldOfferGetAndSetMethodsForKeysNamedLikeMethods() throws Exception {
        ScriptState s = state("local t = shared.table('m')\nfunction filter() t:set('count', 5) "
                + "return t:get('count') == 5 and type(t.count) == 'function' and t:count() == 1 end");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), lastError());
    }

    @Test
    void shouldCopyStringsInAndOut() throws Exception {
        ScriptState s = state("local t = shared.table('c')\nfunction filter() local v = 'ab\\0\\255' t.v = v "
                + "return t.v == v and #t.v == 4 end");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), lastError());
        Object stored = tables.find("c").get("v");
        assertTrue(stored instanceof byte[], "stored as bytes, not as a LuaValue of the writing state");
    }

    @Test
    void shouldRefuseUnsupportedValuesAndKeys() throws Exception {
        ScriptState s = state("local t = shared.table('bad')\nfunction filter(p) "
                + "if p == 1 then t.x = {} elseif p == 2 then t.x = print else t[{}] = 1 end end");
        assertEquals(CallOutcome.LUA_ERROR, s.call(LuaValue.valueOf(1)));
        assertTrue(lastError().contains("values must be strings, numbers or booleans, got table"), lastError());
        assertEquals(CallOutcome.LUA_ERROR, s.call(LuaValue.valueOf(2)));
        assertTrue(lastError().contains("got function"), lastError());
        assertEquals(CallOutcome.LUA_ERROR, s.call(LuaValue.valueOf(3)));
        assertTrue(lastError().contains("keys must be strings"), lastError());
    }

    @Test
    void shouldExpireEntriesByTableTtl() throws Exception {
        ScriptState s = state("local t = shared.table('ttl', {ttl = 10})\nfunction filter(p) "
                + "if p then t.k = 'v' end return t.k == 'v' end");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.TRUE));
        clockNs.addAndGet(9_000_000_000L);
        assertEquals(CallOutcome.PASS, s.call(LuaValue.FALSE));
        clockNs.addAndGet(1_000_000_000L);
        assertEquals(CallOutcome.BLOCK, s.call(LuaValue.FALSE), "expired after 10 s");
        assertEquals(0, tables.find("ttl").count());
    }

    @Test
    void shouldExpireEntriesByEntryTtl() throws Exception {
        ScriptState s = state("local t = shared.table('ettl')\nfunction filter(p) "
                + "if p then t:set('short', 1, 1) t:set('long', 1) end return t.short ~= nil, t.long end");
        s.call(LuaValue.TRUE);
        SharedTable t = tables.find("ettl");
        clockNs.addAndGet(2_000_000_000L);
        assertEquals(null, t.get("short"));
        assertEquals(1.0, t.get("long"));
        assertEquals(1, t.count());
    }

    @Test
    void shouldIncrementAtomicallyKeepingTheFirstExpiry() throws Exception {
        ScriptState s =
                state("local t = shared.table('rate', {ttl = 1})\nfunction filter(p) return t:incr('ip') <= 2 end");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL));
        clockNs.addAndGet(500_000_000L);
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL));
        assertEquals(CallOutcome.BLOCK, s.call(LuaValue.NIL));
        clockNs.addAndGet(500_000_000L);
        assertEquals(CallOutcome.PASS, s.call(LuaValue.NIL), "the window of the first increment ended");
    }

    @Test
    void shouldRefuseIncrementOfNonNumber() throws Exception {
        ScriptState s = state("local t = shared.table('inc')\nfunction filter() t.k = 'x' return t:incr('k', 2) end");
        assertEquals(CallOutcome.LUA_ERROR, s.call(LuaValue.NIL));
        assertTrue(lastError().contains("cannot increment key 'k'"), lastError());
    }

    @Test
    void shouldBoundEntriesPerTable() throws Exception {
        ScriptState s =
                state("local t = shared.table('small', {max = 3})\nfunction filter(p) t[p] = true return true end");
        for (int i = 0; i < 3; i++) {
            assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf("k" + i)));
        }
        assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf("k0")), "overwriting needs no room");
        assertEquals(CallOutcome.LUA_ERROR, s.call(LuaValue.valueOf("k3")));
        assertTrue(lastError().contains("shared table 'small' is full (3 entries)"), lastError());
    }

    @Test
    void shouldMakeRoomByPurgingExpiredEntriesWhenFull() throws Exception {
        ScriptState s = state(
                "local t = shared.table('purge', {max = 2, ttl = 1})\nfunction filter(p) t[p] = 1 return true end");
        s.call(LuaValue.valueOf("a"));
        s.call(LuaValue.valueOf("b"));
        clockNs.addAndGet(2_000_000_000L);
        assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf("c")), lastError());
    }

    @Test
    void shouldCountIncrementsFromManyThreadsExactly() throws Exception {
        int threads = 4;
        int perThread = 20_000;
        List<ScriptState> states = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            states.add(state("local t = shared.table('hits')\nfunction filter() t:incr('n') t:incr('k' .. (t.n % 7)) "
                    + "return true end"));
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<CallTally> tallies = new ArrayList<>();
        for (ScriptState st : states) {
            CallTally tally = new CallTally();
            tallies.add(tally);
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    tally.call(st, LuaValue.NIL);
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        SharedTable t = tables.find("hits");
        assertNotNull(t);
        assertEquals((double) threads * perThread, t.get("n"), String.valueOf(errors));
        double sum = 0;
        for (int k = 0; k < 7; k++) {
            Object v = t.get("k" + k);
            sum += v == null ? 0 : (Double) v;
        }
        assertEquals((double) threads * perThread, sum);
        for (CallTally tally : tallies) {
            assertEquals(perThread, tally.passed());
        }
    }

    @Test
    void shouldLimitTheNumberOfTables() throws Exception {
        ScriptState s = state("function filter(p) shared.table('t' .. p) return true end");
        for (int i = 0; i < SharedTables.MAX_TABLES; i++) {
            assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf(i)));
        }
        assertEquals(CallOutcome.LUA_ERROR, s.call(LuaValue.valueOf(-1)));
        assertTrue(lastError().contains("too many shared tables"), lastError());
        assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf(0)), "existing tables stay reachable");
    }

    @Test
    void shouldRejectMethodCallsWithoutHandle() throws Exception {
        ScriptState s = state("local t = shared.table('x')\nfunction filter() return t.get('k') end");
        assertEquals(CallOutcome.LUA_ERROR, s.call(LuaValue.NIL));
        assertTrue(lastError().contains("with ':'"), lastError());
    }

    @Test
    void shouldUseStandardRegistryByDefault() throws Exception {
        ScriptState a = ScriptState.load(ScriptOptions.of(
                        "a.lua", "local t = shared.table('std-test')\n" + "function filter() t.x = 1 return true end")
                .withErrorListener(ScriptErrorListener.IGNORE));
        a.call(LuaValue.NIL);
        assertEquals(1.0, SharedTables.global().find("std-test").get("x"));
    }
}
