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

    private NameTable(LuaString[] keys, LuaValue[] values) {
        this.keys = keys;
        this.values = values;
        this.mask = keys.length - 1;
    }

    /**
     * A snapshot of the string keys of {@code t} (other keys are left out), made canonical. Safe to publish to
     * other threads through a final or volatile field, or by class initialisation.
     */
    public static NameTable of(LuaTable t) {
        int capacity = Integer.highestOneBit(Math.max(4, t.keyCount() * 4) - 1) << 1;
        LuaString[] keys = new LuaString[capacity];
        LuaValue[] values = new LuaValue[capacity];
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs next = t.next(k);
            if ((k = next.arg1()).isnil()) {
                break;
            }
            if (k instanceof LuaString s) {
                LuaString key = CanonicalStrings.canonical(s);
                int i = key.hashCode() & (capacity - 1);
                while (keys[i] != null) {
                    i = (i + 1) & (capacity - 1);
                }
                keys[i] = key;
                values[i] = next.arg(2);
            }
        }
        return new NameTable(keys, values);
    }

    /**
     * Sets the value of a key already present and returns true; returns false (changing nothing) when absent.
     * Only for tables owned by one thread ({@link NameMirror}).
     */
    boolean replace(LuaString key, LuaValue value) {
        int i = slot(key);
        if (i < 0) {
            return false;
        }
        values[i] = value;
        return true;
    }

    private int slot(LuaString s) {
        LuaString[] k = keys;
        int i = s.hashCode() & mask;
        while (true) {
            LuaString e = k[i];
            if (e == s) {
                return i;
            }
            if (e == null) {
                return -1;
            }
            if (e.raweq(s)) {
                return i;
            }
            i = (i + 1) & mask;
        }
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
