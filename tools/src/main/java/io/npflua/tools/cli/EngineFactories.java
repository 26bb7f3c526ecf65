package io.npflua.tools.cli;

import io.npflua.engine.Engine;
import io.npflua.engine.output.ForwarderFactory;
import io.npflua.engine.output.VerdictSinkFactory;
import io.npflua.engine.rule.RuleFactory;
import io.npflua.engine.source.FrameSourceFactory;
import io.npflua.engine.worker.ErrorHandler;
import java.nio.file.Path;
import java.util.List;

/**
 * The one place where the CLI chooses the engine's pluggable parts: live AF_PACKET sources and forwarders, pcap
 * sources and writers, the Lua rule factory and the control server. Every command asks this class, so a test (or an
 * embedding program) can pass a subclass to {@link Main#commandLine(EngineFactories)}.
 *
 * <p>The parts come from modules that are joined at merge time; until a method is wired it throws
 * {@link UnsupportedOperationException} with a message that names it, and the commands that need it fail with that
 * message (exit 1) instead of pretending.
 *
 * <p>Bodies at merge (checked by compiling and running this branch merged with {@code wiring} in a scratch clone;
 * the live run, control socket, replay and pcap output then worked end to end):
 * <pre>{@code
 * liveSources(bpf)        return EngineSources.live(options(bpf));
 * liveBridge(bpf)         BridgePorts p = EngineSources.bridge(options(bpf)); return new LiveBridge(p, p);
 * pcapSources(f, passes)  return EngineSources.pcap(passes);
 * pcapSink(file)          return EngineSources.pcapSink(file).perWorker();   // IOException -> CliFailure
 * controlServer(e, s, h)  return ControlServer.start(s, new ControlProtocol(e)::handle, h);
 * luaRules()              the Lua RuleFactory (sandbox ScriptState + data module), not written yet
 * options(bpf)            LiveCaptureOptions.defaults(), .withFilter(BpfProgram.compileWithTcpdump(bpf)) if bpf
 * }</pre>
 */
public class EngineFactories {
    /** The factories of this build. */
    public EngineFactories() {
    }

    /**
     * Live capture: one AF_PACKET socket and TPACKET ring per worker and interface, in one fanout group per interface.
     *
     * @param bpf a tcpdump-style filter expression to attach as a kernel prefilter, or null for none
     */
    public FrameSourceFactory liveSources(String bpf) {
        throw notWired("live AF_PACKET capture", "liveSources");
    }

    /**
     * The inline bridge: receive and transmit ports per worker and interface. The two halves usually are one object
     * (the same socket receives and transmits), hence one method returning both.
     *
     * @param bpf a kernel prefilter expression, or null
     */
    public LiveBridge liveBridge(String bpf) {
        throw notWired("the inline bridge", "liveBridge");
    }

    /** Sources and forwarders of an inline bridge (typically the same object twice). */
    public record LiveBridge(FrameSourceFactory sources, ForwarderFactory forwarders) {
    }

    /**
     * Offline sources: the given pcap/pcapng files, each handed out {@code passes} times in a row (for
     * {@code replay --repeat}). The engine names each file as one "interface" ({@code Engine.Builder.tap(file)}).
     */
    public FrameSourceFactory pcapSources(List<Path> files, long passes) {
        throw notWired("reading pcap files", "pcapSources");
    }

    /**
     * A pcap writer for {@code file} (original time stamps and wire lengths), one sink per worker onto one file that
     * is closed with the last worker.
     */
    public VerdictSinkFactory pcapSink(Path file) {
        throw notWired("writing pcap files", "pcapSink");
    }

    /** The Lua rule factory: the sandbox with the data module, the shared table module and the string library. */
    public RuleFactory luaRules() {
        throw notWired("Lua scripts", "luaRules");
    }

    /**
     * Serves the control protocol for {@code engine} on a Unix socket at {@code socket} (mode 0600, SO_PEERCRED
     * checked); closing the result stops serving and removes the socket.
     */
    public AutoCloseable controlServer(Engine engine, Path socket, ErrorHandler errors) throws Exception {
        throw notWired("the control socket", "controlServer");
    }

    /**
     * The Lua rule factory when scripts are to be loaded; without scripts a missing factory is no reason to fail,
     * so this falls back to {@link RuleFactory#NONE} (which rejects a later {@code load} with a clear message).
     */
    RuleFactory luaRulesIfWired(boolean needed) {
        try {
            return luaRules();
        } catch (UnsupportedOperationException e) {
            if (needed || !isNotWired(e)) {
                throw e;
            }
            return RuleFactory.NONE;
        }
    }

    /** True when {@code e} is the "not wired yet" signal of this class. */
    public static boolean isNotWired(Throwable e) {
        return e instanceof UnsupportedOperationException && String.valueOf(e.getMessage()).contains("not wired yet");
    }

    private static UnsupportedOperationException notWired(String what, String method) {
        return new UnsupportedOperationException(what + ": not wired yet in this build (EngineFactories."
                + method + " is filled in when the modules are merged)");
    }
}
