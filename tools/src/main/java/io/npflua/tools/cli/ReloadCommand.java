package io.npflua.tools.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code npflua reload NAME [FILE]}. */
@Command(
        name = "reload",
        description = {
            "Replace a running script with a new version, in place, without losing"
                    + " a frame; its counters carry on.",
            "With FILE the new source is read here and sent; without it the engine recompiles the source it has (which"
                    + " resets the script's state). A script that fails to compile leaves the old one running."
        })
final class ReloadCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The rule to replace.")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE.lua", description = "The new source.")
    Path file;

    @Override
    public Integer call() {
        String source = file == null ? null : ScriptFiles.read(file);
        RuleText.printRule(
                "reloaded", ControlCalls.send(control.socket(), c -> c.reload(name, source)), json.json, out());
        return ExitCodes.OK;
    }
}
