package io.npflua.engine;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.ScriptCounters;
import io.npflua.engine.counter.ScriptSnapshot;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.HandlerSpec;
import io.npflua.engine.rule.PreparedRule;
import io.npflua.engine.rule.Rule;
import io.npflua.engine.rule.RuleRejectedException;
import io.npflua.engine.rule.RuleSpec;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.worker.ChainBoard;
import io.npflua.engine.worker.RuleChain;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * The loaded rules in chain order, and the publishing of their chains: each entry holds its spec, one instance per
 * worker and one counter set per worker. A change (add, reload, unload) builds the next list of entries, builds one
 * {@link RuleChain} per worker from it, publishes them on the {@link ChainBoard} (one volatile write), waits until
 * every running worker has adopted the new version and only then closes the instances it replaced.
 *
 * <p>Not thread-safe: the engine calls it under its change lock (never from a worker). Instances are built before
 * anything is published, so a failure leaves the running chain untouched.
 */
final class RuleTable {
    /** How long a rule change waits for every worker to adopt the new chain before giving up on closing old rules. */
    static final long SWAP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    /**
     * One loaded rule: its spec, the per-worker instances in use, its per-worker counters, and its flow decision slot
     * (-1: none free) with the slot's epoch (unique to this load or reload).
     */
    private record Entry(
            RuleSpec spec, long generation, Rule[] instances, ScriptCounters[] counters, int slot, long epoch) {
        String name() {
            return spec.name();
        }

        RuleInfo info() {
            return switch (spec) {
                case ScriptSpec s ->
                    new RuleInfo(s.name(), s.kind(), s.entry(), s.onError().label(), generation, s.maxInstructions());
                case HandlerSpec h ->
                    new RuleInfo(h.name(), h.kind(), null, h.onError().label(), generation, 0);
            };
        }

        ScriptSnapshot snapshot() {
            String entry = spec instanceof ScriptSpec s ? s.entry() : null;
            return ScriptSnapshot.sum(
                    spec.name(), spec.kind(), entry, spec.onError().label(), generation, counters);
        }
    }

    private final int workerCount;
    private final ChainBoard board;
    private final ErrorHandler errors;
    private final int timingSampleEvery;
    /** Waits until every running worker runs the given chain version; false on timeout. */
    private final LongPredicate awaitAdoption;

    private final List<Entry> entries = new ArrayList<>();
    /** The last epoch given to a decision slot (see {@link RuleChain}). */
    private long epochs;
    /** Failures counted by rules that were unloaded since: they stay in the global error count. */
    private long unloadedErrors;

    RuleTable(int workerCount, ErrorHandler errors, int timingSampleEvery, LongPredicate awaitAdoption) {
        this.workerCount = workerCount;
        this.errors = errors;
        this.timingSampleEvery = timingSampleEvery;
        this.awaitAdoption = awaitAdoption;
        RuleChain[] empty = new RuleChain[workerCount];
        for (int w = 0; w < workerCount; w++) {
            empty[w] = RuleChain.empty(w, errors);
        }
        this.board = new ChainBoard(empty);
    }

    /** Where the workers find their chains. */
    ChainBoard board() {
        return board;
    }

    /** Adds {@code spec} at the end of the chain, with one instance per worker from {@code prepared}. */
    RuleInfo add(RuleSpec spec, PreparedRule prepared) throws RuleRejectedException {
        if (indexOf(spec.name()) >= 0) {
            throw new RuleRejectedException("a rule named '" + spec.name() + "' is already loaded: use reload to"
                    + " replace it or unload it first");
        }
        ScriptCounters[] counters = new ScriptCounters[workerCount];
        for (int w = 0; w < workerCount; w++) {
            counters[w] = new ScriptCounters();
        }
        Entry entry = new Entry(spec, 1, instantiate(spec.name(), prepared), counters, freeSlot(), ++epochs);
        List<Entry> next = new ArrayList<>(entries);
        next.add(entry);
        swap(next, List.of());
        return entry.info();
    }

    /** Replaces script {@code spec.name()} at its place in the chain; its counters carry over. */
    RuleInfo reload(ScriptSpec spec, PreparedRule prepared) throws RuleRejectedException {
        int i = indexOf(spec.name());
        Entry old = i < 0 ? null : entries.get(i);
        if (old == null) {
            throw new RuleRejectedException("no rule named '" + spec.name() + "' is loaded");
        }
        if (!(old.spec() instanceof ScriptSpec)) {
            throw new RuleRejectedException("rule '" + spec.name() + "' is a Java handler and cannot be reloaded");
        }
        // Same slot, new epoch: the workers clear the old script's flow decisions before the new one runs.
        Entry entry = new Entry(
                spec,
                old.generation() + 1,
                instantiate(spec.name(), prepared),
                old.counters(),
                old.slot(),
                old.slot() >= 0 ? ++epochs : 0);
        List<Entry> next = new ArrayList<>(entries);
        next.set(i, entry);
        swap(next, List.of(old));
        return entry.info();
    }

    /** Removes rule {@code name} from the chain. */
    void unload(String name) throws RuleRejectedException {
        int i = indexOf(name);
        if (i < 0) {
            throw new RuleRejectedException("no rule named '" + name + "' is loaded");
        }
        Entry old = entries.get(i);
        List<Entry> next = new ArrayList<>(entries);
        next.remove(i);
        swap(next, List.of(old));
    }

    /** The spec loaded as {@code name}, or null. */
    RuleSpec spec(String name) {
        int i = indexOf(name);
        return i < 0 ? null : entries.get(i).spec();
    }

    /** The loaded scripts in chain order (Java handlers left out). */
    List<ScriptSpec> scripts() {
        List<ScriptSpec> scripts = new ArrayList<>();
        for (Entry e : entries) {
            if (e.spec() instanceof ScriptSpec s) {
                scripts.add(s);
            }
        }
        return scripts;
    }

    /** The loaded rules in chain order. */
    List<RuleInfo> list() {
        return entries.stream().map(Entry::info).toList();
    }

    /** Each loaded rule's counters, summed over the workers, in chain order. */
    List<ScriptSnapshot> snapshots() {
        List<ScriptSnapshot> ss = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            ss.add(e.snapshot());
        }
        return List.copyOf(ss);
    }

    /** Failures of rules unloaded since the start. */
    long unloadedErrors() {
        return unloadedErrors;
    }

    /** Closes every instance (the engine has stopped its workers). */
    void closeAll() {
        for (Entry e : entries) {
            for (Rule r : e.instances()) {
                closeRule(r);
            }
        }
    }

    /** The lowest decision slot no loaded rule holds, or -1 when all {@link RuleChain#MAX_DECISION_SLOTS} are held. */
    private int freeSlot() {
        long held = 0;
        for (Entry e : entries) {
            if (e.slot() >= 0) {
                held |= 1L << e.slot();
            }
        }
        return held == -1L ? -1 : Long.numberOfTrailingZeros(~held);
    }

    /** The names of the loaded rules by decision slot (null where no rule holds one), for flow listings. */
    String[] slotNames() {
        String[] names = new String[RuleChain.MAX_DECISION_SLOTS];
        for (Entry e : entries) {
            if (e.slot() >= 0) {
                names[e.slot()] = e.name();
            }
        }
        return names;
    }

    private Rule[] instantiate(String name, PreparedRule prepared) throws RuleRejectedException {
        Rule[] rules = new Rule[workerCount];
        try {
            for (int w = 0; w < workerCount; w++) {
                rules[w] = Objects.requireNonNull(prepared.newInstance(w), "newInstance returned null");
            }
            return rules;
        } catch (RuleRejectedException | RuntimeException e) {
            for (Rule r : rules) {
                closeRule(r);
            }
            if (e instanceof RuleRejectedException rre) {
                throw rre;
            }
            throw new RuleRejectedException("rule '" + name + "' could not be instantiated: " + e, e);
        }
    }

    /** Publishes {@code next} and, once every running worker runs it, closes the rules in {@code retired}. */
    private void swap(List<Entry> next, List<Entry> retired) {
        RuleChain[] chains = new RuleChain[workerCount];
        for (int w = 0; w < workerCount; w++) {
            int n = next.size();
            String[] names = new String[n];
            long[] generations = new long[n];
            Rule[] rules = new Rule[n];
            ScriptCounters[] counters = new ScriptCounters[n];
            ErrorPolicy[] policies = new ErrorPolicy[n];
            int[] slots = new int[n];
            long[] slotEpochs = new long[n];
            long scripts = 0;
            for (int i = 0; i < n; i++) {
                Entry e = next.get(i);
                names[i] = e.name();
                generations[i] = e.generation();
                rules[i] = e.instances()[w];
                counters[i] = e.counters()[w];
                policies[i] = e.spec().onError();
                slots[i] = e.slot();
                slotEpochs[i] = e.epoch();
                if (e.slot() >= 0 && e.spec() instanceof ScriptSpec) {
                    scripts |= 1L << e.slot();
                }
            }
            chains[w] = new RuleChain(
                    w,
                    names,
                    generations,
                    rules,
                    counters,
                    policies,
                    slots,
                    slotEpochs,
                    scripts,
                    timingSampleEvery,
                    errors);
        }
        long version = board.publish(chains);
        entries.clear();
        entries.addAll(next);
        boolean adopted = awaitAdoption.test(version);
        for (Entry e : retired) {
            if (!next.contains(e) && next.stream().noneMatch(n -> n.counters() == e.counters())) {
                for (ScriptCounters c : e.counters()) {
                    unloadedErrors += c.failures();
                }
            }
            if (adopted) {
                for (Rule r : e.instances()) {
                    closeRule(r);
                }
            }
        }
        if (!adopted) {
            errors.onWorkerError(
                    -1,
                    "a worker did not adopt chain version " + version + " within "
                            + TimeUnit.NANOSECONDS.toMillis(SWAP_TIMEOUT_NS) + " ms; replaced rules were left open",
                    new IllegalStateException("chain swap timeout"),
                    false);
        }
    }

    private void closeRule(Rule r) {
        if (r == null) {
            return;
        }
        try {
            r.close();
        } catch (RuntimeException e) {
            errors.onWorkerError(-1, "closing a rule failed", e, false);
        }
    }

    private int indexOf(String name) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
