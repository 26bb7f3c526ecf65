package io.npflua.tools.cli;

import io.npflua.engine.json.JsonWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code npflua unload NAME}. */
@Command(name = "unload", description = "Remove a rule from a running engine's chain; its counters go with it.")
final class UnloadCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The rule to remove.")
    String name;

    @Mixin
    Options.Control control;

    @Override
    public Integer call() {
        try (ControlConnection c = ControlConnection.open(control.socket())) {
            c.call(new JsonWriter().beginObject().field("cmd", "unload").field("name", name).endObject());
        }
        out().println("unloaded " + name);
        out().flush();
        return ExitCodes.OK;
    }
}
