package io.npflua.tools.cli;

import io.npflua.engine.rule.ErrorPolicy;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code npflua load NAME FILE.lua}: adds a script to a running engine's chain (read here, sent as source). */
@Command(
        name = "load",
        description = {
            "Load a script into a running engine, at the end of its chain.",
            "The file is read here and its source sent over the control socket; the engine compiles it and runs its"
                    + " top-level chunk before it touches the running chain, so a broken script changes nothing."
        })
final class LoadCommand extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Name of the rule (letters, digits, _ . : -).")
    String name;

    @Parameters(index = "1", paramLabel = "FILE.lua", description = "The script.")
    Path file;

    @Option(names = "--call", paramLabel = "FUNC", description = "Entry function called per frame (default filter).")
    String entry;

    @Option(
            names = "--on-error",
            paramLabel = "pass|block",
            converter = Options.PolicyConverter.class,
            description = "What happens to a frame when the script fails on it (default pass).")
    ErrorPolicy onError;

    @Option(names = "--max-instructions", paramLabel = "N", description = "Instruction budget per call.")
    Long maxInstructions;

    @Override
    public Integer call() {
        // Validated here too so that a typo is a usage error, not an engine refusal.
        ScriptFiles.spec(name, file, entry, onError, maxInstructions == null ? 0 : maxInstructions);
        String source = ScriptFiles.read(file);
        String policy = onError == null ? null : onError.label();
        long max = maxInstructions == null ? 0 : maxInstructions;
        Map<String, Object> reply = ControlCalls.send(control.socket(), c -> c.load(name, source, entry, policy, max));
        RuleText.printRule("loaded", reply, json.json, out());
        return ExitCodes.OK;
    }
}
