package io.npflua.lua.sandbox;

import io.npflua.lua.compiler.CompiledFunction;
import io.npflua.lua.string.SegmentBytes;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.UpValue;
import org.luaj.vm2.Varargs;

/**
 * Estimates what a Lua state keeps: the heap reachable from its globals through tables (keys, values,
 * metatables), closures (upvalues) and userdata (owned bytes of data objects). An estimate on HotSpot's usual
 * object sizes with compressed pointers, not an exact count: it is there to tell a state holding tens of megabytes
 * from one holding kilobytes.
 *
 * <p>Why a walk and not an allocator limit (as Lua's {@code lua_setallocf} offers): LuaJ allocates on the JVM heap
 * with no hook, and the JVM counts allocation per thread, not what stays reachable. So {@link ScriptState} samples
 * the thread's allocation and walks its state only after a quarter of the limit has been allocated since the last
 * walk; a script that allocates nothing never pays for a walk. The walk stops as soon as the limit is passed, so
 * it costs at most about one limit's worth of objects.
 *
 * <p>Library functions are not counted (they are the sandbox's), nor are {@code shared} tables (they belong to the
 * engine and have their own bounds: their handles count as small userdata), and a string is counted once per
 * walk even when other states share it.
 */
final class StateMemory {
    private static final long TABLE = 64;
    private static final long ARRAY_SLOT = 8;
    private static final long HASH_ENTRY = 40;
    private static final long STRING = 40;
    private static final long NUMBER = 16;
    private static final long CLOSURE = 40;
    private static final long UPVALUE = 24;
    private static final long USERDATA = 48;

    private StateMemory() {}

    /** The estimated bytes reachable from {@code root}, or some value above {@code cap} once it passes it. */
    static long retained(LuaValue root, long cap) {
        IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<LuaValue> todo = new ArrayDeque<>();
        todo.push(root);
        seen.put(root, Boolean.TRUE);
        long size = 0;
        while (!todo.isEmpty() && size <= cap) {
            LuaValue v = todo.pop();
            if (v instanceof LuaTable t) {
                size += TABLE;
                int sequence = t.rawlen();
                LuaValue k = LuaValue.NIL;
                while (size <= cap) {
                    Varargs n = t.next(k);
                    if ((k = n.arg1()).isnil()) {
                        break;
                    }
                    boolean inArray = k.isinttype() && k.toint() >= 1 && k.toint() <= sequence;
                    size += (inArray ? ARRAY_SLOT : HASH_ENTRY + visit(k, seen, todo)) + visit(n.arg(2), seen, todo);
                }
                size += visit(t.getmetatable(), seen, todo);
            } else if (v instanceof LuaClosure c) {
                size += CLOSURE + upvalues(c.upValues, seen, todo);
            } else if (v instanceof CompiledFunction f) {
                size += CLOSURE + upvalues(f.upValues(), seen, todo);
            } else if (v instanceof LuaUserdata u) {
                // a data object's own bytes (a packet view kept past its call has expired: length 0)
                size += USERDATA + (u instanceof SegmentBytes b ? b.length() : 0);
                size += visit(u.getmetatable(), seen, todo);
            }
        }
        return size;
    }

    private static long upvalues(UpValue[] ups, IdentityHashMap<Object, Boolean> seen, ArrayDeque<LuaValue> todo) {
        long size = 0;
        if (ups != null) {
            for (UpValue up : ups) {
                if (up != null) {
                    size += UPVALUE + visit(up.getValue(), seen, todo);
                }
            }
        }
        return size;
    }

    /** The size of a leaf value, or 0 after queueing a container not seen yet. */
    private static long visit(LuaValue v, IdentityHashMap<Object, Boolean> seen, ArrayDeque<LuaValue> todo) {
        if (v == null || v.isnil() || v.isboolean()) {
            return 0;
        }
        if (v instanceof LuaString s) {
            return seen.put(s, Boolean.TRUE) == null ? STRING + s.m_length : 0;
        }
        if (v.isnumber()) {
            return NUMBER;
        }
        if (v instanceof LuaTable
                || v instanceof LuaClosure
                || v instanceof CompiledFunction
                || v instanceof LuaUserdata) {
            if (seen.put(v, Boolean.TRUE) == null) {
                todo.push(v);
            }
        }
        return 0;
    }
}
