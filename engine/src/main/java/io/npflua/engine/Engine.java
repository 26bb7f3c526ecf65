package io.npflua.engine;

import io.npflua.engine.agent.AgentRunner;
import io.npflua.engine.agent.BackoffIdleStrategy;
import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.agent.IdleStrategy;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.counter.WorkerSnapshot;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.flow.FlowRecord;
import io.npflua.engine.flow.FlowTracking;
import io.npflua.engine.output.Forwarder;
import io.npflua.engine.output.ForwarderFactory;
import io.npflua.engine.output.VerdictSink;
import io.npflua.engine.output.VerdictSinkFactory;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.HandlerRule;
import io.npflua.engine.rule.HandlerSpec;
import io.npflua.engine.rule.PacketHandler;
import io.npflua.engine.rule.PreparedRule;
import io.npflua.engine.rule.RuleFactory;
import io.npflua.engine.rule.RuleRejectedException;
import io.npflua.engine.rule.RuleSpec;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.rule.lua.LuaRuleFactory;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.FrameSourceFactory;
import io.npflua.engine.source.SourceRequest;
import io.npflua.engine.worker.CaptureClock;
import io.npflua.engine.worker.FrameQuota;
import io.npflua.engine.worker.JitWarmup;
import io.npflua.engine.worker.Worker;
import io.npflua.ffm.socket.FanoutMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>The engine is the lifecycle around three parts: its {@link EngineConfig} (fixed at build), its
 * {@link RuleTable} (the loaded rules and the chains published to the workers) and one {@link Worker} per thread,
 * each run by an {@link AgentRunner}. The JIT warm-up is {@link EngineWarmup}'s.
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
    private final EngineConfig config;
    private final Object changeLock = new Object();
    private final RuleTable rules;
    private final Worker[] workers;
    private final AgentRunner[] runners;
    private final WorkerCounters[] workerCounters;
    /** The frames the workers may still take ({@code -c}), or null for no limit. */
    private final FrameQuota frameQuota;
    // Everything start() opened, closed again if start() fails half-way.
    private final List<AutoCloseable> opened = new ArrayList<>();
    private volatile long startNs;
    private volatile long endNs;
    private volatile boolean started;
    private volatile boolean closed;
    private EngineSnapshot finalSnapshot;
    private volatile JitWarmup.Result warmup = JitWarmup.Result.NONE;
    /** True once a warm-up has run a script (at start, or for the first script loaded at run time). */
    private volatile boolean scriptsWarmed;

    private Engine(EngineConfig config) {
        this.config = config;
        int n = config.workers();
        this.workerCounters = new WorkerCounters[n];
        for (int w = 0; w < n; w++) {
            workerCounters[w] = new WorkerCounters();
        }
        this.workers = new Worker[n];
        this.runners = new AgentRunner[n];
        this.rules = new RuleTable(n, config.errorHandler(), config.timingSampleEvery(), this::awaitAdoption);
        if (config.events() != null) {
            config.events().attach(workerCounters);
        }
        this.frameQuota = config.frameLimit() > 0 ? new FrameQuota(config.frameLimit()) : null;
    }

    /** A builder with defaults: one worker, hash fanout, no rules, backoff idling, errors to standard error. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * An engine with {@code config} (validated) and its initial rules loaded: every script is compiled, its top-level
     * chunk run and its instances built. Throws {@link EngineException} naming the first rule rejected.
     */
    static Engine create(EngineConfig config) {
        Engine engine = new Engine(config);
        for (RuleSpec r : config.rules()) {
            try {
                switch (r) {
                    case ScriptSpec spec -> engine.load(spec);
                    case HandlerSpec h -> engine.loadHandler(h);
                }
            } catch (RuleRejectedException e) {
                engine.close();
                throw new EngineException(r.name(), "rule '" + r.name() + "' rejected: " + e.getMessage(), e);
            }
        }
        return engine;
    }

    /** What this engine was built with. */
    public EngineConfig config() {
        return config;
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
            List<ScriptSpec> scripts = rules.scripts();
            warmup = EngineWarmup.run(config, scripts);
            scriptsWarmed = !scripts.isEmpty() && warmup.frames() > 0;
            try {
                if (config.events() != null) {
                    try {
                        config.events().start();
                    } catch (IOException e) {
                        throw new EngineException("cannot open the event log: " + e.getMessage(), e);
                    }
                }
                for (int w = 0; w < workers.length; w++) {
                    workers[w] = newWorker(w);
                    runners[w] = new AgentRunner(
                            workers[w],
                            workers[w].idleStrategy(config.idleStrategy().get(), config.awaitTimeoutNs()),
                            config.errorHandler(),
                            w,
                            config.maxRestarts(),
                            restartCounter(workerCounters[w]));
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
                if (config.events() != null) {
                    config.events().close();
                }
                throw e instanceof EngineException ? e : new EngineException("cannot start: " + e.getMessage(), e);
            }
            opened.clear();
            startNs = System.nanoTime();
            started = true;
            for (AgentRunner runner : runners) {
                runner.start();
            }
            return this;
        }
    }

    /**
     * True once the frame limit ({@link Builder#frameLimit}) is used up: that many frames have been through the chains
     * ({@link #framesSeen()}). A worker that merely holds a claim on frames it has not received yet does not count, so
     * a limit on a quiet link is reached only when its frames have come. False without a limit. Any thread; allocates
     * nothing.
     */
    public boolean frameLimitReached() {
        return frameQuota != null && framesSeen() >= config.frameLimit();
    }

    /** What the JIT warm-up at {@link #start()} did ({@link JitWarmup.Result#NONE} before start or when off). */
    public JitWarmup.Result warmup() {
        return warmup;
    }

    /**
     * Loads a new script at the end of the chain. Compiles and validates it first; on failure throws
     * {@link RuleRejectedException} with the error text and the running chain is unchanged. In a running engine
     * whose start had no script to warm up ({@link Builder#warmup}), the first script loaded is warmed up before it
     * goes live: the call then takes about a second longer.
     */
    public RuleInfo load(ScriptSpec spec) throws RuleRejectedException {
        Objects.requireNonNull(spec, "spec");
        PreparedRule prepared = config.ruleFactory().prepare(spec);
        if (started && !closed && !scriptsWarmed && config.warmupFrames() > 0) {
            // The first script of an engine that started without one (npflua run, then npflua load): warm it up
            // before it goes live, on this (control) thread, so that the workers do not drop frames while the JIT
            // compiles the interpreter and the script's libraries under full traffic.
            JitWarmup.Result r = EngineWarmup.run(config, List.of(spec));
            if (r.frames() > 0) {
                warmup = r;
                scriptsWarmed = true;
            }
        }
        return add(spec, prepared);
    }

    /** Adds a Java handler at the end of the chain; {@code perWorker} is called once per worker. */
    public RuleInfo loadHandler(String name, Supplier<? extends PacketHandler> perWorker, ErrorPolicy onError)
            throws RuleRejectedException {
        return loadHandler(new HandlerSpec(name, perWorker, onError));
    }

    /** Adds a Java handler at the end of the chain; its {@code perWorker} is called once per worker. */
    public RuleInfo loadHandler(HandlerSpec spec) throws RuleRejectedException {
        return add(spec, worker -> new HandlerRule(spec.perWorker().get()));
    }

    private RuleInfo add(RuleSpec spec, PreparedRule prepared) throws RuleRejectedException {
        synchronized (changeLock) {
            checkOpen();
            return rules.add(spec, prepared);
        }
    }

    /** Replaces the source of script {@code name}, keeping its entry, policy, budget, position and counters. */
    public RuleInfo reload(String name, String source) throws RuleRejectedException {
        RuleSpec old;
        synchronized (changeLock) {
            old = rules.spec(name);
        }
        return switch (old) {
            case null -> throw new RuleRejectedException("no rule named '" + name + "' is loaded");
            case HandlerSpec h ->
                throw new RuleRejectedException("rule '" + name + "' is a Java handler and cannot be reloaded");
            case ScriptSpec s -> reload(s.withSource(source));
        };
    }

    /**
     * Replaces script {@code spec.name()} with {@code spec} (new source, entry, policy or budget) at the same position
     * in the chain. Validated first: on failure the old version keeps running. Counters carry over.
     */
    public RuleInfo reload(ScriptSpec spec) throws RuleRejectedException {
        Objects.requireNonNull(spec, "spec");
        PreparedRule prepared = config.ruleFactory().prepare(spec);
        synchronized (changeLock) {
            checkOpen();
            return rules.reload(spec, prepared);
        }
    }

    /** Removes rule {@code name} from the chain. */
    public void unload(String name) throws RuleRejectedException {
        synchronized (changeLock) {
            checkOpen();
            rules.unload(name);
        }
    }

    /** The script loaded as {@code name} (its current source, entry, policy and budget), or null. */
    public ScriptSpec script(String name) {
        synchronized (changeLock) {
            return rules.spec(name) instanceof ScriptSpec s ? s : null;
        }
    }

    /** The loaded rules in chain order. */
    public List<RuleInfo> list() {
        synchronized (changeLock) {
            return rules.list();
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

    /**
     * Lists up to {@code limitPerWorker} flows of each worker, waiting at most {@code timeout} for the workers to
     * copy them out of their tables (they do it between two frames; a worker waiting for traffic answers within its
     * await timeout). Workers that have stopped are counted as unanswered.
     */
    public FlowListing flows(int limitPerWorker, long timeout, TimeUnit unit) throws InterruptedException {
        List<String> slotNames;
        List<CompletableFuture<List<FlowRecord>>> answers = new ArrayList<>();
        synchronized (changeLock) {
            slotNames = Arrays.asList(rules.slotNames());
            if (started && !closed) {
                for (int w = 0; w < workers.length; w++) {
                    // A worker that has ended (its sources are done, or it stayed down) answers nothing.
                    if (!runners[w].isTerminal()) {
                        answers.add(workers[w].listFlows(limitPerWorker));
                    }
                }
            }
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<FlowRecord> flows = new ArrayList<>();
        int unanswered = workers.length - answers.size();
        for (CompletableFuture<List<FlowRecord>> a : answers) {
            try {
                flows.addAll(a.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException | ExecutionException | CancellationException e) {
                a.cancel(false);
                unanswered++;
            }
        }
        return new FlowListing(flows, slotNames, unanswered);
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
        for (AgentRunner r : runners) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !r.awaitTermination(left, TimeUnit.NANOSECONDS)) {
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
                for (AgentRunner r : runners) {
                    r.requestStop();
                }
                boolean interrupted = false;
                for (int w = 0; w < runners.length; w++) {
                    try {
                        if (!runners[w].awaitTermination(30, TimeUnit.SECONDS)) {
                            config.errorHandler()
                                    .onWorkerError(
                                            w,
                                            "did not stop within 30 s",
                                            new IllegalStateException("stop timeout"),
                                            false);
                        }
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                endNs = System.nanoTime();
                if (config.events() != null) {
                    // After the workers: every event they queued is written and the file flushed.
                    config.events().close();
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            finalSnapshot = snapshot(true);
            rules.closeAll();
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
        return workers.length;
    }

    /** Counts a worker's deaths (its runner calls it on the dying thread, the counters' single writer). */
    private static Runnable restartCounter(WorkerCounters counters) {
        return () -> counters.increment(WorkerCounter.RESTARTS);
    }

    private Worker newWorker(int w) {
        List<Worker.Route> routes = new ArrayList<>();
        if (config.isBridge()) {
            String a = config.bridge().get(0);
            String b = config.bridge().get(1);
            routes.add(new Worker.Route(open(a, w, true), openForwarder(b, w)));
            routes.add(new Worker.Route(open(b, w, true), openForwarder(a, w)));
        } else {
            for (String name : config.interfaces()) {
                routes.add(new Worker.Route(open(name, w, false), null));
            }
        }
        VerdictSink passed =
                config.passedSinks() == null ? null : config.passedSinks().open(w);
        if (passed != null) {
            opened.add(passed);
        }
        VerdictSink blocked =
                config.blockedSinks() == null ? null : config.blockedSinks().open(w);
        if (blocked != null) {
            opened.add(blocked);
        }
        return new Worker(
                        w,
                        routes.toArray(Worker.Route[]::new),
                        passed,
                        blocked,
                        rules.board(),
                        config.errorHandler(),
                        workerCounters[w],
                        config.batch(),
                        config.statsIntervalNs())
                .quota(frameQuota)
                .flows(config.flows())
                .captureClock(config.captureClock())
                .events(config.events() == null ? null : config.events().producer(w));
    }

    private FrameSource open(String name, int worker, boolean inline) {
        try {
            FrameSource s = config.sourceFactory()
                    .open(new SourceRequest(
                            name, worker, workers.length, config.fanout(), inline, config.snapLength()));
            opened.add(s);
            return s;
        } catch (RuntimeException e) {
            throw new EngineException("cannot open " + name + " for worker " + worker + ": " + e.getMessage(), e);
        }
    }

    private Forwarder openForwarder(String egress, int worker) {
        if (config.forwarderFactory() == null) {
            throw new EngineException("inline bridge needs a forwarder factory (Engine.builder().forwarders(...))");
        }
        try {
            Forwarder f = config.forwarderFactory().open(egress, worker);
            opened.add(f);
            return f;
        } catch (RuntimeException e) {
            throw new EngineException(
                    "cannot open " + egress + " for sending (worker " + worker + "): " + e.getMessage(), e);
        }
    }

    /** Waits until every running worker runs chain {@code version}; false after {@link RuleTable#SWAP_TIMEOUT_NS}. */
    private boolean awaitAdoption(long version) {
        if (!started) {
            return true;
        }
        long deadline = System.nanoTime() + RuleTable.SWAP_TIMEOUT_NS;
        for (int w = 0; w < workers.length; w++) {
            while (!runners[w].isTerminal() && workers[w].adoptedVersion() < version) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                Thread.onSpinWait();
                Thread.yield();
            }
        }
        return true;
    }

    private EngineSnapshot snapshot(boolean isFinal) {
        List<WorkerSnapshot> ws = new ArrayList<>(workers.length);
        for (int w = 0; w < workers.length; w++) {
            String state =
                    runners[w] == null ? "new" : runners[w].state().name().toLowerCase();
            ws.add(WorkerSnapshot.of(w, state, workerCounters[w]));
        }
        long elapsed = !started ? 0 : (endNs != 0 ? endNs : System.nanoTime()) - startNs;
        return new EngineSnapshot(
                elapsed,
                isFinal,
                List.copyOf(ws),
                rules.snapshots(),
                rules.unloadedErrors(),
                config.events() == null ? 0 : config.events().writerRestarts());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
    }

    /** Configures and validates an {@link Engine}. */
    public static final class Builder {
        private final List<String> interfaces = new ArrayList<>();
        private List<String> bridge = List.of();
        private int workers = 1;
        private FanoutMode fanout = FanoutMode.HASH;
        private int snapLength;
        private FrameSourceFactory sourceFactory;
        private ForwarderFactory forwarderFactory;
        private RuleFactory ruleFactory = RuleFactory.NONE;
        private final List<RuleSpec> rules = new ArrayList<>();
        private VerdictSinkFactory passedSinks;
        private VerdictSinkFactory blockedSinks;
        private ErrorHandler errorHandler = ErrorHandler.STDERR;
        private EventLog events;
        private Supplier<? extends IdleStrategy> idleStrategy = BackoffIdleStrategy::new;
        private int batch = 64;
        private long statsIntervalNs = TimeUnit.MILLISECONDS.toNanos(100);
        private long awaitTimeoutNs = TimeUnit.MILLISECONDS.toNanos(10);
        private int maxRestarts = 10;
        private int timingSampleEvery = 64;
        private long warmupFrames;
        private long frameLimit;
        private FlowTracking flows = FlowTracking.defaults();
        private CaptureClock captureClock;
        private long warmupMaxNs = TimeUnit.SECONDS.toNanos(5);

        private Builder() {}

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
            this.bridge = List.of(Objects.requireNonNull(a), Objects.requireNonNull(b));
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
            long handlers = rules.stream().filter(r -> r instanceof HandlerSpec).count();
            return handler("java-" + (handlers + 1), handler);
        }

        /** Adds a Java handler shared by all workers (it must be thread-safe when workers > 1). */
        public Builder handler(String name, PacketHandler handler) {
            Objects.requireNonNull(handler);
            return handler(name, () -> handler, ErrorPolicy.PASS);
        }

        /** Adds a Java handler, one instance per worker from {@code perWorker}, with an error policy. */
        public Builder handler(String name, Supplier<? extends PacketHandler> perWorker, ErrorPolicy onError) {
            rules.add(new HandlerSpec(name, perWorker, onError));
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

        /**
         * Writes an event log ({@code docs/events.md}): blocked frames, script alerts and script errors. The log must
         * be made for this engine's number of workers; the engine starts and closes it. Lua rule factories get their
         * {@code alert} wired to it.
         */
        public Builder events(EventLog log) {
            this.events = log;
            return this;
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

        /** Flow tracking in each worker (default {@link FlowTracking#defaults()}: on, 65,536 flows per worker). */
        public Builder flows(FlowTracking tracking) {
            this.flows = Objects.requireNonNull(tracking, "tracking");
            return this;
        }

        /**
         * Workers publish each frame's capture time on {@code clock} (for a replay: give the same clock to the
         * {@code shared} tables, {@code LuaRuleFactory.withSharedClock}). Default: none.
         */
        public Builder captureClock(CaptureClock clock) {
            this.captureClock = clock;
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
            if (events != null && events.workers() != workers) {
                throw new EngineException(
                        "the event log was made for " + events.workers() + " workers, the engine has " + workers);
            }
            EventLog log = events;
            RuleFactory factory = log != null && ruleFactory instanceof LuaRuleFactory lua
                    ? lua.withAlerts(log::alertSink)
                    : ruleFactory;
            EngineConfig config = new EngineConfig(
                    interfaces,
                    bridge,
                    workers,
                    fanout,
                    snapLength,
                    sourceFactory,
                    forwarderFactory,
                    factory,
                    rules,
                    passedSinks,
                    blockedSinks,
                    log != null ? log.wrap(errorHandler) : errorHandler,
                    idleStrategy,
                    batch,
                    statsIntervalNs,
                    awaitTimeoutNs,
                    maxRestarts,
                    timingSampleEvery,
                    warmupFrames,
                    warmupMaxNs,
                    frameLimit,
                    flows,
                    captureClock,
                    events);
            config.validate();
            return Engine.create(config);
        }
    }
}
