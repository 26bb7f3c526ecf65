package io.npflua.lua.sandbox;

import io.npflua.lua.compiler.LuaCompiler;
import io.npflua.lua.core.InstructionBudget;
import io.npflua.lua.core.ModuleLoader;
import io.npflua.lua.string.CanonicalStrings;
import io.npflua.lua.string.LuaNumbers;
import io.npflua.lua.string.LuaStrings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.Bit32Lib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.OsLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Builds the globals of one sandboxed state: what a script can reach, and nothing else.
 *
 * <p>Present: base functions ({@code assert error getmetatable ipairs next pairs pcall rawequal rawget rawlen
 * rawset select setmetatable tonumber tostring type xpcall _G _VERSION}), {@code load} of text chunks only,
 * {@code collectgarbage("count")} (other options are no-ops), {@code print} to the engine's {@link PrintSink}, {@code alert} to its {@link AlertSink},
 * {@code require} of registered modules only, {@code string} (read-only, see {@link StringMetatable}),
 * {@code table} (with {@code concat} capped), {@code math}, {@code bit32}, {@code os.time/clock/date}, a
 * {@code package} table holding only {@code loaded}, and every module of the {@link ModuleRegistry}.
 * Absent: {@code io}, {@code debug}, {@code luajava}, {@code coroutine}, {@code dofile}, {@code loadfile},
 * {@code package.loadlib}/{@code path}/{@code searchers}, {@code string.dump}, the rest of {@code os}.
 */
final class SandboxGlobals {
    private static final int MAX_PRINT_CHARS = 4096;
    /**
     * Benchmarks only: compiled code without its per-block budget checks, to measure what they cost. Never set in
     * production: such a script cannot be cut off.
     */
    static final String UNMETERED_PROPERTY = "npflua.lua.compiler.unmetered";

    private static final Set<String> RESERVED = Set.of(
            "_G",
            "_VERSION",
            "assert",
            "collectgarbage",
            "error",
            "getmetatable",
            "ipairs",
            "load",
            "next",
            "pairs",
            "pcall",
            "print",
            "alert",
            "rawequal",
            "rawget",
            "rawlen",
            "rawset",
            "require",
            "select",
            "setmetatable",
            "tonumber",
            "tostring",
            "type",
            "xpcall",
            "string",
            "table",
            "math",
            "bit32",
            "os",
            "package",
            "io",
            "debug",
            "coroutine",
            "luajava",
            "dofile",
            "loadfile",
            "unpack",
            "loadstring",
            "module");

    private SandboxGlobals() {}

    static boolean isReservedName(String name) {
        return RESERVED.contains(name);
    }

    /** Creates the globals of a new state; {@code hook} becomes its {@code debuglib} (never visible to scripts). */
    static Globals create(
            String scriptName, PrintSink printSink, AlertSink alertSink, ModuleRegistry modules, BudgetHook hook) {
        StringMetatable.pin();
        Globals g = new MirroredGlobals();
        LuaTable loaded = new LuaTable();
        LuaTable pkg = new LuaTable();
        pkg.rawset("loaded", loaded);
        g.rawset("package", pkg);

        g.load(new BaseLib());
        g.finder = name -> null;
        LuaStrings.install(g); // our string library; also a tostring that prints numbers as Lua does
        LuaValue tostring = g.rawget("tostring");
        for (String absent : new String[] {"dofile", "loadfile", "loadstring", "print", "load", "collectgarbage"}) {
            g.rawset(absent, LuaValue.NIL);
        }
        g.rawset("print", new Print(scriptName, printSink, tostring));
        g.rawset("alert", new Alert(scriptName, alertSink));
        g.rawset("error", new ErrorFunction(g.rawget("error")));
        g.rawset("load", new Load(g));
        g.rawset("collectgarbage", new CollectGarbage());
        g.rawset("require", new Require(g, loaded, modules, scriptName));

        g.load(new TableLib());
        LuaTable table = g.rawget("table").checktable();
        table.rawset("concat", new CappedConcat(table.rawget("concat")));
        table.rawset("unpack", new CappedUnpack(table.rawget("unpack")));
        g.load(new JseMathLib());
        g.load(new Bit32Lib());
        LuaCompat.install(g);

        Globals scratch = new Globals();
        LuaTable scratchPkg = new LuaTable();
        scratchPkg.rawset("loaded", new LuaTable());
        scratch.rawset("package", scratchPkg);
        LuaTable fullOs = new OsLib().call(LuaValue.valueOf("os"), scratch).checktable();
        LuaTable os = new LuaTable();
        for (String f : new String[] {"time", "clock", "date"}) {
            os.rawset(f, fullOs.rawget(f));
        }
        g.rawset("os", os);

        LuaTable string = StringMetatable.newStateTable();
        g.rawset("string", string);

        // The libraries registered themselves in package.loaded; keep only what the sandbox offers.
        for (String lib : new String[] {"_G", "table", "math", "bit32"}) {
            loaded.rawset(lib, g.rawget(lib));
        }
        loaded.rawset("string", string);
        loaded.rawset("os", os);
        for (String other : new String[] {"io", "debug", "coroutine", "luajava", "package"}) {
            loaded.rawset(other, LuaValue.NIL);
        }

        for (String name : modules.names()) {
            LuaValue module = modules.find(name).open(g, scriptName);
            loaded.rawset(name, module);
            g.rawset(name, module);
        }

        adoptLibraryKeys(g);
        LuaC.install(g);
        g.undumper = null; // no binary chunks, ever (kern.lua.bytecode=0)
        g.debuglib = hook;
        StringMetatable.pin();
        return g;
    }

    /** Makes the names of the globals and of each library table canonical ({@link CanonicalStrings}). */
    private static void adoptLibraryKeys(Globals g) {
        CanonicalStrings.adoptKeys(g);
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs next = g.next(k);
            if ((k = next.arg1()).isnil()) {
                break;
            }
            if (next.arg(2) instanceof LuaTable lib && lib != g) {
                CanonicalStrings.adoptKeys(lib);
            }
        }
    }

    /**
     * A compiled chunk's main function and how each of its functions runs; {@code classes} keeps the compiled
     * classes (shared with the other states of the same script) alive while the state holds it.
     */
    record Chunk(LuaFunction function, List<LuaCompiler.FunctionReport> functions, Object classes) {}

    /**
     * Compiles {@code source} as a text chunk (refusing binary chunks) into a function of state {@code g} whose
     * global environment is {@code env}. With a non-null {@code hook} the compiled functions are adopted by it
     * (the script's own source) and run as {@code model} says; without, they are tracked dynamically and
     * interpreted (chunks compiled by {@code load}).
     */
    static Chunk compile(
            Globals g, byte[] source, String chunkName, LuaValue env, BudgetHook hook, ExecutionModel model) {
        if (source.length > 0 && source[0] == 0x1b) {
            throw new LuaError("binary (precompiled) chunks are refused by the npflua sandbox; load Lua source text");
        }
        Prototype p;
        try {
            p = g.compilePrototype(new ByteArrayInputStream(UnicodeEscapes.rewrite(source)), chunkName);
        } catch (IOException e) {
            throw new LuaError(e);
        } catch (LuaError e) {
            throw e;
        } catch (RuntimeException e) {
            // LuaJ's compiler throws NullPointerException and others past its limits (about 200 locals).
            throw new LuaError(
                    chunkName + ": the Lua compiler failed (" + e.getClass().getSimpleName()
                            + "): the chunk is past one of its limits (too many local variables or upvalues in a function?)");
        }
        CanonicalStrings.adoptConstants(p);
        if (hook != null) {
            p = CheckedPrototype.adopt(hook, p);
        }
        if (hook != null && model == ExecutionModel.COMPILED) {
            String sourceKey = chunkName + "\n" + new String(source, StandardCharsets.ISO_8859_1);
            LuaCompiler.Chunk chunk = LuaCompiler.compile(
                    p, g, hook, !Boolean.getBoolean(UNMETERED_PROPERTY), g.rawget("tostring"), sourceKey);
            return new Chunk(chunk.function(env), chunk.functions(), chunk);
        }
        // The interpreter calls the hook only for closures whose environment is the Globals object itself, so the
        // closure is created with g and a different environment is set into its _ENV upvalue afterwards.
        LuaClosure f = new LuaClosure(p, g);
        if (env != g && f.upValues.length > 0) {
            f.upValues[0].setValue(env);
        }
        return new Chunk(
                f,
                List.of(new LuaCompiler.FunctionReport(
                        "main chunk",
                        false,
                        hook == null ? "a chunk of load()" : "interpreter chosen by option",
                        0,
                        0)),
                null);
    }

    /** {@code print(...)}: one line to the sink, prefixed by the sink with the script's name. */
    private static final class Print extends VarArgFunction {
        private final String scriptName;
        private final PrintSink sink;
        private final LuaValue tostring;

        Print(String scriptName, PrintSink sink, LuaValue tostring) {
            this.scriptName = scriptName;
            this.sink = sink;
            this.tostring = tostring;
        }

        @Override
        public Varargs invoke(Varargs args) {
            StringBuilder line = new StringBuilder();
            for (int i = 1, n = args.narg(); i <= n && line.length() <= MAX_PRINT_CHARS; i++) {
                if (i > 1) {
                    line.append('\t');
                }
                line.append(tostring.call(args.arg(i)).tojstring());
            }
            if (line.length() > MAX_PRINT_CHARS) {
                line.setLength(MAX_PRINT_CHARS);
                line.append("... (truncated)");
            }
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\n' || c == '\r') {
                    line.setCharAt(i, ' '); // one line per call: the log stays parseable
                }
            }
            sink.print(scriptName, line.toString());
            return NONE;
        }
    }

    /**
     * {@code alert(message [, fields])}: an event that decides nothing. The message is a string (a number is taken
     * as its string) of at most {@link SandboxLimits#MAX_ALERT_MESSAGE_BYTES} bytes; {@code fields} a flat table of
     * strings, numbers and booleans (see {@link AlertFields} for the bounds). A bound broken is a Lua error that
     * names it. Returns true when the event was recorded, false when it was dropped (no event log, rate limit, full
     * queue). Allocates only what iterating the script's table costs.
     */
    private static final class Alert extends VarArgFunction {
        private final String scriptName;
        private final AlertSink sink;
        private final AlertFields fields = new AlertFields();

        Alert(String scriptName, AlertSink sink) {
            this.scriptName = scriptName;
            this.sink = sink;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue m = args.arg1();
            if (!(m instanceof LuaString) && !m.isnumber()) {
                throw new LuaError("bad argument #1 to 'alert' (string expected, got " + m.typename() + ")");
            }
            LuaString message = m.strvalue();
            if (message.length() > SandboxLimits.MAX_ALERT_MESSAGE_BYTES) {
                throw new LuaError("alert: message longer than " + SandboxLimits.MAX_ALERT_MESSAGE_BYTES + " bytes");
            }
            LuaValue t = args.arg(2);
            fields.clear();
            try {
                if (!t.isnil()) {
                    if (!t.istable()) {
                        throw new LuaError("bad argument #2 to 'alert' (table expected, got " + t.typename() + ")");
                    }
                    LuaValue k = LuaValue.NIL;
                    while (true) {
                        Varargs next = t.checktable().next(k);
                        k = next.arg1();
                        if (k.isnil()) {
                            break;
                        }
                        String error = fields.add(k, next.arg(2));
                        if (error != null) {
                            throw new LuaError("alert: " + error);
                        }
                    }
                }
                return LuaValue.valueOf(sink.alert(scriptName, message, fields));
            } finally {
                fields.clear();
            }
        }
    }

    /**
     * {@code error(v [, level])}: LuaJ's, except that {@code error(nil)} raises nil (LuaJ raises "null") and a number
     * is raised as the number (LuaJ turns it into a string with a position).
     */
    private static final class ErrorFunction extends VarArgFunction {
        private final LuaValue stock;

        ErrorFunction(LuaValue stock) {
            this.stock = stock;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue v = args.arg1();
            if (v.isnil() || v.type() == TNUMBER) {
                throw new LuaError(v); // the value itself, never converted (Lua 5.3+: error(42) raises 42)
            }
            return stock.invoke(args);
        }
    }

    /** {@code load(chunk [, chunkname [, mode [, env]]])} for text chunks only. */
    private static final class Load extends VarArgFunction {
        private final Globals globals;

        Load(Globals globals) {
            this.globals = globals;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue chunk = args.arg1();
            String chunkName = args.optjstring(2, "(load)");
            String mode = args.optjstring(3, "bt");
            LuaValue env = args.optvalue(4, globals);
            if (mode.indexOf('t') < 0) {
                return varargsOf(
                        NIL,
                        valueOf("attempt to load a text chunk (mode is '" + mode
                                + "'): the npflua sandbox loads text chunks only"));
            }
            byte[] source;
            if (chunk.isstring()) {
                LuaString s = chunk.checkstring();
                source = new byte[s.m_length];
                s.copyInto(0, source, 0, s.m_length);
            } else if (chunk.isfunction()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (LuaValue piece = chunk.call(); !piece.isnil() && piece.length() > 0; piece = chunk.call()) {
                    LuaString s = piece.checkstring();
                    SandboxLimits.checkStringLength((long) out.size() + s.m_length);
                    out.write(s.m_bytes, s.m_offset, s.m_length);
                }
                source = out.toByteArray();
            } else {
                return argerror(1, "string or function expected");
            }
            // Compiling is work inside one instruction: charge it (about one step per 8 bytes of source).
            InstructionBudget.current().charge(1 + source.length / 8);
            try {
                return compile(globals, source, chunkName, env, null, ExecutionModel.INTERPRETED)
                        .function();
            } catch (LuaError e) {
                return varargsOf(NIL, valueOf(String.valueOf(e.getMessage()).strip()));
            }
        }
    }

    /** {@code collectgarbage(opt)}: "count" reports; collection requests are no-ops on a shared JVM. */
    private static final class CollectGarbage extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            String opt = args.optjstring(1, "collect");
            switch (opt) {
                case "count": {
                    Runtime rt = Runtime.getRuntime();
                    return valueOf((rt.totalMemory() - rt.freeMemory()) / 1024.0);
                }
                case "isrunning":
                    return TRUE;
                case "collect", "step", "stop", "restart", "incremental", "generational", "setpause", "setstepmul":
                    // A full GC per packet would stall every worker of the JVM: collection stays the JVM's call.
                    return ZERO;
                default:
                    return argerror(1, "invalid option '" + opt + "'");
            }
        }
    }

    /** {@code require(name)}: the registered modules, nothing from the file system. */
    private static final class Require extends OneArgFunction {
        private final Globals globals;
        private final LuaTable loaded;
        private final ModuleRegistry modules;
        private final String scriptName;

        Require(Globals globals, LuaTable loaded, ModuleRegistry modules, String scriptName) {
            this.globals = globals;
            this.loaded = loaded;
            this.modules = modules;
            this.scriptName = scriptName;
        }

        @Override
        public LuaValue call(LuaValue arg) {
            String name = arg.checkjstring();
            LuaValue value = loaded.rawget(name);
            if (!value.isnil()) {
                return value;
            }
            ModuleLoader loader = modules.find(name);
            if (loader == null) {
                throw new LuaError("module '" + name + "' not found: npflua scripts can require only the engine's "
                        + "modules " + modules.names() + " and the standard libraries string, table, math, bit32, os");
            }
            value = loader.open(globals, scriptName);
            loaded.rawset(name, value);
            return value;
        }
    }

    /** {@code table.concat} that refuses a result above {@link SandboxLimits#MAX_STRING_BYTES} before building it. */
    private static final class CappedConcat extends VarArgFunction {
        private final LuaValue stock;

        CappedConcat(LuaValue stock) {
            this.stock = stock;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaTable t = args.checktable(1);
            LuaString sep = args.optstring(2, LuaValue.EMPTYSTRING);
            int i = args.optint(3, 1);
            int j = args.isnoneornil(4) ? t.length() : args.checkint(4);
            long total = 0;
            boolean allConcatenable = true;
            for (long k = i; k <= j; k++) {
                LuaValue v = t.rawget((int) k);
                if (v instanceof LuaString s) {
                    total += s.m_length;
                } else if (v.type() == LuaValue.TNUMBER) {
                    total += 32;
                } else {
                    allConcatenable = false;
                    break; // not concatenable: the stock function raises Lua's error for it
                }
                if (k < j) {
                    total += sep.m_length;
                }
                if (total > SandboxLimits.MAX_STRING_BYTES) {
                    throw SandboxLimits.stringTooLarge(total);
                }
                // Each element is a step of work inside this one instruction.
                if ((k & 1023) == 0) {
                    InstructionBudget.current().charge(1024);
                }
            }
            SandboxLimits.chargeBytes(total);
            if (!allConcatenable) {
                return stock.invoke(args); // raises Lua's error for the element that is not a string or number
            }
            // Built here so that numbers read as Lua prints them (1700000000.25, not LuaJ's 1.7E9).
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(total, 1 << 16));
            for (long k = i; k <= j; k++) {
                LuaValue v = t.rawget((int) k);
                LuaString s = v instanceof LuaString str ? str : LuaNumbers.toLuaString(v.todouble());
                out.write(s.m_bytes, s.m_offset, s.m_length);
                if (k < j) {
                    out.write(sep.m_bytes, sep.m_offset, sep.m_length);
                }
            }
            return LuaString.valueUsing(out.toByteArray());
        }
    }

    /** {@code table.unpack} limited to {@link SandboxLimits#MAX_RESULTS} values, one step per value. */
    private static final class CappedUnpack extends VarArgFunction {
        private final LuaValue stock;

        CappedUnpack(LuaValue stock) {
            this.stock = stock;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaTable t = args.checktable(1);
            double i = args.isnoneornil(2) ? 1 : args.checkdouble(2);
            double j = args.isnoneornil(3) ? t.length() : args.checkdouble(3);
            double n = j - i + 1;
            if (n > SandboxLimits.MAX_RESULTS) {
                throw new LuaError(
                        "too many results to unpack (" + (long) n + ", at most " + SandboxLimits.MAX_RESULTS + ")");
            }
            if (n > 0) {
                InstructionBudget.current().charge((long) n);
            }
            return stock.invoke(args);
        }
    }
}
