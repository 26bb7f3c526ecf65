package io.npflua.tools.cli;

import io.npflua.engine.Engine;
import io.npflua.engine.EngineSources;
import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.bridge.BridgePorts;
import io.npflua.engine.bridge.OffloadPolicy;
import io.npflua.engine.control.ControlProtocol;
import io.npflua.engine.control.ControlServer;
import io.npflua.engine.output.ForwarderFactory;
import io.npflua.engine.output.VerdictSinkFactory;
import io.npflua.engine.rule.RuleFactory;
import io.npflua.engine.rule.lua.LuaRuleFactory;
import io.npflua.engine.source.FrameSourceFactory;
import io.npflua.engine.source.ring.LiveCaptureOptions;
import io.npflua.ffm.socket.BpfProgram;
import io.npflua.lua.sandbox.ExecutionModel;
import io.npflua.lua.sandbox.SandboxLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The one place where the CLI chooses the engine's pluggable parts: live AF_PACKET sources and forwarders, pcap
 * sources and writers, the Lua rule factory and the control server. Every command asks this class, so a test (or an
 * embedding program) can pass a subclass to {@link Main#commandLine(EngineFactories)}.
 *
 * <p>Wired to the engine's adapters ({@link EngineSources}: live V3 tap sources, V2 bridge ports, mapped pcap
 * sources, the shared pcap writer, the Lua sandbox) and the control server.
 */
public class EngineFactories {
    /** The factories of this build. */
    public EngineFactories() {}

    /**
     * Live capture: one AF_PACKET socket and TPACKET ring per worker and interface, in one fanout group per interface.
     *
     * @param bpf a tcpdump-style filter expression to attach as a kernel prefilter, or null for none
     */
    public FrameSourceFactory liveSources(String bpf) {
        return EngineSources.live(captureOptions(bpf));
    }

    /** Default ring shapes, promiscuous, with {@code bpf} compiled by tcpdump as a kernel prefilter when given. */
    static LiveCaptureOptions captureOptions(String bpf) {
        LiveCaptureOptions options = LiveCaptureOptions.defaults();
        if (bpf == null || bpf.isBlank()) {
            return options;
        }
        try {
            return options.withFilter(BpfProgram.compileWithTcpdump(bpf));
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(
                    "filter '" + bpf + "'", e.getMessage(), "check the pcap filter syntax (man pcap-filter)");
        }
    }

    /**
     * The inline bridge: receive and transmit ports per worker and interface. The two halves usually are one object
     * (the same socket receives and transmits), hence one method returning both.
     *
     * @param bpf a kernel prefilter expression, or null
     */
    public LiveBridge liveBridge(String bpf) {
        return liveBridge(bpf, OffloadPolicy.AUTO, line -> System.err.println("npflua: " + line));
    }

    /**
     * The inline bridge, handling GSO/GRO super-frames as {@code offloads} says; its one line about offloads (and the
     * one about restoring them) goes to {@code log}.
     */
    public LiveBridge liveBridge(String bpf, OffloadPolicy offloads, Consumer<String> log) {
        BridgePorts ports = EngineSources.bridge(captureOptions(bpf), offloads, log);
        return new LiveBridge(ports, ports);
    }

    /** Sources and forwarders of an inline bridge (typically the same object twice). */
    public record LiveBridge(FrameSourceFactory sources, ForwarderFactory forwarders) {}

    /**
     * Offline sources: pcap/pcapng files, each read {@code passes} times in a row (for {@code replay --repeat}). The
     * files are named to the engine as "interfaces" ({@code Engine.Builder.tap(file)}); the factory opens what it is
     * given.
     */
    public FrameSourceFactory pcapSources(long passes) {
        return EngineSources.pcap(passes);
    }

    /**
     * A pcap writer for {@code file} (original time stamps and wire lengths), one sink per worker onto one file that
     * is closed with the last worker.
     */
    public VerdictSinkFactory pcapSink(Path file) {
        try {
            return EngineSources.pcapSink(file).perWorker();
        } catch (IOException e) {
            throw new CliFailure(
                    "cannot write " + file,
                    String.valueOf(e.getMessage()),
                    "check that the directory exists and is writable",
                    ExitCodes.FAILURE,
                    e);
        }
    }

    /** The Lua rule factory: the sandbox with the data module, the shared table module and the string library. */
    public RuleFactory luaRules() {
        return EngineSources.lua();
    }

    /**
     * The Lua rule factory with scripts run as {@code execution} says ({@link #luaRules()} when null: compiled
     * unless {@code -Dnpflua.lua.execution} says otherwise).
     */
    public RuleFactory luaRules(ExecutionModel execution) {
        RuleFactory rules = luaRules();
        return execution != null && rules instanceof LuaRuleFactory lua ? lua.withExecution(execution) : rules;
    }

    /**
     * The Lua rule factory as the script options of {@code run} and {@code replay} say: execution model and the
     * per-call time and allocation limits (each null: the default).
     */
    RuleFactory luaRules(Options.Scripts scripts) {
        RuleFactory rules = luaRules(scripts.execution);
        if ((scripts.maxCallMillis == null && scripts.maxCallMegabytes == null && scripts.maxStateMegabytes == null)
                || !(rules instanceof LuaRuleFactory lua)) {
            return rules;
        }
        long ms = scripts.maxCallMillis != null
                ? scripts.maxCallMillis
                : SandboxLimits.DEFAULT_CALL_TIME_LIMIT_NANOS / 1_000_000;
        long mb = scripts.maxCallMegabytes != null
                ? scripts.maxCallMegabytes
                : SandboxLimits.DEFAULT_CALL_ALLOCATION_LIMIT_BYTES >> 20;
        long stateMb = scripts.maxStateMegabytes != null
                ? scripts.maxStateMegabytes
                : SandboxLimits.DEFAULT_STATE_MEMORY_LIMIT_BYTES >> 20;
        if (ms < 0 || mb < 0 || stateMb < 0) {
            throw CliFailure.usage(
                    "--max-call-ms / --max-call-mb / --max-state-mb", "must be >= 0 (0 = no limit)", null);
        }
        return lua.withCallLimits(ms * 1_000_000, mb << 20).withStateMemoryLimit(stateMb << 20);
    }

    /**
     * Serves the control protocol for {@code engine} on a Unix socket at {@code socket} (mode 0600, SO_PEERCRED
     * checked); closing the result stops serving and removes the socket.
     */
    public AutoCloseable controlServer(Engine engine, Path socket, ErrorHandler errors) throws Exception {
        return ControlServer.start(socket, new ControlProtocol(engine)::handle, errors);
    }
}
