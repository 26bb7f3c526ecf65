package io.npflua.tools.bench;

import io.npflua.lua.sandbox.ExecutionModel;
import io.npflua.lua.sandbox.ScriptErrorListener;
import io.npflua.lua.sandbox.ScriptLoadException;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What loading a script costs: LuaJ's parser, then (compiled) one hidden class per function generated with
 * {@code java.lang.classfile} and defined, then the top-level chunk. Each load gets a source no other load had (a
 * numbered comment appended), so the compiler's per-source class sharing never serves it from its cache: this is the
 * cost of a script's first state (its other states reuse the classes). Scripts: the two seed examples and a generated
 * 1,000-line one (1,000 small functions in a table, each with a branch and arithmetic).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
public class CompileBenchmark {
    @Param({"ssh-version", "rtp-h263", "lines1000"})
    public String script;

    @Param({"compiled", "interpreted"})
    public String model;

    private String source;
    private ExecutionModel execution;
    private long serial;

    @Setup
    public void setUp() throws IOException {
        execution = ExecutionModel.parse(model);
        if (script.equals("lines1000")) {
            StringBuilder b = new StringBuilder("local t = {}\n");
            for (int i = 1; i <= 998; i++) {
                b.append("t[")
                        .append(i)
                        .append("] = function(p) local a = ")
                        .append(i)
                        .append(" if a > p then return a - p end return p * 2 + a end\n");
            }
            b.append("function filter(pkt) return t[#t](1) > 0 end\n");
            source = b.toString();
            return;
        }
        try (InputStream in = CompileBenchmark.class.getResourceAsStream("/io/npflua/tools/demo/" + script + ".lua")) {
            if (in == null) {
                throw new IOException("example " + script + " is not bundled in the jar");
            }
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** One load of the script in a fresh state, closed at once. */
    @Benchmark
    public ScriptState load() throws ScriptLoadException {
        ScriptState s = ScriptState.load(ScriptOptions.of(script + ".lua", source + "\n-- " + serial++)
                .withExecutionModel(execution)
                .withErrorListener(ScriptErrorListener.IGNORE));
        s.close();
        return s;
    }
}
