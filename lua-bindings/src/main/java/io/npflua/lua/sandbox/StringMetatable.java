package io.npflua.lua.sandbox;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The one place that decides which string library every sandboxed state sees.
 *
 * <p>In LuaJ the metatable of all strings ({@code LuaString.s_metatable}, which makes {@code s:upper()} work) is a
 * single JVM-wide static. This class pins a <em>read-only</em> metatable there whose {@code __index} is a
 * read-only table of the string functions, and every state's global {@code string} is that same read-only table.
 * So no script can change string methods for another script: {@code getmetatable('').__index.upper = nil} and
 * {@code string.upper = nil} raise an error instead.
 *
 * <p><b>Install point for the string library.</b> Until the project's own library is wired in, the stock LuaJ
 * functions are used, minus {@code dump}, with {@code rep} capped at {@link SandboxLimits#MAX_STRING_BYTES} and
 * charged per byte ({@link SandboxLimits#chargeBytes}); the stock {@code format}, {@code gsub} and {@code byte}
 * are neither capped nor charged. The
 * new library replaces them with one call, before any state is created:
 * <pre>{@code StringMetatable.install(ourStringFunctions); // a LuaTable name -> function}</pre>
 * {@code install} drops {@code dump} whatever the table holds.
 */
public final class StringMetatable {
    private static volatile ReadOnlyTable functions;
    private static volatile ReadOnlyTable metatable;

    static {
        install(stockFunctions());
    }

    private StringMetatable() {
    }

    /**
     * Makes {@code stringFunctions} (name → function) the string library of every state created from now on and
     * of {@code s:method()} calls in every state. Copies the table; {@code dump} is removed.
     */
    public static synchronized void install(LuaTable stringFunctions) {
        LuaTable copy = new LuaTable();
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = stringFunctions.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            copy.rawset(k, n.arg(2));
        }
        copy.rawset("dump", LuaValue.NIL);
        ReadOnlyTable f = new ReadOnlyTable("the string library", copy);
        LuaTable mt = new LuaTable();
        mt.rawset(LuaValue.INDEX, f);
        functions = f;
        metatable = new ReadOnlyTable("the string metatable", mt);
        LuaString.s_metatable = metatable;
    }

    /** The read-only table every state sees as its global {@code string}. */
    public static LuaTable functions() {
        return functions;
    }

    /**
     * Re-asserts the pinned metatable (a stock LuaJ library loaded by some other code may have replaced it).
     * Called whenever a state is created.
     */
    public static void pin() {
        if (LuaString.s_metatable != metatable) {
            LuaString.s_metatable = metatable;
        }
    }

    /** The pinned string metatable (what {@code getmetatable('')} returns). */
    public static LuaTable metatable() {
        return metatable;
    }

    /** LuaJ's stock string functions, without {@code dump}, with {@code rep} capped. */
    private static LuaTable stockFunctions() {
        LuaValue previous = LuaString.s_metatable;
        LuaTable env = new LuaTable();
        LuaTable pkg = new LuaTable();
        pkg.rawset("loaded", new LuaTable());
        env.rawset("package", pkg);
        LuaTable stock = new StringLib().call(LuaValue.EMPTYSTRING, env).checktable();
        LuaString.s_metatable = previous;
        LuaValue rep = stock.rawget("rep");
        stock.rawset("rep", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaString s = args.checkstring(1);
                int n = args.checkint(2);
                long length = (long) s.m_length * Math.max(n, 0);
                SandboxLimits.checkStringLength(length);
                SandboxLimits.chargeBytes(length);
                return rep.invoke(args);
            }
        });
        return stock;
    }
}
