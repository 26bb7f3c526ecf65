package io.npflua.engine.worker;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerCounters;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.event.EventLogOptions;
import io.npflua.engine.flow.FlowTracking;
import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.ring.RingFrameSource;
import io.npflua.ffm.layout.PacketConstants;
import io.npflua.ffm.ring.BlockRing;
import io.npflua.ffm.ring.BlockRingEmulator;
import io.npflua.ffm.ring.RingGeometry;
import io.npflua.ffm.ring.SliceScope;
import io.npflua.lua.sandbox.CallOutcome;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a throwaway worker over synthetic frames before capture starts, so that the JIT compiles the shared hot code
 * (the worker loop, the rule chain, the Lua interpreter, the {@code data} object, the pattern matcher) while no kernel
 * ring is filling. Without it the first second of a live run is interpreted and compiled under load: at 1.5 Mpps with
 * the SSH filter that cost about 0.6 s of C2 time on the capturing core and 10 % kernel drops with one worker.
 *
 * <p>The chain given here must be made of throwaway instances (their own Lua states, their own {@code shared} tables,
 * {@code print} to nowhere, see {@code RuleFactory.warmupFactory()}); nothing of the warm-up is counted in the
 * engine's counters. After the frames, it waits (bounded) until the JIT's compile time stops growing, so that
 * compilations the warm-up queued do not land in the first seconds of capture either.
 */
public final class JitWarmup {
    /** Slots of a warm-up round's event queue: its thread empties it after every poll. */
    private static final int WARMUP_EVENT_SLOTS = 256;

    /** Flows of the warm-up's table: the synthetic frames hold few. */
    private static final int WARMUP_FLOWS = 1024;

    /**
     * What a warm-up did.
     *
     * @param events events its workers handed to their throwaway event logs, each formatted and thrown away (0 when
     *               the real workers have no event log)
     */
    public record Result(long frames, long elapsedNs, long compileWaitNs, long events) {
        /** Nothing was done. */
        public static final Result NONE = new Result(0, 0, 0, 0);
    }

    /** How long the wait for a quiet compiler lasts at most. */
    static final long MAX_COMPILE_WAIT_NS = TimeUnit.SECONDS.toNanos(2);
    /** How long the JIT's total compile time must stay unchanged to count as quiet. */
    private static final long QUIET_NS = TimeUnit.MILLISECONDS.toNanos(60);

    private static final long CHECK_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int BATCH = 64;
    /** Rounds of a warm-up, each with fresh states, worker and thread (see {@link #run}). */
    static final int ROUNDS = 40;
    /** Polls without a frame after which a round ends (a supply with no frames at all: an empty capture file). */
    private static final int MAX_IDLE_POLLS = 10_000;

    /** An error handler that reports nothing: the warm-up's rule failures say nothing about the real traffic. */
    public static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void onRuleError(int worker, String rule, CallOutcome kind, String message, long suppressed) {}

        @Override
        public void onWorkerError(int worker, String what, Throwable cause, boolean restarting) {}
    };

    private JitWarmup() {}

    /**
     * Where a warm-up's frames come from. The JIT's type profiles must see what the real workers will see (the same
     * {@code FrameSource} and {@code Frame} classes, the same kind of memory): compiled for a synthetic ring and then
     * fed a pcap file's frames, the worker loop, the flow key and the packet's binding meet classes they never saw,
     * trap back to the interpreter and are recompiled without their speculations (replay with the synthetic warm-up
     * ran 20-25 % slower than without any). Live capture warms up over {@link #syntheticRing}, replay over the file.
     */
    public interface FrameSupply extends AutoCloseable {
        /** The source every round reads from (opened once). */
        FrameSource source();

        /** Called when the source had no frame: makes frames available again (a ring hands its blocks back). */
        void refill();

        @Override
        void close();
    }

    /**
     * The synthetic V3 ring ({@link #frames()}, packed as the kernel packs them) in memory of {@code arena}; its frames
     * are handed out {@code writable} or read-only, as a bridge's or a tap's are.
     */
    public static FrameSupply syntheticRing(Arena arena, boolean writable) {
        return new SyntheticRing(arena, writable);
    }

    /** A source that already loops over frames of the real run (a pcap file read without end): no refill. */
    public static FrameSupply looping(FrameSource source) {
        return new FrameSupply() {
            @Override
            public FrameSource source() {
                return source;
            }

            @Override
            public void refill() {}

            @Override
            public void close() {
                source.close();
            }
        };
    }

    /** Makes the throwaway chains of a warm-up, one per round, and frees them again. */
    public interface ChainSource {
        /**
         * A chain of fresh throwaway rule instances, for a round whose worker hands its events to {@code roundLog}
         * (null: none), where the chain's alerts and script errors may go too.
         */
        RuleChain newChain(EventLog roundLog);

        /** Frees the instances of a chain {@link #newChain} made. */
        void close(RuleChain chain);
    }

    /**
     * Runs chains from {@code chains} over the {@link #frames() synthetic frames} until {@code frames} were handled or
     * {@code maxNs} passed, then waits for a quiet compiler. The frames are spread over {@value #ROUNDS} rounds, each
     * with a fresh chain (fresh Lua states) and a fresh worker on a fresh thread: the branches a state, a worker or a
     * thread takes only on its first frames (binding the instruction budget to the thread, first use of a thread
     * local, first call of a closure) are then in the JIT's profile too. Compiled without them, the real workers'
     * first frames would hit "never taken" branches and send the hottest methods (the Lua interpreter loop, the
     * pattern matcher) back to the interpreter for a recompile, under full load.
     *
     * @param chains makes the throwaway chains
     * @param frames how many frames to run in all (0: do nothing)
     * @param maxNs  the most time the frames may take
     * @param like   what the real workers have besides their chain (flow tracking, event log, capture clock)
     * @return frames run, time spent, events handed over
     */
    public static Result run(ChainSource chains, long frames, long maxNs, Like like) {
        if (frames <= 0) {
            return Result.NONE;
        }
        try (Arena arena = Arena.ofShared()) {
            return run(chains, frames, maxNs, like, syntheticRing(arena, like.inline()));
        }
    }

    /**
     * What the real workers have besides their chain, which the warm-up's workers then have too: the JIT compiles
     * the worker loop for the branches it saw taken, and a branch a warm-up never took (the event log's hand-off, the
     * capture clock) is an uncommon trap that sends the compiled loop back to the interpreter on the real run's first
     * frame (seen with {@code -Xlog:deoptimization=debug}: {@code RouteConsumer.onFrame}, {@code
     * EventProducer.admit}) and recompiles it under load.
     *
     * @param flows        the real workers' flow tracking: the warm-up's workers track flows (in a small table) only
     *                     if they do
     * @param events       the real event log's options, or null: each round's worker then hands its blocked frames
     *                     and flow ends to a small throwaway log of these options for one worker (never started: the
     *                     round's thread formats the events as the writer would and throws the lines away), a fresh
     *                     one per round as each real worker's producer is fresh; the chain source may send the
     *                     chain's alerts and script errors there too ({@link ChainSource#newChain})
     * @param captureClock whether the real workers publish capture times ({@code replay}): each round then gets a
     *                     clock of its own
     * @param inline       whether the real workers' frames are writable (a bridge's): the synthetic frames are then
     *                     writable too, so that a script's packet calls take the paths they take inline (a writable
     *                     frame is parsed again on every header call; {@code tostring} of it copies)
     */
    public record Like(FlowTracking flows, EventLogOptions events, boolean captureClock, boolean inline) {
        /** Workers with flow tracking {@code flows} and nothing else. */
        public static Like flows(FlowTracking flows) {
            return new Like(flows, null, false, false);
        }
    }

    /** {@link #run(ChainSource, long, long, Like)} over the frames of {@code supply} (closed at the end). */
    public static Result run(ChainSource chains, long frames, long maxNs, Like like, FrameSupply supply) {
        final FlowTracking flows = like.flows();
        if (frames <= 0) {
            supply.close();
            return Result.NONE;
        }
        loadSegmentKinds();
        final long start = System.nanoTime();
        final long deadline = start + maxNs;
        final long perRound = Math.max(1, frames / ROUNDS);
        long done = 0;
        long events = 0;
        try (supply) {
            final FrameSource source = supply.source();
            while (done < frames && System.nanoTime() - deadline < 0) {
                final long target = Math.min(perRound, frames - done);
                final WorkerCounters counters = new WorkerCounters();
                final long[] formatted = new long[1];
                final EventLog log = like.events() == null
                        ? null
                        : new EventLog(like.events().withQueueSlots(WARMUP_EVENT_SLOTS), 1, SILENT);
                if (log != null) {
                    log.attach(new WorkerCounters[] {counters});
                }
                final RuleChain chain = chains.newChain(log);
                try {
                    final Worker worker = new Worker(
                                    0,
                                    new Worker.Route[] {new Worker.Route(source, null)},
                                    null,
                                    null,
                                    new ChainBoard(new RuleChain[] {chain}),
                                    SILENT,
                                    counters,
                                    BATCH,
                                    Long.MAX_VALUE / 4)
                            .flows(
                                    flows.enabled()
                                            ? flows.withTable(flows.table().withMaxFlows(WARMUP_FLOWS))
                                            : null)
                            .events(log == null ? null : log.producer(0))
                            .captureClock(like.captureClock() ? new CaptureClock(1) : null);
                    Thread t = new Thread(
                            () -> {
                                int idle = 0;
                                while (counters.get(WorkerCounter.SEEN) < target
                                        && System.nanoTime() - deadline < 0
                                        && idle < MAX_IDLE_POLLS) {
                                    if (worker.doWork() == 0) {
                                        supply.refill();
                                        idle++;
                                    } else {
                                        idle = 0;
                                    }
                                    if (log != null) {
                                        formatted[0] += log.formatAndDiscard(0);
                                    }
                                }
                            },
                            "npflua-warmup");
                    t.start();
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } finally {
                    chains.close(chain);
                }
                long seen = counters.get(WorkerCounter.SEEN);
                done += seen;
                events += formatted[0];
                if (seen == 0) {
                    break; // a round without a frame: the supply has none
                }
            }
        }
        final long waitStart = System.nanoTime();
        awaitQuietCompiler(MAX_COMPILE_WAIT_NS);
        final long end = System.nanoTime();
        return new Result(done, end - start, end - waitStart, events);
    }

    /**
     * Loads the classes of heap memory segments (one per element type) before anything is compiled. While only native
     * segments exist, C2 binds every segment access to the native class by class hierarchy analysis; the first heap
     * segment made later (the event log's start built a frame in a {@code byte[]}, a script's {@code data.new}) then
     * invalidated every method compiled that way at once — {@code PcapReader}, {@code PacketData.bind}, {@code
     * RuleChain.evaluate}, the source's poll: "made not entrant: marked for deoptimization" under
     * {@code -XX:+PrintCompilation}, 1 M replayed frames 45 → 104-115 ns each — and the run went on interpreted while
     * they were compiled again. With both kinds loaded the compiled accesses check the class they profiled instead.
     */
    static void loadSegmentKinds() {
        MemorySegment.ofArray(new byte[0]);
        MemorySegment.ofArray(new char[0]);
        MemorySegment.ofArray(new short[0]);
        MemorySegment.ofArray(new int[0]);
        MemorySegment.ofArray(new float[0]);
        MemorySegment.ofArray(new long[0]);
        MemorySegment.ofArray(new double[0]);
    }

    /**
     * A small TPACKET_V3 ring in memory, filled once with the synthetic frames the way the kernel packs them, walked
     * by the same {@link BlockRing} and {@link RingFrameSource} code as a live capture socket (VLAN re-insertion on,
     * the whole ring as the frames' segment), and handed back to the walker whenever it has read everything.
     */
    private static final class SyntheticRing implements FrameSupply {
        // Room for the fullest block: the last one holds both super-frames twice, about 218 KB in all.
        private static final int BLOCK_SIZE = 1 << 18;
        private static final int BLOCKS = 4;
        // PACKET_RESERVE of a live capture socket with VLAN re-insertion.
        private static final int RESERVE = 4;
        /**
         * Frames per block, as a live ring's blocks hold however many frames came before the block's timeout: some
         * end exactly where a worker's batch of {@value JitWarmup#BATCH} ends (the walker then gives the block back
         * on its way out of {@code poll}), others mid-batch; 384 in all, a multiple of the batch, so every pass over
         * the ring sees both. A ring whose blocks were all filled to the brim never ended a batch at a block's end,
         * and the first live block that did threw {@code BlockRing.poll}'s compiled code away.
         */
        private static final int[] FRAMES_PER_BLOCK = {BATCH, 100, 92, 2 * BATCH};

        private final BlockRing ring;
        private final BlockRingEmulator kernel;
        private final boolean writable;
        private final MemorySegment memory;
        /** The ring as filled, when scripts may write the frames: every pass starts from it again. */
        private final MemorySegment pristine;

        private RingFrameSource source;

        SyntheticRing(Arena arena, boolean writable) {
            this.writable = writable;
            RingGeometry geometry = RingGeometry.blocks(BLOCK_SIZE, BLOCKS, 1);
            memory = arena.allocate(geometry.sizeBytes(), BLOCK_SIZE);
            ring = new BlockRing(memory, geometry, SliceScope.RING, true);
            kernel = new BlockRingEmulator(memory, geometry, RESERVE);
            List<MemorySegment> packets =
                    frames().stream().map(MemorySegment::ofArray).toList();
            long ts = System.currentTimeMillis() * 1_000_000L;
            int i = 0;
            for (int block = 0; block < BLOCKS; block++) {
                for (int n = 0; n < FRAMES_PER_BLOCK[block]; n++, i++) {
                    MemorySegment p = packets.get(i % packets.size());
                    int len = (int) p.byteSize();
                    if (!kernel.add(p, 0, len, len, ts + i, -1, 0, PacketConstants.PACKET_OTHERHOST, 1)) {
                        throw new IllegalStateException("the synthetic frames do not fit the warm-up ring");
                    }
                }
                kernel.closeBlock();
            }
            // A script's writes to a bridge's frames (a TTL decremented, a field scrubbed) would otherwise stay in the
            // ring for every later pass, and the warm-up would profile traffic that drifts away from real traffic.
            pristine = writable ? arena.allocate(memory.byteSize()).copyFrom(memory) : null;
        }

        @Override
        public FrameSource source() {
            if (source == null) {
                source = RingFrameSource.overRing(ring, "warm-up", writable, null);
            }
            return source;
        }

        /** Gives every block to the walker again (after it released them all), as filled when frames are writable. */
        @Override
        public void refill() {
            if (pristine != null) {
                memory.copyFrom(pristine);
            }
            kernel.handOverAll();
        }

        @Override
        public void close() {
            if (source != null) {
                source.close();
            }
        }
    }

    /** Waits until the JIT's total compile time has not grown for a while, at most {@code maxNs}. */
    static void awaitQuietCompiler(long maxNs) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        final long deadline = System.nanoTime() + maxNs;
        long last = jit.getTotalCompilationTime();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(CHECK_NS);
            long now = jit.getTotalCompilationTime();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= QUIET_NS) {
                return;
            }
        }
    }

    /**
     * The synthetic traffic, two-way as real traffic is, so that the flow table's paths and the chain's are all in
     * the JIT's profile before the first real frame (one-way frames only, as before session 12, left every reply,
     * every TCP state change and every flow end a never-taken branch, and real traffic's first conversation sent the
     * worker loop back to the interpreter: {@code FlowTable.update}, {@code transition}, {@code track}, {@code
     * FlowStage.onFrame} under {@code -Xlog:jit+compilation} at a bridge's first iperf3 frames). Lab addresses only:
     * <ul>
     *   <li>an SSH connection over IPv4 from its handshake to both FINs: the client's banner, the server's (one a
     *       filter passes), an ACK; the same five frames again start it anew (a SYN on a closed flow);</li>
     *   <li>an SSH server announcing OpenSSH_6.4 (the banner the seed filter blocks), mid-connection;</li>
     *   <li>a connection refused (SYN, RST) and a 1400-byte HTTP segment;</li>
     *   <li>DNS over UDP, query and answer; RTP, one way;</li>
     *   <li>TCP over IPv6 (handshake, data both ways), UDP both ways between two prefixes, an ICMPv6 echo and its
     *       reply, a neighbour solicitation (a reachability probe) behind a hop-by-hop header (no ports: not a
     *       query);</li>
     *   <li>a VLAN-tagged ping and its reply, and an ARP request (no flow);</li>
     *   <li>{@value #BUSY_HEADER_FRAMES} segments of many TCP clients with header bytes of every value, and two TCP
     *       super-frames
     *       ({@link #busyHeaders}).</li>
     * </ul>
     */
    public static List<byte[]> frames() {
        String v4a = "198.18.0.1";
        String v4b = "198.18.0.2";
        String v6a = "2001:db8::1";
        String v6b = "2001:db8::2";
        int syn = FrameBuilder.TCP_SYN;
        int ack = FrameBuilder.TCP_ACK;
        int pshAck = FrameBuilder.TCP_PSH | ack;
        int finAck = FrameBuilder.TCP_FIN | ack;
        byte[] http =
                ("GET /index.html HTTP/1.1\r\n".repeat(60)).substring(0, 1400).getBytes();
        byte[] rtp = new byte[172];
        rtp[0] = (byte) 0x80;
        rtp[1] = 0x00;
        byte[] dnsQuery = new byte[40];
        dnsQuery[2] = 0x01;
        dnsQuery[5] = 0x01;
        byte[] dnsAnswer = dnsQuery.clone();
        dnsAnswer[2] = (byte) 0x81;
        dnsAnswer[3] = (byte) 0x80;
        List<byte[]> frames = new ArrayList<>(List.of(
                // SSH over IPv4, client 40000 -> server 22, from SYN to the last ACK
                fromA(v4a, v4b).tcp(40000, 22, 100, 0, syn).build(),
                fromB(v4b, v4a).tcp(22, 40000, 500, 101, syn | ack).build(),
                fromA(v4a, v4b).tcp(40000, 22, 101, 501, ack).build(),
                fromA(v4a, v4b)
                        .tcp(40000, 22, 101, 501, pshAck)
                        .payload("SSH-2.0-OpenSSH_9.6p1 Debian-3ubuntu13\r\n")
                        .build(),
                fromB(v4b, v4a)
                        .tcp(22, 40000, 501, 142, pshAck)
                        .payload("SSH-2.0-OpenSSH_9.6p1 Debian-3ubuntu13\r\n")
                        .build(),
                fromA(v4a, v4b).tcp(40000, 22, 142, 542, ack).build(),
                fromA(v4a, v4b).tcp(40000, 22, 142, 542, finAck).build(),
                fromB(v4b, v4a).tcp(22, 40000, 542, 143, finAck).build(),
                fromA(v4a, v4b).tcp(40000, 22, 143, 543, ack).build(),
                // an OpenSSH_6.4 server's banner (what the seed filter blocks)
                fromB("198.18.0.3", v4a)
                        .tcp(22, 40001, 1, 1, pshAck)
                        .payload("SSH-2.0-OpenSSH_6.4\r\n")
                        .build(),
                // a connection refused
                fromA(v4a, v4b).tcp(40006, 23, 1, 0, syn).build(),
                fromB(v4b, v4a).tcp(23, 40006, 0, 2, FrameBuilder.TCP_RST | ack).build(),
                fromA(v4a, v4b).tcp(40002, 80, 1, 1, pshAck).payload(http).build(),
                fromA(v4a, v4b).udp(40003, 53).payload(dnsQuery).build(),
                fromB(v4b, v4a).udp(53, 40003).payload(dnsAnswer).build(),
                fromA(v4a, v4b).udp(40004, 5004).payload(rtp).build(),
                // IPv6: TCP both ways, an echo and its reply, a neighbour solicitation behind a hop-by-hop header
                fromA(v6a, v6b).tcp(40005, 443, 1, 0, syn).build(),
                fromB(v6b, v6a).tcp(443, 40005, 1, 2, syn | ack).build(),
                fromA(v6a, v6b)
                        .tcp(40005, 443, 2, 2, pshAck)
                        .payload(new byte[100])
                        .build(),
                fromB(v6b, v6a)
                        .tcp(443, 40005, 2, 102, pshAck)
                        .payload(new byte[300])
                        .build(),
                fromA(v6a, v6b).echo(true, 7, 1).payload(new byte[56]).build(),
                // between two prefixes (the addresses' high halves differ: the key's ordering compares them)
                fromA("2001:db8:1::1", "2001:db8:2::2")
                        .udp(40007, 4789)
                        .payload(new byte[64])
                        .build(),
                fromB("2001:db8:2::2", "2001:db8:1::1")
                        .udp(4789, 40007)
                        .payload(new byte[64])
                        .build(),
                fromB(v6b, v6a).echo(false, 7, 1).payload(new byte[56]).build(),
                fromA(v6a, v6b)
                        .ipv6Extensions(0)
                        .icmp(135, 0, 0)
                        .payload(new byte[16])
                        .build(),
                FrameBuilder.ethernet(HOST_A, HOST_B)
                        .vlan(100)
                        .ipv4(v4a, v4b)
                        .echo(true, 1, 1)
                        .payload(new byte[56])
                        .build(),
                FrameBuilder.ethernet(HOST_B, HOST_A)
                        .vlan(100)
                        .ipv4(v4b, v4a)
                        .echo(false, 1, 1)
                        .payload(new byte[56])
                        .build(),
                arpRequest()));
        frames.addAll(busyHeaders(v4a, v4b));
        return List.copyOf(frames);
    }

    /**
     * Mid-connection TCP segments of many clients, both ways, with ephemeral ports, sequence and acknowledgement
     * numbers drawn from a fixed-seed generator: header bytes of every value, as real traffic has (the frames above
     * repeat a few ports and small numbers). A script that searches whole frames ({@code tostring(pkt):match}) meets
     * its pattern's first byte in headers where it is not followed by the rest: with only the frames above, that
     * branch of the prefix scan ({@code PatternMatcher.scanArray}) was never taken, and the first live frames with
     * such a byte threw the seed SSH filter's compiled code away. Payloads: SSH banners, an HTTP request line, random
     * bytes, random text (letters, digits and '-': a text pattern's prefix, whole and in part, at every position, as
     * in a bulk transfer's data), none; and two super-frames of random text (20 and 60 KiB: what a tap on a host with
     * GRO and a bridge with offloads receive; a string search over them runs in place, not on a copy).
     */
    private static List<byte[]> busyHeaders(String client, String server) {
        SplittableRandom random = new SplittableRandom(0x5eed);
        List<byte[]> out = new ArrayList<>(BUSY_HEADER_FRAMES + 2);
        for (int i = 0; i < BUSY_HEADER_FRAMES + 2; i++) {
            int clientPort = 32768 + random.nextInt(28232);
            int serverPort = i % 3 == 0 ? 22 : i % 3 == 1 ? 80 : 443;
            long seq = random.nextLong() >>> 32;
            long ack = random.nextLong() >>> 32;
            byte[] payload = i == BUSY_HEADER_FRAMES
                    ? randomText(random, 20 << 10)
                    : i > BUSY_HEADER_FRAMES
                            ? randomText(random, 60 << 10)
                            : switch (i % 6) {
                                case 0 -> ascii("SSH-2.0-OpenSSH_9.6p1 Debian-3ubuntu13\r\n");
                                case 1 -> ascii("SSH-2.0-OpenSSH_6.4\r\n");
                                case 2 -> ascii("GET / HTTP/1.1\r\nHost: example.test\r\n\r\n");
                                case 3 -> randomBytes(random, 16 + random.nextInt(200));
                                case 4 -> new byte[0];
                                default -> randomText(random, 16 + random.nextInt(1400));
                            };
            FrameBuilder f = i % 2 == 0
                    ? fromA(client, server)
                            .tcp(clientPort, serverPort, seq, ack, FrameBuilder.TCP_PSH | FrameBuilder.TCP_ACK)
                    : fromB(server, client)
                            .tcp(serverPort, clientPort, seq, ack, FrameBuilder.TCP_PSH | FrameBuilder.TCP_ACK);
            out.add(f.payload(payload).build());
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] randomBytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] randomText(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) TEXT.charAt(random.nextInt(TEXT.length()));
        }
        return b;
    }

    private static final String TEXT = "ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";

    /** How many {@link #busyHeaders} frames of ordinary size the synthetic traffic has (and two super-frames). */
    static final int BUSY_HEADER_FRAMES = 64;

    private static final String HOST_A = "02:00:00:00:00:01";
    private static final String HOST_B = "02:00:00:00:00:02";

    /** A frame from host a to host b, IPv4 or IPv6 as the addresses are. */
    private static FrameBuilder fromA(String source, String destination) {
        return ip(FrameBuilder.ethernet(HOST_A, HOST_B), source, destination);
    }

    /** A frame from host b to host a. */
    private static FrameBuilder fromB(String source, String destination) {
        return ip(FrameBuilder.ethernet(HOST_B, HOST_A), source, destination);
    }

    private static FrameBuilder ip(FrameBuilder frame, String source, String destination) {
        return source.indexOf(':') >= 0 ? frame.ipv6(source, destination) : frame.ipv4(source, destination);
    }

    /** An ARP who-has 198.18.0.2 from 198.18.0.1, padded to the Ethernet minimum. */
    private static byte[] arpRequest() {
        byte[] f = new byte[FrameBuilder.ETHERNET_MIN_LENGTH];
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) 0xff;
        }
        byte[] mac = {0x02, 0, 0, 0, 0, 0x01};
        System.arraycopy(mac, 0, f, 6, 6);
        f[12] = 0x08;
        f[13] = 0x06;
        byte[] arp = {0, 1, 0x08, 0, 6, 4, 0, 1};
        System.arraycopy(arp, 0, f, 14, arp.length);
        System.arraycopy(mac, 0, f, 22, 6);
        byte[] spa = {(byte) 198, 18, 0, 1};
        System.arraycopy(spa, 0, f, 28, 4);
        byte[] tpa = {(byte) 198, 18, 0, 2};
        System.arraycopy(tpa, 0, f, 38, 4);
        return f;
    }
}
