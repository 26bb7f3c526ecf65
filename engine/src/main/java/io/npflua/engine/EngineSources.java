package io.npflua.engine;

import io.npflua.engine.bridge.BridgePorts;
import io.npflua.engine.bridge.OffloadPolicy;
import io.npflua.engine.output.pcap.PcapVerdictSink;
import io.npflua.engine.rule.RuleFactory;
import io.npflua.engine.rule.lua.LuaRuleFactory;
import io.npflua.engine.source.FrameSourceFactory;
import io.npflua.engine.source.pcap.PcapSourceFactory;
import io.npflua.engine.source.ring.LiveCaptureOptions;
import io.npflua.engine.source.ring.LiveSourceFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The sources and outputs the CLI (or an embedding program) plugs into {@link Engine.Builder}, one call per mode:
 *
 * <pre>{@code
 * // tap
 * Engine.builder().tap("eth0").workers(2).sources(EngineSources.live(LiveCaptureOptions.defaults()))
 * // inline bridge
 * BridgePorts ports = EngineSources.bridge(LiveCaptureOptions.defaults());
 * Engine.builder().bridge("eth1", "eth2").sources(ports).forwarders(ports).idleStrategy(ports.idleStrategies())
 * // offline, each file read 3 times
 * Engine.builder().tap("a.pcap", "b.pcap").sources(EngineSources.pcap(3))
 * // Lua scripts (any mode)
 * builder.ruleFactory(EngineSources.lua()).script(ScriptSpec.of("ssh", source))
 * // outputs (any mode)
 * PcapVerdictSink passed = EngineSources.pcapSink(Path.of("passed.pcap"));
 * builder.onPassedPerWorker(passed.perWorker());  // closed with the last worker
 * }</pre>
 */
public final class EngineSources {
    private EngineSources() {}

    /** Live capture (tap): TPACKET_V3 rings, one per worker and interface, fanout across workers. One per engine. */
    public static LiveSourceFactory live(LiveCaptureOptions options) {
        return new LiveSourceFactory(options);
    }

    /** Inline bridge: TPACKET_V2 RX+TX port per worker and interface; pass it as sources and forwarders. */
    public static BridgePorts bridge(LiveCaptureOptions options) {
        return new BridgePorts(options);
    }

    /**
     * Inline bridge handling GSO/GRO super-frames as {@code offloads} says; the one line about what it decided (and the
     * one saying what it restored at the end) goes to {@code log}.
     */
    public static BridgePorts bridge(LiveCaptureOptions options, OffloadPolicy offloads, Consumer<String> log) {
        return new BridgePorts(options, offloads, log);
    }

    /** Offline: the engine's "interfaces" are capture file paths, each read {@code passes} times (at least 1). */
    public static FrameSourceFactory pcap(long passes) {
        return new PcapSourceFactory(passes);
    }

    /** Lua scripts in the sandbox, one isolated state per worker and script; print to standard error. */
    public static RuleFactory lua() {
        return new LuaRuleFactory();
    }

    /** A pcap file of frames (nanosecond timestamps, wire lengths kept), shared by all workers. */
    public static PcapVerdictSink pcapSink(Path path) throws IOException {
        return PcapVerdictSink.create(path);
    }
}
