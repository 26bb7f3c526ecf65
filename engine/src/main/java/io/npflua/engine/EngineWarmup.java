package io.npflua.engine;

import io.npflua.engine.counter.ScriptCounters;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.PreparedRule;
import io.npflua.engine.rule.Rule;
import io.npflua.engine.rule.RuleFactory;
import io.npflua.engine.rule.RuleRejectedException;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.rule.lua.LuaRuleFactory;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.FrameSourceFactory;
import io.npflua.engine.worker.JitWarmup;
import io.npflua.engine.worker.RuleChain;
import io.npflua.lua.sandbox.AlertSink;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine's JIT warm-up: runs {@link JitWarmup} over chains of throwaway instances of the given scripts
 * ({@link RuleFactory#warmupFactory()}: own states, a private {@code shared} registry, {@code print} to nowhere), so
 * that the hot path is compiled before the first real frame; over the first input's own frames when the source
 * factory can give them ({@code replay}: the pcap file, {@link FrameSourceFactory#openForWarmup}), else over a
 * synthetic ring. Java handlers are never warmed up (their instances may
 * share state with the real ones); a script that cannot be instantiated again is left out.
 */
final class EngineWarmup {
    private EngineWarmup() {}

    /** Warms up {@code scripts} as {@code config} says (nothing when its warm-up frames are 0). */
    static JitWarmup.Result run(EngineConfig config, List<ScriptSpec> scripts) {
        if (config.warmupFrames() <= 0) {
            return JitWarmup.Result.NONE;
        }
        // Without scripts (or without a warm-up factory) the chain is empty: the ring walk and the worker loop are
        // still worth compiling before the first frame.
        RuleFactory factory = config.ruleFactory().warmupFactory();
        // With an event log, each round's alerts go to that round's throwaway log (JitWarmup makes one per round),
        // through the same kind of sink as the real ones (Lua rules; other factories' warm-ups have no alerts); its
        // chain reports script failures there too.
        EventLog[] roundLog = new EventLog[1];
        if (config.events() != null && factory instanceof LuaRuleFactory lua) {
            factory = lua.withAlerts(
                    (worker, name) -> roundLog[0] == null ? AlertSink.NONE : roundLog[0].alertSink(0, name));
        }
        List<String> names = new ArrayList<>();
        List<PreparedRule> prepared = new ArrayList<>();
        List<ErrorPolicy> policies = new ArrayList<>();
        for (ScriptSpec script : factory == null ? List.<ScriptSpec>of() : scripts) {
            try {
                prepared.add(factory.prepare(script));
                names.add(script.name());
                policies.add(script.onError());
            } catch (RuleRejectedException | RuntimeException skipped) {
                // It loaded once for real; the warm-up just goes without it.
            }
        }
        Map<RuleChain, Rule[]> open = new IdentityHashMap<>();
        JitWarmup.ChainSource chains = new JitWarmup.ChainSource() {
            @Override
            public RuleChain newChain(EventLog log) {
                roundLog[0] = log;
                List<Rule> rules = new ArrayList<>();
                List<String> n = new ArrayList<>();
                List<ErrorPolicy> p = new ArrayList<>();
                for (int i = 0; i < prepared.size(); i++) {
                    try {
                        rules.add(prepared.get(i).newInstance(0));
                        n.add(names.get(i));
                        p.add(policies.get(i));
                    } catch (RuleRejectedException | RuntimeException skipped) {
                        // As above: this round goes without it.
                    }
                }
                ScriptCounters[] counters = new ScriptCounters[rules.size()];
                for (int i = 0; i < counters.length; i++) {
                    counters[i] = new ScriptCounters();
                }
                Rule[] r = rules.toArray(Rule[]::new);
                // Shaped like the real chains (RuleTable.swap): each script with a decision slot of its own, so that
                // the compiled chain takes the real one's branches (a warm-up without slots left "slot >= 0" never
                // taken, and the real run's first frame trapped out of RuleChain.evaluate).
                int[] slots = new int[r.length];
                long[] epochs = new long[r.length];
                long[] generations = new long[r.length];
                long scripts = 0;
                for (int i = 0; i < r.length; i++) {
                    slots[i] = i < RuleChain.MAX_DECISION_SLOTS ? i : -1;
                    epochs[i] = slots[i] >= 0 ? i + 1 : 0;
                    generations[i] = 1;
                    if (slots[i] >= 0) {
                        scripts |= 1L << i;
                    }
                }
                RuleChain chain = new RuleChain(
                        0,
                        n.toArray(String[]::new),
                        generations,
                        r,
                        counters,
                        p.toArray(ErrorPolicy[]::new),
                        slots,
                        epochs,
                        scripts,
                        config.timingSampleEvery(),
                        log == null ? JitWarmup.SILENT : log.wrap(JitWarmup.SILENT));
                open.put(chain, r);
                return chain;
            }

            @Override
            public void close(RuleChain chain) {
                Rule[] r = open.remove(chain);
                if (r != null) {
                    for (Rule rule : r) {
                        try {
                            rule.close();
                        } catch (RuntimeException e) {
                            config.errorHandler().onWorkerError(-1, "closing a rule failed", e, false);
                        }
                    }
                }
            }
        };
        FrameSource own = null;
        if (!config.interfaces().isEmpty() && config.sourceFactory() != null) {
            try {
                own = config.sourceFactory().openForWarmup(config.interfaces().get(0));
            } catch (RuntimeException e) {
                // The real sources were validated; a warm-up without the file's frames is still a warm-up.
            }
        }
        JitWarmup.Like like = new JitWarmup.Like(
                config.flows(),
                config.events() == null ? null : config.events().options(),
                config.captureClock() != null,
                config.isBridge());
        if (own != null) {
            return JitWarmup.run(chains, config.warmupFrames(), config.warmupMaxNs(), like, JitWarmup.looping(own));
        }
        return JitWarmup.run(chains, config.warmupFrames(), config.warmupMaxNs(), like);
    }
}
