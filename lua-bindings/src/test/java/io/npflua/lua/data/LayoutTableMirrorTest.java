package io.npflua.lua.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A layout table reads its names through a mirror ({@code NameMirror}); this drives one and a plain LuaJ table with
 * the same random writes (new names, overwrites, removals, integer keys, growth past rehashes, every write method)
 * and reads, and requires the same answer to every read.
 */
class LayoutTableMirrorTest {
    @Test
    void shouldAnswerEveryReadAsAPlainTableDoes() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            LayoutTable mirrored = new LayoutTable();
            LuaTable plain = new LuaTable();
            LuaString[] names = new LuaString[40 + rnd.nextInt(200)];
            for (int i = 0; i < names.length; i++) {
                // distinct objects with equal contents half of the time: lookups must not depend on identity
                names[i] = LuaString.valueOf(("f" + rnd.nextInt(names.length)).getBytes());
            }
            for (int step = 0; step < 5_000; step++) {
                LuaString k = names[rnd.nextInt(names.length)];
                LuaValue v = switch (rnd.nextInt(5)) {
                    case 0 -> LuaValue.NIL;
                    case 1 -> LuaValue.valueOf(step);
                    case 2 -> LuaValue.valueOf("v" + step);
                    default -> LuaValue.TRUE;
                };
                switch (rnd.nextInt(6)) {
                    case 0 -> {
                        mirrored.rawset(k, v);
                        plain.rawset(k, v);
                    }
                    case 1 -> {
                        mirrored.set(k, v);
                        plain.set(k, v);
                    }
                    case 2 -> {
                        int i = 1 + rnd.nextInt(8);
                        mirrored.rawset(i, v);
                        plain.rawset(i, v);
                    }
                    default -> {
                        // reads, many of them: they are what builds and rebuilds the mirror
                        LuaString probe = LuaString.valueOf(
                                names[rnd.nextInt(names.length)].tojstring().getBytes());
                        assertEquals(plain.rawget(probe), mirrored.rawget(probe), "seed " + seed + " step " + step);
                        assertEquals(plain.get(probe), mirrored.get(probe), "seed " + seed + " step " + step);
                    }
                }
            }
            for (LuaString k : names) {
                assertEquals(plain.rawget(k), mirrored.rawget(k), "seed " + seed + " final " + k);
            }
            assertEquals(count(plain), count(mirrored), "seed " + seed + ": same number of entries");
        }
    }

    private static int count(LuaTable t) {
        int n = 0;
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs next = t.next(k);
            if ((k = next.arg1()).isnil()) {
                return n;
            }
            n++;
        }
    }
}
