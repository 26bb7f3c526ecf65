package io.npflua.tools.cli;

import io.npflua.engine.bridge.OffloadPolicy;
import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.ffm.socket.FanoutMode;
import java.nio.file.Path;
import java.util.List;

/**
 * What a {@code --config} file says; every field is null (or empty) when the file does not set it, so that
 * command-line flags can override field by field. Paths are already resolved against the file's directory.
 *
 * @param interfaces tap interfaces (empty when not set)
 * @param bridge     the two bridged interfaces, or null
 * @param scripts    scripts in load order (empty when not set)
 * @param onError    default error policy for scripts that set none ({@code limits.on_error})
 * @param maxInstructions default instruction budget ({@code limits.max_instructions})
 * @param count      stop after this many frames ({@code limits.count})
 * @param durationSeconds stop after this long ({@code limits.duration})
 * @param maxCallMillis   wall-clock limit per script call ({@code limits.max_call_ms})
 * @param maxCallMegabytes allocation limit per script call ({@code limits.max_call_mb})
 * @param maxStateMegabytes what a script state may keep across calls ({@code limits.max_state_mb})
 * @param events     the event log file, {@code -} for standard output ({@code outputs.events})
 * @param eventsRate events a second per script and event type ({@code outputs.events_rate})
 * @param eventsBurst events at once above the rate ({@code outputs.events_burst})
 * @param flows      flow tracking ({@code flows}; nothing set when absent)
 * @param offloads   what an inline bridge does about GSO/GRO super-frames ({@code offloads}), or null
 */
record RunConfig(
        Path file,
        List<String> interfaces,
        List<String> bridge,
        Integer workers,
        FanoutMode fanout,
        Integer snapLength,
        String bpf,
        List<ScriptPlan> scripts,
        Path rulesDir,
        ErrorPolicy onError,
        Long maxInstructions,
        Long count,
        Double durationSeconds,
        Path passedPcap,
        Path blockedPcap,
        Integer metricsPort,
        Path control,
        Long maxCallMillis,
        Long maxCallMegabytes,
        Long maxStateMegabytes,
        String events,
        Long eventsRate,
        Long eventsBurst,
        FlowSettings flows,
        OffloadPolicy offloads) {
    /** A configuration that sets nothing (no {@code --config}). */
    static RunConfig empty() {
        return new RunConfig(
                null,
                List.of(),
                null,
                null,
                null,
                null,
                null,
                List.of(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                FlowSettings.none(),
                null);
    }
}
