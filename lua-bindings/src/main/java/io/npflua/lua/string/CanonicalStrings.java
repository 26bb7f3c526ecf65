package io.npflua.lua.string;

import java.util.concurrent.ConcurrentHashMap;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;

/**
 * One JVM-wide instance per library name ({@code "tostring"}, {@code "match"}, {@code "udp"}, a layout field name),
 * so that a script's constant and the library table's key are the same object and a table lookup ends at
 * {@link LuaString#raweq(LuaString)}'s identity test instead of comparing bytes.
 *
 * <p>LuaJ gives no such guarantee: its compiler shares equal strings only within one chunk, and its
 * recent-strings cache (128 slots) forgets. Together with {@link NameTable} this took the seed RTP filter from 139
 * to about 110 ns ({@code SeedScriptBenchmark.rtpFilter}; docs/benchmarks.md, "Profiles").
 *
 * <p>Only names registered by library code ({@link #of(String)}, {@link #adoptKeys(LuaTable)}) become canonical, so
 * the set is bounded by what the libraries define; script constants are swapped for the canonical instance when one
 * exists ({@link #adoptConstants(Prototype)}) and never added. Equality semantics are unchanged: equal strings
 * still compare equal, they are only found faster. Thread-safe.
 */
public final class CanonicalStrings {
    /** Longer names are left alone: library names are short, and LuaString compares long ones by hash first. */
    private static final int MAX_LENGTH = 40;

    private static final ConcurrentHashMap<LuaString, LuaString> CANONICAL = new ConcurrentHashMap<>();

    private CanonicalStrings() {}

    /** The canonical instance of {@code name}, registering it when it is the first. */
    public static LuaString of(String name) {
        return register(LuaString.valueOf(name));
    }

    private static LuaString register(LuaString s) {
        if (s.m_length > MAX_LENGTH) {
            return s;
        }
        LuaString c = CANONICAL.putIfAbsent(s, s);
        return c == null ? s : c;
    }

    /** The canonical instance equal to {@code s}, or {@code s} itself when none is registered. */
    public static LuaString canonical(LuaString s) {
        if (s.m_length > MAX_LENGTH) {
            return s;
        }
        LuaString c = CANONICAL.get(s);
        return c == null ? s : c;
    }

    /**
     * Re-keys a library table so that its string keys are canonical (registering names not seen before); values
     * are kept. Call on tables that library code built, before any script sees them — never on script tables.
     */
    public static LuaTable adoptKeys(LuaTable t) {
        int n = 0;
        LuaString[] keys = new LuaString[t.keyCount()];
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs next = t.next(k);
            if ((k = next.arg1()).isnil()) {
                break;
            }
            if (k instanceof LuaString s && n < keys.length) {
                keys[n++] = s;
            }
        }
        for (int i = 0; i < n; i++) {
            LuaString s = keys[i];
            LuaString c = register(s);
            if (c != s) {
                LuaValue v = t.rawget(s);
                t.rawset(s, LuaValue.NIL);
                t.rawset(c, v);
            }
        }
        return t;
    }

    /** Swaps the string constants of {@code p} and its nested functions for canonical instances where known. */
    public static void adoptConstants(Prototype p) {
        LuaValue[] k = p.k;
        if (k != null) {
            for (int i = 0; i < k.length; i++) {
                if (k[i] instanceof LuaString s) {
                    k[i] = canonical(s);
                }
            }
        }
        if (p.p != null) {
            for (Prototype child : p.p) {
                adoptConstants(child);
            }
        }
    }
}
