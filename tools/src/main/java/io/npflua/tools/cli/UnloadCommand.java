package io.npflua.tools.cli;

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
        ControlCalls.send(control.socket(), c -> c.unload(name));
        out().println("unloaded " + name);
        out().flush();
        return ExitCodes.OK;
    }
}
