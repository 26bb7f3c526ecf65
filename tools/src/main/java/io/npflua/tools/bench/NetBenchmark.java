package io.npflua.tools.bench;

import io.npflua.lua.net.NetAddresses;
import io.npflua.lua.net.NetModule;
import io.npflua.lua.net.NetPrefix;
import io.npflua.lua.net.NetSet;
import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.ModuleRegistry;
import io.npflua.lua.sandbox.ScriptErrorListener;
import io.npflua.lua.sandbox.ScriptLoadException;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
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
 * The {@code net} module: {@code p:contains(address string)} and {@code s:contains(address string)} as Lua calls them
 * (the {@code contains} function called with self and a Lua string: parse in place, no Java string), on a set of
 * 10,000 prefixes (5,000 IPv4 /24s, 5,000 IPv6 /48s, half of the queries hit); the engine-facing calls on an
 * address held as two halves ({@code *Halves}); formatting into a buffer and into a new Lua string; and one
 * sandboxed script call that looks a flow-like address up in the set.
 * <pre>
 * tools/bench/run-jmh.sh NetBenchmark
 * </pre>
 * The queries cycle through 1024 addresses so that the branch predictor does not learn one path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NetBenchmark {
    private static final int QUERIES = 1024;
    private static final LuaString SRC = LuaString.valueOf("src");
    private static final int SET_SIZE_PER_FAMILY = 5000;

    private final LuaString[] v4Text = new LuaString[QUERIES];
    private final LuaString[] v6Text = new LuaString[QUERIES];
    private final long[] v4 = new long[QUERIES];
    private final long[] v6Hi = new long[QUERIES];
    private final long[] v6Lo = new long[QUERIES];
    private final byte[] buffer = new byte[NetAddresses.MAX_TEXT_LENGTH];
    private int next;

    private LuaValue prefixV4;
    private LuaValue prefixV6;
    private LuaValue prefixContains;
    private LuaValue set;
    private LuaValue setContains;
    private NetPrefix javaPrefixV6;
    private NetSet javaSet;
    private ScriptState script;
    private LuaTable scriptArgument;

    @Setup
    public void setUp() throws ScriptLoadException {
        LuaTable net = (LuaTable) new NetModule().open(null, "bench");
        SplittableRandom random = new SplittableRandom(13);
        LuaTable items = new LuaTable();
        List<NetPrefix> prefixes = new ArrayList<>();
        long[] v4Nets = new long[SET_SIZE_PER_FAMILY];
        long[] v6Nets = new long[SET_SIZE_PER_FAMILY];
        for (int i = 0; i < SET_SIZE_PER_FAMILY; i++) {
            v4Nets[i] = random.nextLong(1L << 24) << 8; // a /24
            v6Nets[i] = 0x2001_0db8_0000_0000L | random.nextLong(1L << 16) << 16; // a /48 of 2001:db8::/32
            String a = NetAddresses.toString(0, v4Nets[i], 4) + "/24";
            String b = NetAddresses.toString(v6Nets[i], 0, 6) + "/48";
            items.insert(0, LuaValue.valueOf(a));
            items.insert(0, LuaValue.valueOf(b));
            prefixes.add(NetPrefix.of(a));
            prefixes.add(NetPrefix.of(b));
        }
        for (int i = 0; i < QUERIES; i++) {
            boolean hit = (i & 1) == 0;
            v4[i] = hit ? v4Nets[random.nextInt(SET_SIZE_PER_FAMILY)] | random.nextInt(256) : random.nextLong(1L << 32);
            v6Hi[i] = hit ? v6Nets[random.nextInt(SET_SIZE_PER_FAMILY)] | random.nextInt(1 << 16) : random.nextLong();
            v6Lo[i] = random.nextLong();
            v4Text[i] = NetAddresses.format(0, v4[i], 4);
            v6Text[i] = NetAddresses.format(v6Hi[i], v6Lo[i], 6);
        }
        prefixV4 = net.get("prefix").call(LuaValue.valueOf("128.0.0.0/2"));
        prefixV6 = net.get("prefix").call(LuaValue.valueOf("2001:db8:8000::/33"));
        prefixContains = prefixV4.get("contains");
        set = net.get("set").call(items);
        setContains = set.get("contains");
        javaPrefixV6 = NetPrefix.of("2001:db8:8000::/33");
        javaSet = NetSet.of(prefixes);
        script = ScriptState.load(ScriptOptions.of(
                        "net-bench.lua",
                        "local blocked = net.set(blocklist)\n"
                                + "function filter(flow) return not blocked:contains(flow.src) end")
                .withModules(new ModuleRegistry()
                        .register(NetModule.NAME, new NetModule())
                        .register("blocklist", (globals, name) -> items))
                .withErrorListener(ScriptErrorListener.STDERR));
        scriptArgument = new LuaTable();
        int hits = 0;
        for (int i = 0; i < QUERIES; i++) {
            boolean inV4 = setContains.call(set, v4Text[i]).toboolean();
            boolean inV6 = setContains.call(set, v6Text[i]).toboolean();
            if (inV4 != javaSet.contains(0, v4[i], 4) || inV6 != javaSet.contains(v6Hi[i], v6Lo[i], 6)) {
                throw new IllegalStateException(
                        "string and halves lookups disagree at " + v4Text[i] + " / " + v6Text[i]);
            }
            hits += (inV4 ? 1 : 0) + (inV6 ? 1 : 0);
            scriptArgument.rawset(SRC, v6Text[i]);
            if (script.call(scriptArgument) != (inV6 ? CallOutcome.BLOCK : CallOutcome.PASS)) {
                throw new IllegalStateException("script verdict disagrees for " + v6Text[i]);
            }
        }
        if (hits < QUERIES / 2) {
            throw new IllegalStateException("too few hits: " + hits);
        }
    }

    private int index() {
        return next = (next + 1) & (QUERIES - 1);
    }

    @Benchmark
    public LuaValue prefixContainsV4String() {
        return prefixContains.call(prefixV4, v4Text[index()]);
    }

    @Benchmark
    public LuaValue prefixContainsV6String() {
        return prefixContains.call(prefixV6, v6Text[index()]);
    }

    @Benchmark
    public LuaValue setContainsV4String() {
        return setContains.call(set, v4Text[index()]);
    }

    @Benchmark
    public LuaValue setContainsV6String() {
        return setContains.call(set, v6Text[index()]);
    }

    @Benchmark
    public boolean prefixContainsV6Halves() {
        int i = index();
        return javaPrefixV6.contains(v6Hi[i], v6Lo[i], 6);
    }

    @Benchmark
    public boolean setContainsV4Halves() {
        return javaSet.contains(0, v4[index()], 4);
    }

    @Benchmark
    public boolean setContainsV6Halves() {
        int i = index();
        return javaSet.contains(v6Hi[i], v6Lo[i], 6);
    }

    /** RFC 5952 text into a reused buffer: what a flow listing pays per address. */
    @Benchmark
    public int formatV6ToBuffer() {
        int i = index();
        return NetAddresses.formatTo(buffer, 0, v6Hi[i], v6Lo[i], 6);
    }

    /** A new Lua string per call (a {@code byte[]} and the {@code LuaString}): what {@code flow.src} costs uncached. */
    @Benchmark
    public LuaString formatV6LuaString() {
        int i = index();
        return NetAddresses.format(v6Hi[i], v6Lo[i], 6);
    }

    /** {@code return not blocked:contains(flow.src)} in a sandboxed state, {@code flow.src} an IPv6 string. */
    @Benchmark
    public CallOutcome scriptSetContainsV6() {
        scriptArgument.rawset(SRC, v6Text[index()]);
        return script.call(scriptArgument);
    }
}
