package io.npflua.engine.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.counter.ScriptCounters;
import io.npflua.engine.flow.FlowTracking;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.Rule;
import io.npflua.lua.sandbox.CallOutcome;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The warm-up runs the worker loop as the real workers will: with flow tracking only if they track flows. */
class JitWarmupTest {
    /** A chain source whose one rule counts the frames it saw, and those that came with a flow. */
    private static final class CountingChains implements JitWarmup.ChainSource {
        final AtomicLong frames = new AtomicLong();
        final AtomicLong withFlow = new AtomicLong();

        @Override
        public RuleChain newChain() {
            Rule rule = frame -> {
                frames.incrementAndGet();
                if (frame.flowEntry() >= 0) {
                    withFlow.incrementAndGet();
                }
                return CallOutcome.PASS;
            };
            return new RuleChain(
                    0,
                    new String[] {"count"},
                    new Rule[] {rule},
                    new ScriptCounters[] {new ScriptCounters()},
                    new ErrorPolicy[] {ErrorPolicy.PASS},
                    0,
                    JitWarmup.SILENT);
        }

        @Override
        public void close(RuleChain chain) {}
    }

    private static final long MAX_NS = TimeUnit.SECONDS.toNanos(20);

    @Test
    void shouldTrackFlowsInTheWarmupWhenTheWorkersDo() {
        CountingChains chains = new CountingChains();
        JitWarmup.Result r = JitWarmup.run(chains, 4_000, MAX_NS, FlowTracking.defaults());
        assertTrue(r.frames() >= 4_000, "frames run: " + r.frames());
        assertTrue(chains.frames.get() >= 4_000);
        // The synthetic frames are mostly IP (a few are ARP and the like, without a flow).
        assertTrue(
                chains.withFlow.get() > chains.frames.get() / 2,
                chains.withFlow.get() + " of " + chains.frames.get() + " frames with a flow");
    }

    @Test
    void shouldNotTrackFlowsInTheWarmupWhenTheWorkersDoNot() {
        CountingChains chains = new CountingChains();
        JitWarmup.Result r = JitWarmup.run(chains, 4_000, MAX_NS, FlowTracking.off());
        assertTrue(r.frames() >= 4_000, "frames run: " + r.frames());
        assertTrue(chains.frames.get() >= 4_000);
        assertEquals(0, chains.withFlow.get(), "--no-flows: the warm-up's frames carry no flow either");
    }
}
