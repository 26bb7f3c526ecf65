package io.npflua.tools.bench;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.ScriptCounters;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.event.EventLogOptions;
import io.npflua.engine.flow.FlowTracking;
import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.HandlerRule;
import io.npflua.engine.rule.Rule;
import io.npflua.engine.rule.RuleRejectedException;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.rule.Verdict;
import io.npflua.engine.rule.lua.LuaRuleFactory;
import io.npflua.engine.source.MemoryFrameSource;
import io.npflua.engine.worker.ChainBoard;
import io.npflua.engine.worker.FrameQuota;
import io.npflua.engine.worker.RuleChain;
import io.npflua.engine.worker.Worker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 * in-memory source of 1024 Ethernet/IPv4/TCP frames (64 to about 1460 bytes; one in 16 carries the banner
 * "SSH-2.0-OpenSSH_6.4"), with {@code chain} = {@code empty}, {@code empty-limit} (the same with a frame limit,
 * {@code -c}, that is never reached: what the shared count costs), {@code empty-flows} (flow tracking on: what a
 * lookup in the worker's table costs), {@code ssh-flows} (the SSH script with flows and {@code --inspect-bytes 4096}:
 * frames of flows past the limit bypass it), {@code java1} / {@code java2} (one or two trivial Java
 * rules that read a byte), {@code ssh} (the seed's SSH filter, examples/ssh-version.lua, made a rule by the
 * engine's {@link LuaRuleFactory}, as {@code npflua run -s} does), or {@code lua-verdict} / {@code lua-reason} (a
 * script that blocks half the frames, without or with a constant reason: the cost of verdict reasons), or
 * {@code flow-fields} (tracking on, a script reading {@code pkt:flow()}'s fields and vars: 0 B/frame), or
 * {@code lua-block} / {@code lua-block-events} (a script that blocks every frame with a reason, without or with an
 * event log whose rate limit is exceeded: what {@code --events} costs per frame of a flood). One operation = one
 * frame.
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} must be 0 B/op for the empty and Java chains; with the SSH
 * script it is the Lua string its {@code tostring(pkt)} asks for (the frame's length plus LuaJ's string header).
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

    /** The chain: empty, 1 or 2 trivial Java rules that read a byte, or the seed's SSH script. */
    @Param({
        "empty",
        "empty-limit",
        "empty-flows",
        "java1",
        "java2",
        "ssh",
        "ssh-flows",
        "flow-fields",
        "lua-verdict",
        "lua-reason",
        "lua-block",
        "lua-block-events"
    })
    public String chain;

    private MemoryFrameSource source;
    private Worker worker;

    @Setup(Level.Trial)
    public void setUp() throws IOException, RuleRejectedException {
        MemoryFrameSource.Builder b = MemoryFrameSource.builder("bench").passes(MemoryFrameSource.ENDLESS);
        byte[] filler = "GET /index.html HTTP/1.1\r\n".repeat(60).getBytes(StandardCharsets.US_ASCII);
        byte[] banner = "SSH-2.0-OpenSSH_6.4\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 1024; i++) {
            byte[] payload = i % 16 == 0 ? banner : Arrays.copyOf(filler, 10 + (i * 37) % 1400);
            b.add(FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                    .ipv4("198.18.0.1", "198.18.0.2")
                    .tcp(22, 40000 + i, 1, 0, FrameBuilder.TCP_PSH | FrameBuilder.TCP_ACK)
                    .payload(payload)
                    .build());
        }
        source = b.build();
        int rules = switch (chain) {
            case "empty", "empty-limit", "empty-flows" -> 0;
            case "java1",
                    "ssh",
                    "ssh-flows",
                    "flow-fields",
                    "lua-verdict",
                    "lua-reason",
                    "lua-block",
                    "lua-block-events" -> 1;
            case "java2" -> 2;
            default -> throw new IllegalArgumentException("unknown chain " + chain);
        };
        Rule[] rs = new Rule[rules];
        String[] names = new String[rules];
        ScriptCounters[] counters = new ScriptCounters[rules];
        ErrorPolicy[] policies = new ErrorPolicy[rules];
        for (int i = 0; i < rules; i++) {
            final int at = 12 + i;
            rs[i] = chain.startsWith("ssh")
                    ? sshScript()
                    : chain.equals("flow-fields")
                            ? luaScript(FLOW_FIELDS)
                            : chain.startsWith("lua-block")
                                    ? luaScript("function filter(p) return false, 'flood' end")
                                    : chain.startsWith("lua-")
                                            ? verdictScript(chain.equals("lua-reason"))
                                            : new HandlerRule(
                                                    frame -> frame.byteAt(at) == 0x7f ? Verdict.BLOCK : Verdict.PASS);
            names[i] = chain + i;
            counters[i] = new ScriptCounters();
            policies[i] = ErrorPolicy.PASS;
        }
        int[] slots = new int[rules];
        for (int i = 0; i < rules; i++) {
            slots[i] = i;
        }
        long[] generations = new long[rules];
        Arrays.fill(generations, 1);
        // Not named chain: that is the parameter, which the checks below compare.
        RuleChain ruleChain = new RuleChain(
                0, names, generations, rs, counters, policies, slots, new long[rules], -1L, 64, ErrorHandler.STDERR);
        ChainBoard board = new ChainBoard(new RuleChain[] {ruleChain});
        worker = new Worker(
                0,
                new Worker.Route[] {new Worker.Route(source, null)},
                null,
                null,
                board,
                ErrorHandler.STDERR,
                new WorkerCounters(),
                BATCH,
                TimeUnit.MILLISECONDS.toNanos(100));
        if (chain.endsWith("-flows") || chain.equals("flow-fields")) {
            // Flow tracking (1,024 flows, the frames' own); with the SSH script, inspection ends after 4 KiB of
            // payload each way, so that after the first passes every flow bypasses the script.
            worker.flows(FlowTracking.defaults().withInspectBytes(chain.startsWith("ssh") ? 4096 : 0));
        }
        if (chain.equals("lua-block-events")) {
            // An event log that is never started: its clock stays where it was made, so after the first burst every
            // blocked frame takes the suppressed path, the steady state of a flood (--events with a rate limit).
            EventLog log = new EventLog(EventLogOptions.of(null), 1, ErrorHandler.STDERR);
            log.attach(new WorkerCounters[] {worker.counters()});
            worker.events(log.producer(0));
        }
        if (chain.equals("empty-limit")) {
            worker.quota(new FrameQuota(Long.MAX_VALUE)); // -c with a count never reached: the limit's own cost
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        WorkerCounters c = worker.counters();
        if (c.get(WorkerCounter.SEEN) != c.get(WorkerCounter.PASSED) + c.get(WorkerCounter.BLOCKED)) {
            throw new IllegalStateException("counters do not add up");
        }
        if (chain.equals("lua-block-events")
                && (c.get(WorkerCounter.DROP_EVENTS_SUPPRESSED) == 0
                        || c.get(WorkerCounter.SEEN)
                                != c.get(WorkerCounter.DROP_EVENTS)
                                        + c.get(WorkerCounter.DROP_EVENTS_SUPPRESSED)
                                        + c.get(WorkerCounter.DROP_EVENTS_DROPPED))) {
            throw new IllegalStateException("every blocked frame is an event, logged or suppressed: frames "
                    + c.get(WorkerCounter.SEEN) + ", handed " + c.get(WorkerCounter.DROP_EVENTS) + ", suppressed "
                    + c.get(WorkerCounter.DROP_EVENTS_SUPPRESSED) + ", dropped "
                    + c.get(WorkerCounter.DROP_EVENTS_DROPPED) + ", blocked " + c.get(WorkerCounter.BLOCKED));
        }
        if (chain.startsWith("ssh") && c.get(WorkerCounter.BLOCKED) == 0) {
            throw new IllegalStateException("the SSH script blocked no banner frame");
        }
        source.close();
    }

    /** One duty cycle of 64 frames; reported per frame. 0 B/op but what a script asks for. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int workerLoop() {
        return worker.doWork();
    }

    /**
     * Blocks the frames to even ports, with a constant reason or without: the two differ only in the second result,
     * so their B/op differ by what a reason costs (LuaJ's two-result list, unless the JIT removes it).
     */
    private static Rule verdictScript(boolean reason) throws RuleRejectedException {
        String source = "function filter(p) local t = p:tcp() if t.dst_port % 2 == 0 then return false"
                + (reason ? ", 'even port'" : "") + " end return true end";
        return new LuaRuleFactory()
                .prepare(ScriptSpec.of("verdict.lua", source))
                .newInstance(0);
    }

    /**
     * Reads the fields a flow script typically tests (strings, a port, the per-flow vars) and decides nothing: what
     * {@code pkt:flow()} costs per frame. Ports of the benchmark's flows are 22 and 40000+: the small one is a cached
     * Lua number.
     */
    private static final String FLOW_FIELDS = String.join(
            "\n",
            "function filter(pkt)",
            "  local f = pkt:flow()",
            "  if f.proto == 'tcp' and f.dir == 'orig' and f.state ~= 'closed' and f.sport == 22 then",
            "    return f.vars ~= nil",
            "  end",
            "  return true",
            "end");

    private static Rule luaScript(String source) throws RuleRejectedException {
        return new LuaRuleFactory().prepare(ScriptSpec.of("bench.lua", source)).newInstance(0);
    }

    private static Rule sshScript() throws IOException, RuleRejectedException {
        try (InputStream in = EngineBenchmark.class.getResourceAsStream("/io/npflua/tools/demo/ssh-version.lua")) {
            if (in == null) {
                throw new IOException("example ssh-version.lua is not bundled in the jar");
            }
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new LuaRuleFactory()
                    .prepare(ScriptSpec.of("ssh-version.lua", source))
                    .newInstance(0);
        }
    }
}
