package io.npflua.lua.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

/** {@code alert(message [, fields])}: copied out during the call, bounded, with errors that name the bound. */
class AlertTest {
    private final ScriptFixture fx = new ScriptFixture();
    private final List<String> messages = new ArrayList<>();
    private final List<Map<String, Object>> recorded = new ArrayList<>();
    private boolean accept = true;

    private ScriptState load(String source) throws ScriptLoadException {
        return ScriptState.load(fx.options("ids.lua", source).withAlertSink((script, message, fields) -> {
            messages.add(script + ": " + message.tojstring());
            Map<String, Object> copy = new TreeMap<>();
            for (int i = 0; i < fields.count(); i++) {
                LuaValue v = fields.value(i);
                copy.put(
                        fields.name(i).tojstring(),
                        v.isboolean()
                                ? (Object) v.toboolean()
                                : v.type() == LuaValue.TNUMBER ? v.todouble() : v.tojstring());
            }
            recorded.add(copy);
            return accept;
        }));
    }

    @Test
    void shouldRecordAnAlertWithItsFieldsWithoutDeciding() throws Exception {
        ScriptState s = load("""
                function filter(p)
                  local ok = alert('odd banner', {software = 'OpenSSH_6.4', port = 22, tls = false})
                  return ok
                end
                """);
        assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf(1)), "alert returned true: recorded");
        assertEquals(List.of("ids.lua: odd banner"), messages);
        assertEquals(Map.of("software", "OpenSSH_6.4", "port", 22.0, "tls", false), recorded.get(0));
        accept = false;
        assertEquals(CallOutcome.BLOCK, s.call(LuaValue.valueOf(1)), "alert returned false: dropped");
    }

    @Test
    void shouldAcceptAMessageAloneOrANumber() throws Exception {
        ScriptState s = load("function filter(p) alert('just this'); alert(42); return true end");
        assertEquals(CallOutcome.PASS, s.call(LuaValue.valueOf(1)));
        assertEquals(List.of("ids.lua: just this", "ids.lua: 42"), messages);
        assertEquals(Map.of(), recorded.get(0));
    }

    @Test
    void shouldRefuseFieldsBeyondTheBoundsWithAClearError() throws Exception {
        String[][] cases = {
            {"alert('x', {t = {}})", "alert: field 't' is a table; fields are strings, numbers or booleans"},
            {"alert('x', {1, 2})", "alert: field names must be strings (got a number)"},
            {"alert('x', {s = ('a'):rep(257)})", "alert: field 's' is longer than 256 bytes"},
            {"alert(('m'):rep(513))", "alert: message longer than 512 bytes"},
            {"local t = {} for i = 1, 17 do t['f' .. i] = i end alert('x', t)", "alert: more than 16 fields"},
            {"alert({})", "bad argument #1 to 'alert' (string expected, got table)"},
            {"alert('x', 'y')", "bad argument #2 to 'alert' (table expected, got string)"},
            {"alert('x', {[('n'):rep(65)] = 1})", "alert: field name longer than 64 bytes"},
        };
        for (String[] c : cases) {
            ScriptState s = load("function filter(p) " + c[0] + " return true end");
            assertEquals(CallOutcome.LUA_ERROR, s.call(LuaValue.valueOf(1)), c[0]);
            assertTrue(fx.lastError().contains(c[1]), fx.lastError() + " should contain " + c[1]);
        }
        assertTrue(messages.isEmpty(), "nothing recorded: " + messages);
    }

    @Test
    void shouldGoNowhereByDefault() throws Exception {
        ScriptState s = fx.load("function filter(p) return alert('x') end");
        assertEquals(CallOutcome.BLOCK, s.call(LuaValue.valueOf(1)), "no sink: alert returns false");
    }
}
