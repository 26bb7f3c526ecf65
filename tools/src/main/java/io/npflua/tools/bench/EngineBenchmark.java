package io.npflua.tools.bench;

import io.npflua.engine.counter.ScriptCounters;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.HandlerRule;
import io.npflua.engine.rule.Rule;
import io.npflua.engine.rule.Verdict;
import io.npflua.engine.source.MemoryFrameSource;
import io.npflua.engine.worker.BackoffIdleStrategy;
import io.npflua.engine.worker.ChainBoard;
import io.npflua.engine.worker.ErrorHandler;
import io.npflua.engine.worker.RuleChain;
import io.npflua.engine.worker.Worker;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Per-frame cost of the engine's worker loop (chain swap check, poll, chain, verdict counters, stats timer) over an
 * in-memory source of 1024 frames, with an empty chain, one trivial Java rule, and two. One operation = one frame.
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} must be 0 B/op.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar tools/target/npflua-benchmarks.jar EngineBenchmark \
 *      -f 1 -wi 3 -w 1 -i 3 -r 1 -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineBenchmark {
    private static final int BATCH = 64;

    /** Rules in the chain: 0 (empty), 1 or 2 trivial Java rules that read a byte. */
    @Param({"0", "1", "2"})
    public int rules;

    private MemoryFrameSource source;
    private Worker worker;

    @Setup(Level.Trial)
    public void setUp() {
        MemoryFrameSource.Builder b = MemoryFrameSource.builder("bench").passes(MemoryFrameSource.ENDLESS);
        for (int i = 0; i < 1024; i++) {
            byte[] frame = new byte[64 + (i * 37) % 1400];
            frame[0] = (byte) i;
            frame[12] = 0x08;
            b.add(frame);
        }
        source = b.build();
        Rule[] rs = new Rule[rules];
        String[] names = new String[rules];
        ScriptCounters[] counters = new ScriptCounters[rules];
        ErrorPolicy[] policies = new ErrorPolicy[rules];
        for (int i = 0; i < rules; i++) {
            final int at = 12 + i;
            rs[i] = new HandlerRule(frame -> frame.byteAt(at) == 0x7f ? Verdict.BLOCK : Verdict.PASS);
            names[i] = "java" + i;
            counters[i] = new ScriptCounters();
            policies[i] = ErrorPolicy.PASS;
        }
        RuleChain chain = new RuleChain(0, names, rs, counters, policies, 64, ErrorHandler.STDERR);
        ChainBoard board = new ChainBoard(new RuleChain[] {chain});
        worker = new Worker(0, new Worker.Route[] {new Worker.Route(source, null)}, null, null, board,
                new BackoffIdleStrategy(), ErrorHandler.STDERR, new WorkerCounters(), BATCH,
                TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.MILLISECONDS.toNanos(10), 10);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        WorkerCounters c = worker.counters();
        if (c.get(WorkerCounters.SEEN) != c.get(WorkerCounters.PASSED) + c.get(WorkerCounters.BLOCKED)) {
            throw new IllegalStateException("counters do not add up");
        }
        source.close();
    }

    /** One duty cycle of 64 frames; reported per frame. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int workerLoop() {
        return worker.doWork();
    }
}
