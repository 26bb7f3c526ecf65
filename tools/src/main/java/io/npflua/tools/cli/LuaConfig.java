package io.npflua.tools.cli;

import io.npflua.engine.bridge.OffloadPolicy;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.ScriptLimits;
import io.npflua.ffm.socket.FanoutMode;
import io.npflua.lua.sandbox.ExecutionModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Reads a {@code --config} file: a Lua chunk evaluated in a small sandbox (base functions without {@code load},
 * {@code dofile}, {@code loadfile}, {@code require}, {@code print} or {@code collectgarbage}; {@code table},
 * {@code string}, {@code math}; no {@code io}, {@code os}, {@code debug}, {@code package}) under an instruction budget.
 * The settings are the globals the chunk assigns, or the table it returns. Unknown settings and wrong types are
 * errors with the file name, so a typo never silently does nothing. See {@code docs/config.md}.
 *
 * <p>The chunk runs once, on the calling thread, before the engine exists; it cannot see packets.
 */
final class LuaConfig {
    /** Instructions the chunk may run: generous for any configuration, small enough to stop a runaway loop fast. */
    static final long MAX_INSTRUCTIONS = 10_000_000;

    private static final Set<String> TOP = Set.of(
            "interfaces",
            "bridge",
            "workers",
            "fanout",
            "snaplen",
            "bpf",
            "scripts",
            "rules_dir",
            "limits",
            "outputs",
            "flows",
            "offloads");
    private static final Set<String> FLOWS = Set.of("enabled", "max", "inspect_bytes", "timeouts");
    private static final Set<String> SCRIPT = Set.of(
            "name",
            "file",
            "entry",
            "on_error",
            "max_instructions",
            "execution",
            "max_call_ms",
            "max_call_mb",
            "max_state_mb");
    private static final Set<String> LIMITS =
            Set.of("on_error", "max_instructions", "count", "duration", "max_call_ms", "max_call_mb", "max_state_mb");
    private static final Set<String> OUTPUTS =
            Set.of("passed", "blocked", "metrics_port", "control", "events", "events_rate", "events_burst");

    private final Path file;
    private final Path dir;

    private LuaConfig(Path file) {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        this.dir = parent == null ? Path.of(".") : parent;
    }

    /** Reads {@code file}; throws a {@link CliFailure} naming the file (and line) on any problem. */
    static RunConfig read(Path file) {
        String source;
        try {
            source = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CliFailure("cannot read configuration " + file, "no such file", "check the --config path");
        } catch (IOException e) {
            throw new CliFailure("cannot read configuration " + file, String.valueOf(e.getMessage()), null);
        }
        return new LuaConfig(file).evaluate(source);
    }

    /** Evaluates {@code source} as if read from this file. */
    static RunConfig parse(Path file, String source) {
        return new LuaConfig(file).evaluate(source);
    }

    private RunConfig evaluate(String source) {
        Globals g = sandbox();
        // The chunk runs with the Globals as its environment: LuaJ calls the instruction hook only for closures
        // whose environment is a Globals. The settings are then the globals the chunk added.
        LuaTable before = new LuaTable();
        copy(g, before);
        LuaValue settings;
        try {
            LuaValue chunk = g.load(source, "@" + file.getFileName());
            Varargs result = chunk.invoke();
            if (result.arg1().istable()) {
                settings = result.arg1();
            } else {
                LuaTable added = new LuaTable();
                LuaValue k = LuaValue.NIL;
                while (true) {
                    Varargs n = g.next(k);
                    k = n.arg1();
                    if (k.isnil()) {
                        break;
                    }
                    if (!before.rawget(k).raweq(n.arg(2))) {
                        added.rawset(k, n.arg(2));
                    }
                }
                settings = added;
            }
        } catch (LuaError e) {
            throw fail(String.valueOf(e.getMessage()), "fix the configuration");
        } catch (Budget e) {
            throw fail(
                    "the configuration ran more than " + MAX_INSTRUCTIONS + " instructions",
                    "a configuration only sets values; remove the loop that does not end");
        } catch (StackOverflowError e) {
            throw fail("stack overflow (unbounded recursion)", "fix the configuration");
        }
        return settings((LuaTable) settings);
    }

    private static void copy(LuaTable from, LuaTable to) {
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = from.next(k);
            k = n.arg1();
            if (k.isnil()) {
                return;
            }
            to.rawset(k, n.arg(2));
        }
    }

    private RunConfig settings(LuaTable t) {
        checkKeys(t, TOP, "setting", true);
        List<String> interfaces = stringList(t.rawget("interfaces"), "interfaces");
        List<String> bridge = null;
        LuaValue b = t.rawget("bridge");
        if (!b.isnil()) {
            bridge = stringList(b, "bridge");
            if (bridge.size() != 2 || bridge.get(0).equals(bridge.get(1))) {
                throw fail("bridge must list two different interfaces, e.g. bridge = { \"eth1\", \"eth2\" }", null);
            }
            if (!interfaces.isEmpty()) {
                throw fail("set either interfaces (capture) or bridge (inline), not both", null);
            }
        }
        FanoutMode fanout = null;
        String f = string(t.rawget("fanout"), "fanout");
        if (f != null) {
            try {
                fanout = FanoutMode.parse(f);
            } catch (IllegalArgumentException e) {
                throw fail(e.getMessage(), null);
            }
        }
        OffloadPolicy offloads = null;
        String o = string(t.rawget("offloads"), "offloads");
        if (o != null) {
            try {
                offloads = OffloadPolicy.parse(o);
            } catch (IllegalArgumentException e) {
                throw fail(e.getMessage(), null);
            }
        }
        List<ScriptPlan> scripts = scripts(t.rawget("scripts"));
        String rulesDir = string(t.rawget("rules_dir"), "rules_dir");

        LuaValue limits = table(t.rawget("limits"), "limits");
        ErrorPolicy onError = null;
        Long max = null;
        Long count = null;
        Double duration = null;
        Long callMillis = null;
        Long callMegabytes = null;
        Long stateMegabytes = null;
        if (limits != null) {
            checkKeys((LuaTable) limits, LIMITS, "limits field", false);
            onError = policy(limits.rawget("on_error"), "limits.on_error");
            max = integer(limits.rawget("max_instructions"), "limits.max_instructions", 0);
            count = integer(limits.rawget("count"), "limits.count", 0);
            callMillis = integer(limits.rawget("max_call_ms"), "limits.max_call_ms", 0);
            callMegabytes = integer(limits.rawget("max_call_mb"), "limits.max_call_mb", 0);
            stateMegabytes = integer(limits.rawget("max_state_mb"), "limits.max_state_mb", 0);
            LuaValue d = limits.rawget("duration");
            if (!d.isnil()) {
                if (!d.isnumber() || d.todouble() < 0) {
                    throw fail("limits.duration must be a number of seconds >= 0, got " + d.tojstring(), null);
                }
                duration = d.todouble();
            }
        }
        LuaValue outputs = table(t.rawget("outputs"), "outputs");
        Path passed = null;
        Path blocked = null;
        Integer metrics = null;
        Path control = null;
        String events = null;
        Long eventsRate = null;
        Long eventsBurst = null;
        if (outputs != null) {
            checkKeys((LuaTable) outputs, OUTPUTS, "outputs field", false);
            passed = path(string(outputs.rawget("passed"), "outputs.passed"));
            blocked = path(string(outputs.rawget("blocked"), "outputs.blocked"));
            Long port = integer(outputs.rawget("metrics_port"), "outputs.metrics_port", 1);
            if (port != null && port > 65535) {
                throw fail("outputs.metrics_port must be 1..65535, got " + port, null);
            }
            metrics = port == null ? null : port.intValue();
            control = path(string(outputs.rawget("control"), "outputs.control"));
            LuaValue ev = outputs.rawget("events");
            // LuaJ takes the string "-" for a number (isnumber), so it is checked before the string rule.
            events = ev.type() == LuaValue.TSTRING && ev.tojstring().equals("-") ? "-" : string(ev, "outputs.events");
            if (events != null && !events.equals("-")) {
                events = path(events).toString();
            }
            eventsRate = integer(outputs.rawget("events_rate"), "outputs.events_rate", 1);
            eventsBurst = integer(outputs.rawget("events_burst"), "outputs.events_burst", 1);
        }
        Long workers = integer(t.rawget("workers"), "workers", 1);
        Long snaplen = integer(t.rawget("snaplen"), "snaplen", 0);
        return new RunConfig(
                file,
                interfaces,
                bridge,
                workers == null ? null : workers.intValue(),
                fanout,
                snaplen == null ? null : snaplen.intValue(),
                string(t.rawget("bpf"), "bpf"),
                scripts,
                path(rulesDir),
                onError,
                max,
                count,
                duration,
                passed,
                blocked,
                metrics,
                control,
                callMillis,
                callMegabytes,
                stateMegabytes,
                events,
                eventsRate,
                eventsBurst,
                flows(t.rawget("flows")),
                offloads);
    }

    /** {@code flows = { enabled = true, max = 65536, inspect_bytes = 4096, timeouts = { tcp_new = 30, ... } }}. */
    private FlowSettings flows(LuaValue v) {
        LuaValue f = table(v, "flows");
        if (f == null) {
            return FlowSettings.none();
        }
        checkKeys((LuaTable) f, FLOWS, "flows field", false);
        Boolean enabled = null;
        LuaValue e = f.rawget("enabled");
        if (!e.isnil()) {
            if (!e.isboolean()) {
                throw fail("flows.enabled must be true or false, got " + e.typename(), null);
            }
            enabled = e.toboolean();
        }
        Map<String, Duration> timeouts = new LinkedHashMap<>();
        LuaValue t = table(f.rawget("timeouts"), "flows.timeouts");
        if (t != null) {
            checkKeys((LuaTable) t, Set.copyOf(FlowSettings.TIMEOUT_NAMES), "flows.timeouts field", false);
            for (String name : FlowSettings.TIMEOUT_NAMES) {
                LuaValue s = t.rawget(name);
                if (s.isnil()) {
                    continue;
                }
                if (!s.isnumber()) {
                    throw fail("flows.timeouts." + name + " must be a number of seconds, got " + s.typename(), null);
                }
                try {
                    timeouts.put(name, FlowSettings.timeout(name, s.todouble(), "flows.timeouts"));
                } catch (IllegalArgumentException ex) {
                    throw fail(ex.getMessage(), null);
                }
            }
        }
        return new FlowSettings(
                enabled,
                integer(f.rawget("max"), "flows.max", 1),
                integer(f.rawget("inspect_bytes"), "flows.inspect_bytes", 0),
                timeouts);
    }

    private List<ScriptPlan> scripts(LuaValue v) {
        List<ScriptPlan> plans = new ArrayList<>();
        if (v.isnil()) {
            return plans;
        }
        if (!v.istable()) {
            throw fail("scripts must be a list of tables or file names, got " + v.typename(), null);
        }
        int n = v.length();
        for (int i = 1; i <= n; i++) {
            LuaValue s = v.rawget(i);
            String where = "scripts[" + i + "]";
            if (s.isstring() && !s.isnumber()) {
                Path p = path(s.tojstring());
                plans.add(new ScriptPlan(ScriptArgument.safeName(p), p, null, null, null));
                continue;
            }
            if (!s.istable()) {
                throw fail(where + " must be a table { name = ..., file = ... } or a file name", null);
            }
            checkKeys((LuaTable) s, SCRIPT, where + " field", false);
            String fileName = string(s.rawget("file"), where + ".file");
            if (fileName == null) {
                throw fail(where + " has no file", "add file = \"name.lua\"");
            }
            Path p = path(fileName);
            String name = string(s.rawget("name"), where + ".name");
            name = name == null ? ScriptArgument.baseName(p) : name;
            try {
                ScriptArgument.checkName(name);
            } catch (IllegalArgumentException e) {
                throw fail(where + ": " + e.getMessage(), null);
            }
            plans.add(new ScriptPlan(
                    name,
                    p,
                    string(s.rawget("entry"), where + ".entry"),
                    policy(s.rawget("on_error"), where + ".on_error"),
                    integer(s.rawget("max_instructions"), where + ".max_instructions", 0),
                    execution(s.rawget("execution"), where + ".execution"),
                    new ScriptLimits(
                            integer(s.rawget("max_call_ms"), where + ".max_call_ms", 0),
                            integer(s.rawget("max_call_mb"), where + ".max_call_mb", 0),
                            integer(s.rawget("max_state_mb"), where + ".max_state_mb", 0))));
        }
        ScriptPlan.checkUnique(plans, "in " + file);
        return plans;
    }

    private void checkKeys(LuaTable t, Set<String> allowed, String what, boolean skipFunctions) {
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            k = n.arg1();
            if (k.isnil()) {
                return;
            }
            if (skipFunctions && n.arg(2).isfunction()) {
                continue;
            }
            String key = k.tojstring();
            if (!k.isstring() || !allowed.contains(key)) {
                throw fail(
                        "unknown " + what + " '" + key + "'",
                        "known: " + String.join(", ", allowed.stream().sorted().toList())
                                + " (use local for helper variables)");
            }
        }
    }

    private List<String> stringList(LuaValue v, String key) {
        List<String> out = new ArrayList<>();
        if (v.isnil()) {
            return out;
        }
        if (v.isstring() && !v.isnumber()) {
            out.add(v.tojstring());
            return out;
        }
        if (!v.istable()) {
            throw fail(key + " must be a list of names, got " + v.typename(), null);
        }
        for (int i = 1; i <= v.length(); i++) {
            LuaValue e = v.rawget(i);
            if (!e.isstring() || e.isnumber()) {
                throw fail(key + "[" + i + "] must be a string, got " + e.typename(), null);
            }
            out.add(e.tojstring());
        }
        return out;
    }

    private String string(LuaValue v, String key) {
        if (v.isnil()) {
            return null;
        }
        if (!v.isstring() || v.isnumber()) {
            throw fail(key + " must be a string, got " + v.typename(), null);
        }
        return v.tojstring();
    }

    private LuaValue table(LuaValue v, String key) {
        if (v.isnil()) {
            return null;
        }
        if (!v.istable()) {
            throw fail(key + " must be a table, got " + v.typename(), null);
        }
        return v;
    }

    private Long integer(LuaValue v, String key, long min) {
        if (v.isnil()) {
            return null;
        }
        if (!v.isnumber()
                || v.todouble() != Math.floor(v.todouble())
                || v.todouble() < min
                || v.todouble() > Long.MAX_VALUE) {
            throw fail(key + " must be a whole number >= " + min + ", got " + v.tojstring(), null);
        }
        return v.tolong();
    }

    private ErrorPolicy policy(LuaValue v, String key) {
        String s = string(v, key);
        if (s == null) {
            return null;
        }
        try {
            return ErrorPolicy.parse(s);
        } catch (IllegalArgumentException e) {
            throw fail(key + ": " + e.getMessage(), null);
        }
    }

    private ExecutionModel execution(LuaValue v, String key) {
        String s = string(v, key);
        if (s == null) {
            return null;
        }
        try {
            return ExecutionModel.parse(s);
        } catch (IllegalArgumentException e) {
            throw fail(key + ": " + e.getMessage(), null);
        }
    }

    private Path path(String s) {
        return s == null ? null : dir.resolve(s).normalize();
    }

    private CliFailure fail(String why, String todo) {
        return new CliFailure(
                "configuration " + file, why, todo == null ? "see docs/config.md" : todo, ExitCodes.USAGE, null);
    }

    /** Base, table, string and math, with every way to reach files, code loading or the host removed. */
    private static Globals sandbox() {
        Globals g = new Globals();
        // The stock libraries register themselves in package.loaded; the table is removed again below.
        LuaTable pkg = new LuaTable();
        pkg.rawset("loaded", new LuaTable());
        g.rawset("package", pkg);
        g.load(new BaseLib());
        g.load(new TableLib());
        // StringLib sets the JVM-wide string metatable only if none is set; the script sandbox re-pins its own.
        g.load(new StringLib());
        g.load(new JseMathLib());
        g.load(new Budget.Hook());
        LoadState.install(g);
        LuaC.install(g);
        for (String name : new String[] {
            "dofile",
            "loadfile",
            "load",
            "loadstring",
            "require",
            "print",
            "collectgarbage",
            "debug",
            "package",
            "module"
        }) {
            g.rawset(name, LuaValue.NIL);
        }
        LuaValue string = g.rawget("string");
        if (string.istable()) {
            string.rawset("dump", LuaValue.NIL);
        }
        return g;
    }

    /** Thrown by the hook once the chunk has used up {@link #MAX_INSTRUCTIONS}: an Error so pcall cannot catch it. */
    private static final class Budget extends Error {
        private static final long serialVersionUID = 1L;

        Budget() {
            super("configuration instruction budget exhausted", null, false, false);
        }

        /** Counts VM instructions. */
        static final class Hook extends DebugLib {
            private long left = MAX_INSTRUCTIONS;

            @Override
            public void onInstruction(int pc, Varargs v, int top) {
                if (--left < 0) {
                    throw new Budget();
                }
                super.onInstruction(pc, v, top);
            }
        }
    }
}
