package io.npflua.engine;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.agent.IdleStrategy;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.flow.FlowTracking;
import io.npflua.engine.output.ForwarderFactory;
import io.npflua.engine.output.VerdictSinkFactory;
import io.npflua.engine.rule.RuleFactory;
import io.npflua.engine.rule.RuleSpec;
import io.npflua.engine.source.FrameSourceFactory;
import io.npflua.engine.worker.CaptureClock;
import io.npflua.ffm.socket.FanoutMode;
import java.util.List;
import java.util.function.Supplier;

/**
 * What an {@link Engine} was built with, fixed for its life: made by {@link Engine.Builder#build()}, which validates
 * it. The rules listed here are the initial chain; the running chain is the engine's {@code RuleTable}.
 *
 * @param interfaces        tapped interfaces (or capture files), empty on a bridge
 * @param bridge            the two bridged interfaces, or empty when tapping
 * @param workers           worker threads, 1..256
 * @param fanout            how the kernel spreads frames over workers
 * @param snapLength        bytes captured per frame (0 = the source factory's default)
 * @param sourceFactory     opens each worker's sources
 * @param forwarderFactory  opens each worker's forwarders (bridge), or null
 * @param ruleFactory       turns scripts into rules
 * @param rules             the initial chain, in order
 * @param passedSinks       where passed frames go, or null
 * @param blockedSinks      where blocked frames go, or null
 * @param errorHandler      where failures are reported
 * @param idleStrategy      one idle strategy per worker
 * @param batch             frames per source per duty cycle
 * @param statsIntervalNs   how often workers read kernel statistics
 * @param awaitTimeoutNs    the longest wait of a one-source worker in its source
 * @param maxRestarts       deaths in a row after which a worker stays down
 * @param timingSampleEvery rule time measured on one call in this many (power of two; 0 = off)
 * @param warmupFrames      synthetic frames of the JIT warm-up (0 = none)
 * @param warmupMaxNs       the longest the warm-up may take
 * @param frameLimit        frames the chains may take in all (0 = no limit)
 * @param flows             flow tracking in each worker
 * @param captureClock      where workers publish capture times (replay: the {@code shared} tables' clock), or null
 * @param events            the event log (blocked frames, alerts, script errors), or null
 */
public record EngineConfig(
        List<String> interfaces,
        List<String> bridge,
        int workers,
        FanoutMode fanout,
        int snapLength,
        FrameSourceFactory sourceFactory,
        ForwarderFactory forwarderFactory,
        RuleFactory ruleFactory,
        List<RuleSpec> rules,
        VerdictSinkFactory passedSinks,
        VerdictSinkFactory blockedSinks,
        ErrorHandler errorHandler,
        Supplier<? extends IdleStrategy> idleStrategy,
        int batch,
        long statsIntervalNs,
        long awaitTimeoutNs,
        int maxRestarts,
        int timingSampleEvery,
        long warmupFrames,
        long warmupMaxNs,
        long frameLimit,
        FlowTracking flows,
        CaptureClock captureClock,

        EventLog events) {
    /** Keeps immutable copies of the lists. */
    public EngineConfig {
        interfaces = List.copyOf(interfaces);
        bridge = List.copyOf(bridge);
        rules = List.copyOf(rules);
        flows = flows == null ? FlowTracking.off() : flows;
    }

    /** True for an inline bridge. */
    public boolean isBridge() {
        return !bridge.isEmpty();
    }

    /**
     * Checks everything that can be checked before anything is opened: what is captured, the factories, the
     * interfaces (through the source factory), the timing sample interval. Throws {@link EngineException} with the
     * first problem.
     */
    void validate() {
        if (sourceFactory == null) {
            throw new EngineException(
                    "no source factory: call sources(...) with the live, offline or memory" + " factory");
        }
        if (isBridge() && !interfaces.isEmpty()) {
            throw new EngineException("choose either tap interfaces " + interfaces + " or a bridge " + bridge.get(0)
                    + "," + bridge.get(1) + ", not both");
        }
        if (!isBridge() && interfaces.isEmpty()) {
            throw new EngineException("nothing to capture: give at least one interface (tap) or a bridge");
        }
        if (isBridge() && forwarderFactory == null) {
            throw new EngineException("inline bridge needs a forwarder factory (forwarders(...))");
        }
        for (String n : isBridge() ? bridge : interfaces) {
            try {
                sourceFactory.validate(n);
            } catch (RuntimeException e) {
                throw new EngineException(e.getMessage(), e);
            }
        }
        if (timingSampleEvery < 0 || Integer.bitCount(Math.max(timingSampleEvery, 1)) != 1) {
            throw new EngineException("timing sample interval must be 0 or a power of two, got " + timingSampleEvery);
        }
    }
}
