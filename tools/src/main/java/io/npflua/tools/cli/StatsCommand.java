package io.npflua.tools.cli;

import io.npflua.engine.json.JsonWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code npflua stats}. */
@Command(name = "stats", description = "Show a running engine's counters: totals, per script, per worker.")
final class StatsCommand extends BaseCommand {
    @Mixin
    Options.Control control;

    @Mixin
    Options.Json json;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        Map<String, Object> reply;
        try (ControlConnection c = ControlConnection.open(control.socket())) {
            reply = c.call(new JsonWriter().beginObject().field("cmd", "stats").endObject());
        }
        Map<String, Object> stats = (Map<String, Object>) reply.get("stats");
        if (stats == null) {
            throw new CliFailure("unreadable answer from the engine", "no \"stats\" in its reply",
                    "check that --control names an npflua control socket");
        }
        if (json.json) {
            out().println(JsonValues.render(stats));
            out().flush();
        } else {
            CounterText.print(stats, out());
        }
        return ExitCodes.OK;
    }
}
