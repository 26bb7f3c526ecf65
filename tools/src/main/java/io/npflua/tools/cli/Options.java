package io.npflua.tools.cli;

import io.npflua.engine.Engine;
import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.bridge.OffloadPolicy;
import io.npflua.engine.event.EventLog;
import io.npflua.engine.event.EventLogOptions;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.ffm.socket.FanoutMode;
import io.npflua.lua.sandbox.ExecutionModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The option groups several subcommands share, as picocli mixins, and their value converters. */
final class Options {
    private Options() {}

    /** {@code --control PATH}: the engine's control socket. */
    static final class Control {
        @Option(
                names = "--control",
                paramLabel = "PATH",
                description = "Control socket of the engine (default: /run/npflua/npflua.sock as root, else under"
                        + " $XDG_RUNTIME_DIR or /tmp; or $NPFLUA_CONTROL).")
        Path path;

        /** The given path or the default one. */
        Path socket() {
            return path != null ? path : ControlPaths.defaultPath();
        }
    }

    /** {@code --json}: machine-readable output on standard output. */
    /** The event log: {@code --events FILE|-}, its rate limit and its stats interval. */
    static final class Events {
        @Option(
                names = "--events",
                paramLabel = "FILE",
                description = "Write an event log (eve.json-style JSON lines: blocked frames, alerts, script errors,"
                        + " stats) to FILE, or '-' for standard output. See docs/events.md.")
        String events;

        @Option(
                names = "--events-rate",
                paramLabel = "N",
                description = "Events a second per script and event type (default 100); the rest are counted as"
                        + " suppressed.")
        Long rate;

        @Option(
                names = "--events-burst",
                paramLabel = "N",
                description = "Events at once above the rate per script and event type (default 200).")
        Long burst;

        @Option(
                names = "--events-stats",
                paramLabel = "SECONDS",
                description = "Write a stats record this often (default 60; 0 = never).")
        Double statsSeconds;

        /**
         * The event log for {@code workers} workers, from these flags over the configuration's values (any may be
         * null), or null when neither names a file.
         */
        EventLog open(String cfgFile, Long cfgRate, Long cfgBurst, int workers, ErrorHandler errors) {
            String file = events != null ? events : cfgFile;
            if (file == null) {
                return null;
            }
            Path path = file.equals("-") ? null : Path.of(file);
            if (path != null) {
                EngineSetup.checkWritable(path, "--events");
            }
            long r = rate != null ? rate : cfgRate != null ? cfgRate : (long) EventLogOptions.DEFAULT_RATE;
            long b = burst != null ? burst : cfgBurst != null ? cfgBurst : EventLogOptions.DEFAULT_BURST;
            if (r < 1 || b < 1 || b > Integer.MAX_VALUE) {
                throw CliFailure.usage("--events-rate " + r + " --events-burst " + b, "both must be at least 1", null);
            }
            double stats = statsSeconds != null ? statsSeconds : EventLogOptions.DEFAULT_STATS_INTERVAL_NS / 1e9;
            if (!(stats >= 0)) {
                throw CliFailure.usage("--events-stats " + stats, "must be >= 0", null);
            }
            EventLogOptions o = EventLogOptions.of(path).withRate(r, (int) b).withStatsIntervalNs((long) (stats * 1e9));
            return new EventLog(o, workers, errors);
        }
    }

    static final class Json {
        @Option(names = "--json", description = "Print the result as one JSON object on standard output.")
        boolean json;
    }

    /**
     * {@code --warmup FRAMES}: the JIT warm-up before the first real frame ({@code Engine.Builder.warmup}). The
     * default depends on the command: {@code run} warms up (a live ring must not drop while the JIT works),
     * {@code replay} does not unless asked (a short replay should not wait for it; timing runs with
     * {@code --repeat} ask for it to measure compiled code).
     */
    static final class Warmup {
        /** Frames of the JIT warm-up by default for {@code run}: enough for C2 to compile the SSH filter's path. */
        static final long RUN_DEFAULT_FRAMES = 200_000;
        /** The most time the warm-up frames may take. */
        static final int MAX_SECONDS = 5;

        @Option(
                names = "--warmup",
                paramLabel = "FRAMES",
                description = "Before the first real frame, run the"
                        + " scripts on this many synthetic frames in throwaway states so that the JIT has compiled them"
                        + " (run: default " + RUN_DEFAULT_FRAMES + "; replay: default 0; 0 = off; at most "
                        + MAX_SECONDS
                        + " s plus up to 2 s for the JIT).")
        Long frames;

        /** The frames to warm up with ({@code defaultFrames} when the option is absent); refuses a negative count. */
        long frames(long defaultFrames) {
            long n = frames == null ? defaultFrames : frames;
            if (n < 0) {
                throw CliFailure.usage(
                        "--warmup must be 0 or more frames, got " + n,
                        null,
                        "pass --warmup 0 to start without warm-up");
            }
            return n;
        }

        /** Applies {@link #frames(long)} to {@code b}. */
        Engine.Builder applyTo(Engine.Builder b, long defaultFrames) {
            return b.warmup(frames(defaultFrames), MAX_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Flow tracking: {@code --no-flows}, {@code --max-flows}, {@code --inspect-bytes}, {@code --flow-timeout}. */
    static final class Flows {
        @Option(
                names = "--no-flows",
                description = "Do not track flows (scripts then see no pkt:flow(), nothing is bypassed).")
        boolean off;

        @Option(
                names = "--max-flows",
                paramLabel = "N",
                description = "Flows per worker at most (default 65536, about 12 MiB); when full, closing, then"
                        + " half-open, then the least recently active established flows make room.")
        Long maxFlows;

        @Option(
                names = "--inspect-bytes",
                paramLabel = "N",
                description = "After N payload bytes in one direction of a flow, scripts that have not decided about"
                        + " it are treated as having passed it: its later frames bypass them (default: no limit).")
        Long inspectBytes;

        @Option(
                names = "--flow-timeout",
                paramLabel = "NAME=SECONDS",
                description = "An idle timeout (repeatable): tcp_new, tcp_established, tcp_closing, tcp_closed,"
                        + " udp_new, udp_established, icmp, other_new, other_established (docs/engine.md has the"
                        + " defaults).")
        List<String> timeouts = new ArrayList<>();

        /** What the command line set. */
        FlowSettings settings() {
            if (inspectBytes != null && inspectBytes < 0) {
                throw CliFailure.usage("--inspect-bytes " + inspectBytes, "must be 0 (no limit) or more", null);
            }
            Map<String, Duration> t = new LinkedHashMap<>();
            for (String s : timeouts) {
                int eq = s.indexOf('=');
                try {
                    if (eq < 0) {
                        throw new IllegalArgumentException("--flow-timeout " + s + ": expected NAME=SECONDS");
                    }
                    String name = s.substring(0, eq).trim();
                    t.put(name, FlowSettings.timeout(name, parseSeconds(s.substring(eq + 1)), "--flow-timeout"));
                } catch (IllegalArgumentException e) {
                    throw CliFailure.usage("--flow-timeout " + s, e.getMessage(), "e.g. --flow-timeout tcp_new=10");
                }
            }
            return new FlowSettings(off ? Boolean.FALSE : null, maxFlows, inspectBytes, t);
        }

        private static double parseSeconds(String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is not a number of seconds");
            }
        }
    }

    /** {@code --workers N}. */
    static final class Workers {
        @Option(
                names = "--workers",
                paramLabel = "N",
                description = "Worker threads, each with its own sockets" + " and Lua states (default 1).")
        Integer workers;
    }

    /** {@code -s [NAME=]FILE.lua} (repeatable), {@code --on-error}, {@code --max-instructions}. */
    static final class Scripts {
        @Option(
                names = {"-s", "--script"},
                paramLabel = "[NAME=]FILE.lua",
                converter = ScriptArgConverter.class,
                description = "A script to run on every frame, in order (repeatable). NAME defaults to the file's"
                        + " base name.")
        List<ScriptArgument> scripts = new ArrayList<>();

        @Option(
                names = "--on-error",
                paramLabel = "pass|block",
                converter = PolicyConverter.class,
                description = "What happens to a frame when a script fails on it (default pass: fail open).")
        ErrorPolicy onError;

        @Option(
                names = "--max-instructions",
                paramLabel = "N",
                description = "Instruction budget per script call" + " (default: the sandbox's).")
        Long maxInstructions;

        @Option(
                names = "--lua-execution",
                paramLabel = "compiled|interpreted",
                converter = ExecutionConverter.class,
                description = "How scripts run: compiled to JVM bytecode (default) or in LuaJ's interpreter.")
        ExecutionModel execution;

        @Option(
                names = "--max-call-ms",
                paramLabel = "MS",
                description = "Wall-clock time one script call may take," + " 0 = no limit (default 100).")
        Long maxCallMillis;

        @Option(
                names = "--max-call-mb",
                paramLabel = "MB",
                description = "Heap one script call may allocate," + " 0 = no limit (default 32).")
        Long maxCallMegabytes;

        @Option(
                names = "--max-state-mb",
                paramLabel = "MB",
                description = "What one script state may keep across"
                        + " calls (tables, strings in its globals); a state over it is reset from its source and the call"
                        + " counts as an error. 0 = no limit (default 64).")
        Long maxStateMegabytes;
    }

    /** Parses {@code compiled|interpreted}. */
    static final class ExecutionConverter implements ITypeConverter<ExecutionModel> {
        @Override
        public ExecutionModel convert(String value) {
            try {
                return ExecutionModel.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Parses {@code [NAME=]FILE}. */
    static final class ScriptArgConverter implements ITypeConverter<ScriptArgument> {
        @Override
        public ScriptArgument convert(String value) {
            try {
                return ScriptArgument.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Parses {@code pass|block}. */
    static final class PolicyConverter implements ITypeConverter<ErrorPolicy> {
        @Override
        public ErrorPolicy convert(String value) {
            try {
                return ErrorPolicy.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Parses {@code hash|lb|cpu|qm|rollover}. */
    static final class FanoutConverter implements ITypeConverter<FanoutMode> {
        @Override
        public FanoutMode convert(String value) {
            try {
                return FanoutMode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --offloads auto|off|leave}. */
    static final class OffloadsConverter implements ITypeConverter<OffloadPolicy> {
        @Override
        public OffloadPolicy convert(String value) {
            try {
                return OffloadPolicy.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** The two interfaces of {@code --bridge A,B}. */
    record Bridge(List<String> interfaces) {}

    /** Parses {@code A,B} (two different interface names). */
    static final class BridgeConverter implements ITypeConverter<Bridge> {
        @Override
        public Bridge convert(String value) {
            String[] parts = value.split(",", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new TypeConversionException("a bridge is two interfaces separated by a comma, e.g."
                        + " --bridge eth1,eth2; got '" + value + "'");
            }
            if (parts[0].equals(parts[1])) {
                throw new TypeConversionException(
                        "a bridge needs two different interfaces, got " + parts[0] + " twice");
            }
            return new Bridge(List.of(parts[0].trim(), parts[1].trim()));
        }
    }
}
