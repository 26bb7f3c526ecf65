package io.npflua.tools.cli;

import io.npflua.engine.control.ControlClient;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code npflua stats}. */
@Command(name = "stats", description = "Show a running engine's counters: totals, per script, per worker.")
final class StatsCommand extends ControlCommand {
    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        Map<String, Object> stats = (Map<String, Object>)
                ControlCalls.send(control.socket(), ControlClient::stats).get("stats");
        if (stats == null) {
            throw new CliFailure(
                    "unreadable answer from the engine",
                    "no \"stats\" in its reply",
                    "check that --control names an npflua control socket");
        }
        // The control socket is served by 'run' only: these are live counters.
        Map<String, Object> counters = CounterText.live(stats);
        printJsonOrText(json.json, () -> JsonValues.render(counters), () -> CounterText.print(counters, false, out()));
        return ExitCodes.OK;
    }
}
