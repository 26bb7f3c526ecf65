package io.npflua.tools.bench;

import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.ScriptErrorListener;
import io.npflua.lua.sandbox.ScriptLoadException;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;
import io.npflua.lua.sandbox.StringMetatable;
import java.util.concurrent.TimeUnit;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of calling a script through the sandbox ({@link ScriptState#call}: budget armed, VM hook counting every
 * instruction, outcome counted) against calling the same closure in a bare LuaJ state without any hook.
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar tools/target/npflua-benchmarks.jar ScriptBenchmark -prof gc
 * </pre>
 * {@code emptyFilter*}: the fixed cost per call. {@code arithmeticLoop*}: 100 iterations of a small loop (about 500
 * VM instructions; values stay in LuaJ's small-integer cache, so nothing is allocated but the frame), whose ratio
 * is the budget's per-instruction overhead in the worst case (nothing but VM instructions). {@code stringFind*}: a
 * plain {@code find} over a 1400-byte payload, a filter whose time goes to a library call. LuaJ allocates each Lua call's register array (24 B here), in the bare
 * state as in the sandbox.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ScriptBenchmark {
    private static final String EMPTY = "function filter(pkt) return true end";
    private static final String LOOP = "function filter(pkt)\n"
            + "  local n = 0\n"
            + "  for i = 1, 100 do if i > 50 then n = n + 1 else n = n - 1 end end\n"
            + "  return n == 0\n"
            + "end";

    private static final String FIND = "function filter(pkt) return pkt:find('SSH-', 1, true) == nil end";

    private ScriptState emptySandboxed;
    private ScriptState findSandboxed;
    private LuaValue findBare;
    /** A 1400-byte payload without the needle: the library call does most of the work. */
    private final LuaValue payload = LuaValue.valueOf("x".repeat(1400));

    private ScriptState loopSandboxed;
    private LuaValue emptyBare;
    private LuaValue loopBare;
    private final LuaValue pkt = new LuaTable();

    @Setup
    public void setUp() throws ScriptLoadException {
        emptySandboxed =
                ScriptState.load(ScriptOptions.of("empty.lua", EMPTY).withErrorListener(ScriptErrorListener.STDERR));
        loopSandboxed =
                ScriptState.load(ScriptOptions.of("loop.lua", LOOP).withErrorListener(ScriptErrorListener.STDERR));
        findSandboxed =
                ScriptState.load(ScriptOptions.of("find.lua", FIND).withErrorListener(ScriptErrorListener.STDERR));
        findBare = bare(FIND);
        emptyBare = bare(EMPTY);
        loopBare = bare(LOOP);
        if (emptySandboxed.call(pkt) != CallOutcome.PASS
                || loopSandboxed.call(pkt) != CallOutcome.PASS
                || !emptyBare.call(pkt).toboolean()
                || !loopBare.call(pkt).toboolean()
                || findSandboxed.call(payload) != CallOutcome.PASS
                || !findBare.call(payload).toboolean()) {
            throw new IllegalStateException("benchmark scripts must pass");
        }
        // Every fork runs every variant before measuring, so that LuaJ's interpreter loop is JIT-compiled from the
        // same profile (hook present and absent) in each fork; otherwise fork-to-fork compilation differences
        // (seen up to 6x on the bare find) swamp the sandbox's overhead.
        for (int i = 0; i < 20_000; i++) {
            emptySandboxed.call(pkt);
            emptyBare.call(pkt);
            loopSandboxed.call(pkt);
            loopBare.call(pkt);
            findSandboxed.call(payload);
            findBare.call(payload);
        }
    }

    /** The entry function of {@code source} in a bare LuaJ state: no sandbox, no hook, no budget. */
    private static LuaValue bare(String source) {
        Globals g = new Globals();
        g.load(new BaseLib());
        g.load(new PackageLib());
        g.load(new StringLib());
        StringMetatable.pin(); // the stock StringLib must not replace the sandbox's string metatable
        LuaC.install(g);
        g.load(source, "bare.lua").call();
        return g.get("filter");
    }

    @Benchmark
    public CallOutcome emptyFilterSandboxed() {
        return emptySandboxed.call(pkt);
    }

    @Benchmark
    public boolean emptyFilterBareLuaJ() {
        return emptyBare.call(pkt).toboolean();
    }

    @Benchmark
    public CallOutcome stringFindSandboxed() {
        return findSandboxed.call(payload);
    }

    @Benchmark
    public boolean stringFindBareLuaJ() {
        return findBare.call(payload).toboolean();
    }

    @Benchmark
    public CallOutcome arithmeticLoopSandboxed() {
        return loopSandboxed.call(pkt);
    }

    @Benchmark
    public boolean arithmeticLoopBareLuaJ() {
        return loopBare.call(pkt).toboolean();
    }
}
