package io.npflua.engine;

import io.npflua.engine.counter.ScriptCounter;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.ScriptCounters;
import io.npflua.engine.counter.ScriptSnapshot;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.counter.WorkerSnapshot;
import io.npflua.engine.output.Forwarder;
import io.npflua.engine.output.ForwarderFactory;
import io.npflua.engine.output.VerdictSink;
import io.npflua.engine.output.VerdictSinkFactory;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.HandlerRule;
import io.npflua.engine.rule.PacketHandler;
import io.npflua.engine.rule.PreparedRule;
import io.npflua.engine.rule.Rule;
import io.npflua.engine.rule.RuleFactory;
import io.npflua.engine.rule.RuleRejectedException;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.ffm.socket.FanoutMode;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.FrameSourceFactory;
import io.npflua.engine.source.SourceRequest;
import io.npflua.engine.worker.BackoffIdleStrategy;
import io.npflua.engine.worker.ChainBoard;
import io.npflua.engine.worker.ErrorHandler;
import io.npflua.engine.worker.FrameQuota;
import io.npflua.engine.worker.IdleStrategy;
import io.npflua.engine.worker.JitWarmup;
import io.npflua.engine.worker.RuleChain;
import io.npflua.engine.worker.Worker;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The packet filter engine: workers that each own their sources and rule instances, a rule chain that can be changed
 * while frames flow, and counters that add up.
 *
 * <pre>{@code
 * try (Engine engine = Engine.builder()
 *         .tap("eth0").workers(2).fanout(FanoutMode.HASH)
 *         .sources(liveFactory).ruleFactory(luaFactory)
 *         .script(ScriptSpec.of("ssh", sshSource))
 *         .handler("count", frame -> Verdict.PASS)
 *         .onPassed(pcapWriter)               // or onPassedPerWorker(worker -> ...)
 *         .build()) {
 *     engine.start();
 *     engine.reload("ssh", newSource);
 *     System.out.println(SnapshotJson.render(engine.stats()));
 * }
 * }</pre>
 *
 * <p><b>Changing rules.</b> {@link #load}, {@link #reload} and {@link #unload} run on the caller's thread (the control
 * plane's, never a worker's), one at a time. A new or replaced script is compiled and validated first, then one
 * isolated instance per worker is built, still on the caller's thread; only then is a new chain version published.
 * Each worker adopts it at the top of its next duty cycle, between two frames, by swapping one reference; no frame
 * ever sees a half-built chain. The call returns once every running worker has adopted the version, after which the
 * replaced instances are closed. If anything fails before publication the running chain is untouched.
 *
 * <p><b>Counters.</b> A rule's counters survive {@code reload} (same name, new code: the history stays, the
 * generation goes up) and are dropped at {@code unload}; a later {@code load} of the same name starts at zero. Errors
 * of unloaded rules stay in the global error count.
 *
 * <p>Thread-safety: all public methods may be called from any thread.
 */
public final class Engine implements AutoCloseable {
    /** How long a rule change waits for every worker to adopt the new chain before giving up on closing old rules. */
    private static final long SWAP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private final Builder config;
    private final int workerCount;
    private final Object changeLock = new Object();
    private final List<Entry> entries = new ArrayList<>();
    private final ChainBoard board;
    private final Worker[] workers;
    private final WorkerCounters[] workerCounters;
    // Everything start() opened, closed again if start() fails half-way.
    private final List<AutoCloseable> opened = new ArrayList<>();
    private long unloadedErrors;
    private volatile long startNs;
    private volatile long endNs;
    private volatile boolean started;
    private volatile boolean closed;
    private EngineSnapshot finalSnapshot;
    private volatile JitWarmup.Result warmup = JitWarmup.Result.NONE;
    /** True once a warm-up has run a script (at start, or for the first script loaded at run time). */
    private volatile boolean scriptsWarmed;
    /** The frames the workers may still take ({@code -c}), or null for no limit. */
    private final FrameQuota frameQuota;

    /** One loaded rule: its description, the per-worker instances in use, and its per-worker counters. */
    private static final class Entry {
        final String name;
        final String kind;
        final ScriptSpec spec;
        final ErrorPolicy policy;
        final long generation;
        final Rule[] instances;
        final ScriptCounters[] counters;

        Entry(String name, String kind, ScriptSpec spec, ErrorPolicy policy, long generation, Rule[] instances,
              ScriptCounters[] counters) {
            this.name = name;
            this.kind = kind;
            this.spec = spec;
            this.policy = policy;
            this.generation = generation;
            this.instances = instances;
            this.counters = counters;
        }

        RuleInfo info() {
            return new RuleInfo(name, kind, spec == null ? null : spec.entry(), policy.label(), generation,
                    spec == null ? 0 : spec.maxInstructions());
        }
    }

    private Engine(Builder b) {
        this.config = b;
        this.workerCount = b.workers;
        this.workerCounters = new WorkerCounters[workerCount];
        RuleChain[] empty = new RuleChain[workerCount];
        for (int w = 0; w < workerCount; w++) {
            workerCounters[w] = new WorkerCounters();
            empty[w] = RuleChain.empty(w, b.errorHandler);
        }
        this.board = new ChainBoard(empty);
        this.workers = new Worker[workerCount];
        this.frameQuota = b.frameLimit > 0 ? new FrameQuota(b.frameLimit) : null;
    }

    /** A builder with defaults: one worker, hash fanout, no rules, backoff idling, errors to standard error. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens every worker's sources, forwarders and sinks, then starts the workers. Throws {@link EngineException}
     * (with everything opened so far closed again) when a source cannot be opened.
     */
    public Engine start() {
        synchronized (changeLock) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "engine is closed" : "engine already started");
            }
            // Before any socket exists: frames the kernel would queue during the warm-up would only wait or drop.
            List<WarmupScript> scripts = scriptsToWarm();
            warmup = warmUp(scripts);
            scriptsWarmed = !scripts.isEmpty() && warmup.frames() > 0;
            try {
                for (int w = 0; w < workerCount; w++) {
                    workers[w] = newWorker(w);
                }
            } catch (RuntimeException e) {
                for (AutoCloseable c : opened) {
                    try {
                        c.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                opened.clear();
                throw e instanceof EngineException ? e : new EngineException("cannot start: " + e.getMessage(), e);
            }
            opened.clear();
            startNs = System.nanoTime();
            started = true;
            for (Worker worker : workers) {
                worker.start();
            }
            return this;
        }
    }

    /** A script to warm up: what the warm-up needs of an entry. */
    private record WarmupScript(String name, ScriptSpec spec, ErrorPolicy policy) {
    }

    /** The loaded scripts (Java handlers left out: their instances may share state with the real ones). */
    private List<WarmupScript> scriptsToWarm() {
        List<WarmupScript> scripts = new ArrayList<>();
        for (Entry e : entries) {
            if (e.spec != null) {
                scripts.add(new WarmupScript(e.name, e.spec, e.policy));
            }
        }
        return scripts;
    }

    /**
     * Runs a chain of {@code scripts} on synthetic frames in throwaway instances ({@link RuleFactory#warmupFactory()})
     * so that the JIT has compiled the hot path before the first real frame. A script that cannot be instantiated
     * again is left out.
     */
    private JitWarmup.Result warmUp(List<WarmupScript> scripts) {
        if (config.warmupFrames <= 0) {
            return JitWarmup.Result.NONE;
        }
        // Without scripts (or without a warm-up factory) the chain is empty: the ring walk and the worker loop are
        // still worth compiling before the first frame.
        RuleFactory factory = config.ruleFactory.warmupFactory();
        List<String> names = new ArrayList<>();
        List<PreparedRule> prepared = new ArrayList<>();
        List<ErrorPolicy> policies = new ArrayList<>();
        for (WarmupScript script : factory == null ? List.<WarmupScript>of() : scripts) {
            try {
                prepared.add(factory.prepare(script.spec()));
                names.add(script.name());
                policies.add(script.policy());
            } catch (RuleRejectedException | RuntimeException skipped) {
                // It loaded once for real; the warm-up just goes without it.
            }
        }
        Map<RuleChain, Rule[]> open = new IdentityHashMap<>();
        JitWarmup.ChainSource chains = new JitWarmup.ChainSource() {
            @Override
            public RuleChain newChain() {
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
                RuleChain chain = new RuleChain(0, n.toArray(String[]::new), r, counters,
                        p.toArray(ErrorPolicy[]::new), config.timingSampleEvery, JitWarmup.SILENT);
                open.put(chain, r);
                return chain;
            }

            @Override
            public void close(RuleChain chain) {
                Rule[] r = open.remove(chain);
                if (r != null) {
                    for (Rule rule : r) {
                        closeRule(rule);
                    }
                }
            }
        };
        return JitWarmup.run(chains, config.warmupFrames, config.warmupMaxNs);
    }

    /**
     * True once the frame limit ({@link Builder#frameLimit}) is used up: that many frames have been through the chains
     * ({@link #framesSeen()}). A worker that merely holds a claim on frames it has not received yet does not count, so
     * a limit on a quiet link is reached only when its frames have come. False without a limit. Any thread; allocates
     * nothing.
     */
    public boolean frameLimitReached() {
        return frameQuota != null && framesSeen() >= config.frameLimit;
    }

    /** What the JIT warm-up at {@link #start()} did ({@link JitWarmup.Result#NONE} before start or when off). */
    public JitWarmup.Result warmup() {
        return warmup;
    }

    private Worker newWorker(int w) {
        Builder b = config;
        List<Worker.Route> routes = new ArrayList<>();
        if (b.bridge != null) {
            String a = b.bridge[0];
            String bb = b.bridge[1];
            routes.add(new Worker.Route(open(a, w, true), openForwarder(bb, w)));
            routes.add(new Worker.Route(open(bb, w, true), openForwarder(a, w)));
        } else {
            for (String name : b.interfaces) {
                routes.add(new Worker.Route(open(name, w, false), null));
            }
        }
        VerdictSink passed = b.passedSinks == null ? null : b.passedSinks.open(w);
        if (passed != null) {
            opened.add(passed);
        }
        VerdictSink blocked = b.blockedSinks == null ? null : b.blockedSinks.open(w);
        if (blocked != null) {
            opened.add(blocked);
        }
        return new Worker(w, routes.toArray(Worker.Route[]::new), passed, blocked, board, b.idleStrategy.get(),
                b.errorHandler, workerCounters[w], b.batch, b.statsIntervalNs, b.awaitTimeoutNs, b.maxRestarts)
                .quota(frameQuota);
    }

    private FrameSource open(String name, int worker, boolean inline) {
        try {
            FrameSource s = config.sourceFactory.open(
                    new SourceRequest(name, worker, workerCount, config.fanout, inline, config.snapLength));
            opened.add(s);
            return s;
        } catch (RuntimeException e) {
            throw new EngineException("cannot open " + name + " for worker " + worker + ": " + e.getMessage(), e);
        }
    }

    private Forwarder openForwarder(String egress, int worker) {
        if (config.forwarderFactory == null) {
            throw new EngineException("inline bridge needs a forwarder factory (Engine.builder().forwarders(...))");
        }
        try {
            Forwarder f = config.forwarderFactory.open(egress, worker);
            opened.add(f);
            return f;
        } catch (RuntimeException e) {
            throw new EngineException("cannot open " + egress + " for sending (worker " + worker + "): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Loads a new script at the end of the chain. Compiles and validates it first; on failure throws
     * {@link RuleRejectedException} with the error text and the running chain is unchanged. In a running engine
     * whose start had no script to warm up ({@link Builder#warmup}), the first script loaded is warmed up before it
     * goes live: the call then takes about a second longer.
     */
    public RuleInfo load(ScriptSpec spec) throws RuleRejectedException {
        Objects.requireNonNull(spec, "spec");
        PreparedRule prepared = config.ruleFactory.prepare(spec);
        if (started && !closed && !scriptsWarmed && config.warmupFrames > 0) {
            // The first script of an engine that started without one (npflua run, then npflua load): warm it up
            // before it goes live, on this (control) thread, so that the workers do not drop frames while the JIT
            // compiles the interpreter and the script's libraries under full traffic.
            JitWarmup.Result r = warmUp(List.of(new WarmupScript(spec.name(), spec, spec.onError())));
            if (r.frames() > 0) {
                warmup = r;
                scriptsWarmed = true;
            }
        }
        return add(spec.name(), "lua", spec, spec.onError(), prepared);
    }

    /** Adds a Java handler at the end of the chain; {@code perWorker} is called once per worker. */
    public RuleInfo loadHandler(String name, Supplier<? extends PacketHandler> perWorker, ErrorPolicy onError)
            throws RuleRejectedException {
        ScriptSpec.checkName(name);
        Objects.requireNonNull(perWorker, "perWorker");
        return add(name, "java", null, onError == null ? ErrorPolicy.PASS : onError,
                worker -> new HandlerRule(perWorker.get()));
    }

    private RuleInfo add(String name, String kind, ScriptSpec spec, ErrorPolicy policy, PreparedRule prepared)
            throws RuleRejectedException {
        synchronized (changeLock) {
            checkOpen();
            if (indexOf(name) >= 0) {
                throw new RuleRejectedException("a rule named '" + name + "' is already loaded: use reload to replace"
                        + " it or unload it first");
            }
            ScriptCounters[] counters = new ScriptCounters[workerCount];
            for (int w = 0; w < workerCount; w++) {
                counters[w] = new ScriptCounters();
            }
            Entry entry = new Entry(name, kind, spec, policy, 1, instantiate(name, prepared), counters);
            List<Entry> next = new ArrayList<>(entries);
            next.add(entry);
            swap(next, List.of());
            return entry.info();
        }
    }

    /** Replaces the source of script {@code name}, keeping its entry, policy, budget, position and counters. */
    public RuleInfo reload(String name, String source) throws RuleRejectedException {
        ScriptSpec old;
        synchronized (changeLock) {
            int i = indexOf(name);
            if (i < 0) {
                throw new RuleRejectedException("no rule named '" + name + "' is loaded");
            }
            old = entries.get(i).spec;
            if (old == null) {
                throw new RuleRejectedException("rule '" + name + "' is a Java handler and cannot be reloaded");
            }
        }
        return reload(old.withSource(source));
    }

    /**
     * Replaces script {@code spec.name()} with {@code spec} (new source, entry, policy or budget) at the same position
     * in the chain. Validated first: on failure the old version keeps running. Counters carry over.
     */
    public RuleInfo reload(ScriptSpec spec) throws RuleRejectedException {
        Objects.requireNonNull(spec, "spec");
        PreparedRule prepared = config.ruleFactory.prepare(spec);
        synchronized (changeLock) {
            checkOpen();
            int i = indexOf(spec.name());
            if (i < 0) {
                throw new RuleRejectedException("no rule named '" + spec.name() + "' is loaded");
            }
            Entry old = entries.get(i);
            if (old.spec == null) {
                throw new RuleRejectedException("rule '" + spec.name() + "' is a Java handler and cannot be reloaded");
            }
            Entry entry = new Entry(spec.name(), old.kind, spec, spec.onError(), old.generation + 1,
                    instantiate(spec.name(), prepared), old.counters);
            List<Entry> next = new ArrayList<>(entries);
            next.set(i, entry);
            swap(next, List.of(old));
            return entry.info();
        }
    }

    /** Removes rule {@code name} from the chain. */
    public void unload(String name) throws RuleRejectedException {
        synchronized (changeLock) {
            checkOpen();
            int i = indexOf(name);
            if (i < 0) {
                throw new RuleRejectedException("no rule named '" + name + "' is loaded");
            }
            Entry old = entries.get(i);
            List<Entry> next = new ArrayList<>(entries);
            next.remove(i);
            swap(next, List.of(old));
        }
    }

    /** The script loaded as {@code name} (its current source, entry, policy and budget), or null. */
    public ScriptSpec script(String name) {
        synchronized (changeLock) {
            int i = indexOf(name);
            return i < 0 ? null : entries.get(i).spec;
        }
    }

    /** The loaded rules in chain order. */
    public List<RuleInfo> list() {
        synchronized (changeLock) {
            return entries.stream().map(Entry::info).toList();
        }
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
            Rule[] rules = new Rule[n];
            ScriptCounters[] counters = new ScriptCounters[n];
            ErrorPolicy[] policies = new ErrorPolicy[n];
            for (int i = 0; i < n; i++) {
                Entry e = next.get(i);
                names[i] = e.name;
                rules[i] = e.instances[w];
                counters[i] = e.counters[w];
                policies[i] = e.policy;
            }
            chains[w] = new RuleChain(w, names, rules, counters, policies, config.timingSampleEvery,
                    config.errorHandler);
        }
        long version = board.publish(chains);
        entries.clear();
        entries.addAll(next);
        boolean adopted = awaitAdoption(version);
        for (Entry e : retired) {
            if (!next.contains(e) && next.stream().noneMatch(n -> n.counters == e.counters)) {
                for (ScriptCounters c : e.counters) {
                    unloadedErrors += c.failures();
                }
            }
            if (adopted) {
                for (Rule r : e.instances) {
                    closeRule(r);
                }
            }
        }
        if (!adopted) {
            config.errorHandler.onWorkerError(-1, "a worker did not adopt chain version " + version + " within "
                    + TimeUnit.NANOSECONDS.toMillis(SWAP_TIMEOUT_NS) + " ms; replaced rules were left open",
                    new IllegalStateException("chain swap timeout"), false);
        }
    }

    private boolean awaitAdoption(long version) {
        if (!started) {
            return true;
        }
        long deadline = System.nanoTime() + SWAP_TIMEOUT_NS;
        for (Worker w : workers) {
            while (!w.isTerminal() && w.adoptedVersion() < version) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                Thread.onSpinWait();
                Thread.yield();
            }
        }
        return true;
    }

    private void closeRule(Rule r) {
        if (r == null) {
            return;
        }
        try {
            r.close();
        } catch (RuntimeException e) {
            config.errorHandler.onWorkerError(-1, "closing a rule failed", e, false);
        }
    }

    private int indexOf(String name) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).name.equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
    }

    /**
     * Frames the workers have taken through the chain so far (the {@code frames} of {@link #stats()}), read without
     * a lock or a snapshot: cheap enough for a thread that watches a frame limit. Any thread; allocates nothing.
     */
    public long framesSeen() {
        long sum = 0;
        for (WorkerCounters c : workerCounters) {
            sum += c.get(WorkerCounter.SEEN);
        }
        return sum;
    }

    /** The counters now (or the final ones after {@link #close()}). */
    public EngineSnapshot stats() {
        synchronized (changeLock) {
            if (finalSnapshot != null) {
                return finalSnapshot;
            }
            return snapshot(false);
        }
    }

    private EngineSnapshot snapshot(boolean isFinal) {
        List<WorkerSnapshot> ws = new ArrayList<>(workerCount);
        for (int w = 0; w < workerCount; w++) {
            String state = workers[w] == null ? "new" : workers[w].state().name().toLowerCase();
            ws.add(WorkerSnapshot.of(w, state, workerCounters[w]));
        }
        List<ScriptSnapshot> ss = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            long[] sum = new long[ScriptCounter.values().length];
            String lastError = null;
            for (ScriptCounters c : e.counters) {
                for (ScriptCounter k : ScriptCounter.values()) {
                    sum[k.ordinal()] += c.get(k);
                }
                if (c.lastError() != null) {
                    lastError = c.lastError();
                }
            }
            ss.add(new ScriptSnapshot(e.name, e.kind, e.spec == null ? null : e.spec.entry(), e.policy.label(),
                    e.generation, sum, lastError));
        }
        long elapsed = !started ? 0 : (endNs != 0 ? endNs : System.nanoTime()) - startNs;
        return new EngineSnapshot(elapsed, isFinal, List.copyOf(ws), List.copyOf(ss), unloadedErrors);
    }

    /**
     * Waits until every worker has ended on its own (all its sources reached their end, as with files) or stopped.
     * Returns true when they all did within the timeout.
     */
    public boolean awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
        if (!started) {
            return true;
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Worker w : workers) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !w.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stops cleanly: every worker finishes its current batch, quiesces and drains its sources, reads final kernel
     * stats and closes its outputs and sources; then rule instances are closed. Returns the final counters, on which
     * every invariant holds. Idempotent.
     */
    public EngineSnapshot closeAndReport() {
        synchronized (changeLock) {
            if (finalSnapshot != null) {
                return finalSnapshot;
            }
            closed = true;
            if (started) {
                for (Worker w : workers) {
                    w.requestStop();
                }
                boolean interrupted = false;
                for (Worker w : workers) {
                    try {
                        if (!w.awaitTermination(30, TimeUnit.SECONDS)) {
                            config.errorHandler.onWorkerError(w.index(), "did not stop within 30 s",
                                    new IllegalStateException("stop timeout"), false);
                        }
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                endNs = System.nanoTime();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            finalSnapshot = snapshot(true);
            for (Entry e : entries) {
                for (Rule r : e.instances) {
                    closeRule(r);
                }
            }
            return finalSnapshot;
        }
    }

    /** Same as {@link #closeAndReport()}. */
    @Override
    public void close() {
        closeAndReport();
    }

    /** Number of workers. */
    public int workerCount() {
        return workerCount;
    }

    /** Configures and validates an {@link Engine}. */
    public static final class Builder {
        private final List<String> interfaces = new ArrayList<>();
        private String[] bridge;
        private int workers = 1;
        private FanoutMode fanout = FanoutMode.HASH;
        private int snapLength;
        private FrameSourceFactory sourceFactory;
        private ForwarderFactory forwarderFactory;
        private RuleFactory ruleFactory = RuleFactory.NONE;
        private final List<Object> rules = new ArrayList<>();
        private VerdictSinkFactory passedSinks;
        private VerdictSinkFactory blockedSinks;
        private ErrorHandler errorHandler = ErrorHandler.STDERR;
        private Supplier<? extends IdleStrategy> idleStrategy = BackoffIdleStrategy::new;
        private int batch = 64;
        private long statsIntervalNs = TimeUnit.MILLISECONDS.toNanos(100);
        private long awaitTimeoutNs = TimeUnit.MILLISECONDS.toNanos(10);
        private int maxRestarts = 10;
        private int timingSampleEvery = 64;
        private long warmupFrames;
        private long frameLimit;
        private long warmupMaxNs = TimeUnit.SECONDS.toNanos(5);

        private record HandlerRuleSpec(String name, Supplier<? extends PacketHandler> perWorker,
                                       ErrorPolicy onError) {
        }

        private Builder() {
        }

        /** Captures on interface (or file) {@code name}; repeatable for several. */
        public Builder tap(String... names) {
            for (String n : names) {
                interfaces.add(Objects.requireNonNull(n, "interface name"));
            }
            return this;
        }

        /** Inline bridge between {@code a} and {@code b}: what passes from one goes out of the other. */
        public Builder bridge(String a, String b) {
            if (Objects.equals(a, b)) {
                throw new IllegalArgumentException("a bridge needs two different interfaces, got " + a + " twice");
            }
            this.bridge = new String[] {Objects.requireNonNull(a), Objects.requireNonNull(b)};
            return this;
        }

        /** Number of workers (threads), each with its own sockets and rule instances. Default 1. */
        public Builder workers(int n) {
            if (n < 1 || n > 256) {
                throw new IllegalArgumentException("workers must be 1..256, got " + n);
            }
            this.workers = n;
            return this;
        }

        /** How the kernel spreads frames over workers. Default {@link FanoutMode#HASH}. */
        public Builder fanout(FanoutMode mode) {
            this.fanout = Objects.requireNonNull(mode);
            return this;
        }

        /** Bytes captured per frame (0 = the source factory's default). */
        public Builder snapLength(int bytes) {
            this.snapLength = bytes;
            return this;
        }

        /** Where sources come from: live rings, pcap files, or memory in tests. Required. */
        public Builder sources(FrameSourceFactory factory) {
            this.sourceFactory = Objects.requireNonNull(factory);
            return this;
        }

        /** Where forwarders come from (inline bridge). */
        public Builder forwarders(ForwarderFactory factory) {
            this.forwarderFactory = Objects.requireNonNull(factory);
            return this;
        }

        /** Turns scripts into rules (the Lua sandbox). Default: rejects every script. */
        public Builder ruleFactory(RuleFactory factory) {
            this.ruleFactory = Objects.requireNonNull(factory);
            return this;
        }

        /** Adds a script to the chain (in call order). */
        public Builder script(ScriptSpec spec) {
            rules.add(Objects.requireNonNull(spec));
            return this;
        }

        /**
         * Adds a Java handler shared by all workers (it must be thread-safe when workers > 1), named {@code java-N}
         * after its position among the handlers added so (1-based).
         */
        public Builder handler(PacketHandler handler) {
            long handlers = rules.stream().filter(r -> r instanceof HandlerRuleSpec).count();
            return handler("java-" + (handlers + 1), handler);
        }

        /** Adds a Java handler shared by all workers (it must be thread-safe when workers > 1). */
        public Builder handler(String name, PacketHandler handler) {
            Objects.requireNonNull(handler);
            return handler(name, () -> handler, ErrorPolicy.PASS);
        }

        /** Adds a Java handler, one instance per worker from {@code perWorker}, with an error policy. */
        public Builder handler(String name, Supplier<? extends PacketHandler> perWorker, ErrorPolicy onError) {
            ScriptSpec.checkName(name);
            rules.add(new HandlerRuleSpec(name, Objects.requireNonNull(perWorker), onError));
            return this;
        }

        /** Passed frames go to a sink per worker (e.g. a pcap writer). */
        public Builder onPassedPerWorker(VerdictSinkFactory sinks) {
            this.passedSinks = sinks;
            return this;
        }

        /** Passed frames go to {@code sink}, shared by all workers (must be thread-safe when workers > 1). */
        public Builder onPassed(VerdictSink sink) {
            return onPassedPerWorker(VerdictSinkFactory.shared(sink));
        }

        /** Blocked frames go to a sink per worker. */
        public Builder onBlockedPerWorker(VerdictSinkFactory sinks) {
            this.blockedSinks = sinks;
            return this;
        }

        /** Blocked frames go to {@code sink}, shared by all workers (must be thread-safe when workers > 1). */
        public Builder onBlocked(VerdictSink sink) {
            return onBlockedPerWorker(VerdictSinkFactory.shared(sink));
        }

        /** Where failures are reported. Default: standard error. */
        public Builder errorHandler(ErrorHandler handler) {
            this.errorHandler = Objects.requireNonNull(handler);
            return this;
        }

        /** Idle strategy per worker. Default {@link BackoffIdleStrategy}. */
        public Builder idleStrategy(Supplier<? extends IdleStrategy> perWorker) {
            this.idleStrategy = Objects.requireNonNull(perWorker);
            return this;
        }

        /**
         * Before opening any socket, {@link #start()} runs the scripts on {@code frames} synthetic frames in
         * throwaway states (see {@link JitWarmup}), for at most {@code maxTime}, so that capture starts with compiled
         * code instead of dropping while the JIT works. 0 frames (the default) turns it off.
         */
        public Builder warmup(long frames, long maxTime, TimeUnit unit) {
            if (frames < 0 || maxTime < 0) {
                throw new IllegalArgumentException("warm-up frames and time must be >= 0");
            }
            this.warmupFrames = frames;
            this.warmupMaxNs = unit.toNanos(maxTime);
            return this;
        }

        /**
         * Hands exactly {@code frames} frames to the chains, then no more (0, the default: no limit): the workers
         * claim them in batches from one shared {@link FrameQuota}; later frames stay in the ring. Stopping the engine
         * is the caller's ({@link Engine#frameLimitReached()} says when).
         */
        public Builder frameLimit(long frames) {
            if (frames < 0) {
                throw new IllegalArgumentException("frame limit must be >= 0, got " + frames);
            }
            this.frameLimit = frames;
            return this;
        }

        /** Frames per source per duty cycle (default 64): bounds how long a stop or chain swap waits. */
        public Builder batch(int frames) {
            if (frames < 1) {
                throw new IllegalArgumentException("batch must be >= 1");
            }
            this.batch = frames;
            return this;
        }

        /** How often workers read kernel statistics. Default 100 ms. */
        public Builder statsInterval(long time, TimeUnit unit) {
            this.statsIntervalNs = unit.toNanos(time);
            return this;
        }

        /** Crashes in a row (without a frame handled in between) after which a worker stays down. Default 10. */
        public Builder maxRestarts(int n) {
            this.maxRestarts = n;
            return this;
        }

        /** Measure rule time on one call in {@code n} (power of two; 1 = every call; 0 = off). Default 64. */
        public Builder timingSampleEvery(int n) {
            this.timingSampleEvery = n;
            return this;
        }

        /**
         * Validates everything before anything is captured: interfaces (through the source factory), the bridge's
         * forwarder factory, rule names, and every script (compiled, top-level chunk run, instances built). Throws
         * {@link EngineException} with the first problem.
         */
        public Engine build() {
            if (sourceFactory == null) {
                throw new EngineException("no source factory: call sources(...) with the live, offline or memory"
                        + " factory");
            }
            if (bridge != null && !interfaces.isEmpty()) {
                throw new EngineException("choose either tap interfaces " + interfaces + " or a bridge "
                        + bridge[0] + "," + bridge[1] + ", not both");
            }
            if (bridge == null && interfaces.isEmpty()) {
                throw new EngineException("nothing to capture: give at least one interface (tap) or a bridge");
            }
            if (bridge != null && forwarderFactory == null) {
                throw new EngineException("inline bridge needs a forwarder factory (forwarders(...))");
            }
            List<String> names = bridge != null ? List.of(bridge) : interfaces;
            for (String n : names) {
                try {
                    sourceFactory.validate(n);
                } catch (RuntimeException e) {
                    throw new EngineException(e.getMessage(), e);
                }
            }
            if (timingSampleEvery < 0 || Integer.bitCount(Math.max(timingSampleEvery, 1)) != 1) {
                throw new EngineException("timing sample interval must be 0 or a power of two, got "
                        + timingSampleEvery);
            }
            Engine engine = new Engine(this);
            for (Object r : rules) {
                try {
                    if (r instanceof ScriptSpec spec) {
                        engine.load(spec);
                    } else {
                        HandlerRuleSpec h = (HandlerRuleSpec) r;
                        engine.loadHandler(h.name(), h.perWorker(), h.onError());
                    }
                } catch (RuleRejectedException e) {
                    engine.close();
                    String name = r instanceof ScriptSpec s ? s.name() : ((HandlerRuleSpec) r).name();
                    throw new EngineException(name, "rule '" + name + "' rejected: " + e.getMessage(), e);
                }
            }
            return engine;
        }
    }
}
