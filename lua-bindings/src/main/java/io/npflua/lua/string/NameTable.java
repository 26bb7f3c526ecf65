package io.npflua.lua.string;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * An immutable string-keyed lookup table for library names (methods of data objects, the string methods): open
 * addressing over parallel arrays, keys compared by identity first ({@link CanonicalStrings} makes script constants
 * identical to these keys), by content otherwise.
 *
 * <p>Why not a {@link LuaTable}: its hash part is a chain of {@code Slot} interface objects of several classes, so
 * every lookup of every table in the JVM goes through the same megamorphic interface calls; on the seed RTP filter
 * those lookups were a quarter of the time. Allocation-free; thread-safe (never modified after construction).
 */
public final class NameTable {
    private final LuaString[] keys;
    private final LuaValue[] values;
    private final int mask;

    private NameTable(int capacity) {
        keys = new LuaString[capacity];
        values = new LuaValue[capacity];
        mask = capacity - 1;
    }

    /** A snapshot of the string keys of {@code t} (other keys are left out), made canonical. */
    public static NameTable of(LuaTable t) {
        int n = t.keyCount();
        NameTable table = new NameTable(Integer.highestOneBit(Math.max(4, n * 4) - 1) << 1);
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs next = t.next(k);
            if ((k = next.arg1()).isnil()) {
                break;
            }
            if (k instanceof LuaString s) {
                table.put(CanonicalStrings.canonical(s), next.arg(2));
            }
        }
        return table;
    }

    private void put(LuaString key, LuaValue value) {
        int i = key.hashCode() & mask;
        while (keys[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
    }

    /** The value of {@code key}, or {@code NIL}. Allocation-free. */
    public LuaValue get(LuaValue key) {
        if (!(key instanceof LuaString s)) {
            return LuaValue.NIL;
        }
        LuaString[] k = keys;
        int i = s.hashCode() & mask;
        while (true) {
            LuaString e = k[i];
            if (e == s) {
                return values[i];
            }
            if (e == null) {
                return LuaValue.NIL;
            }
            if (e.raweq(s)) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
    }
}
