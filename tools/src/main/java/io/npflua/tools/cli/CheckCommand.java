package io.npflua.tools.cli;

import io.npflua.engine.rule.PreparedRule;
import io.npflua.engine.rule.RuleFactory;
import io.npflua.engine.rule.RuleRejectedException;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.lua.sandbox.ExecutionModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code npflua check FILE.lua ...}: the same validation as {@code load} (compile in the sandbox, run the top-level
 * chunk, find the entry function), through the Lua rule factory's {@code prepare}, without an engine. The top-level
 * chunk runs once, as a user who puts a {@code print} there expects: {@code prepare} builds a complete state, so a
 * worker's instance (another state, the chunk run again) would find nothing more.
 */
@Command(
        name = "check",
        description = {
            "Compile scripts in the sandbox and run their top-level chunk, as load"
                    + " would; print file:line: message on standard error for each error, or FILE: OK on standard output"
                    + " followed by how its functions run (compiled, or interpreted and why).",
            "Exit 1 if any script has an error."
        })
final class CheckCommand extends BaseCommand {
    @Parameters(arity = "1..*", paramLabel = "FILE.lua", description = "Scripts to check.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--call", paramLabel = "FUNC", description = "Entry function to require (default filter).")
    String entry;

    @Option(names = "--max-instructions", paramLabel = "N", description = "Instruction budget per call.")
    long maxInstructions;

    @Option(
            names = {"-q", "--quiet"},
            description = "Print only errors.")
    boolean quiet;

    @Option(
            names = "--lua-execution",
            paramLabel = "compiled|interpreted",
            converter = Options.ExecutionConverter.class,
            description = "Check as the scripts would run: compiled to JVM bytecode (default) or interpreted.")
    ExecutionModel execution;

    @Override
    public Integer call() {
        RuleFactory rules = factories().luaRules(execution);
        int failed = 0;
        for (Path file : files) {
            String name = ScriptArgument.safeName(file);
            String source;
            try {
                source = ScriptFiles.read(file);
            } catch (CliFailure f) {
                err().println(file + ": " + f.why() + (f.todo() == null ? "" : " (" + f.todo() + ")"));
                failed++;
                continue;
            }
            ScriptSpec spec;
            try {
                spec = new ScriptSpec(name, source, entry, null, maxInstructions);
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage("check", e.getMessage(), "fix --call or --max-instructions");
            }
            try {
                PreparedRule prepared = rules.prepare(spec);
                if (!quiet) {
                    out().println(file + ": OK");
                    for (String note : prepared.notes()) {
                        out().println(file + ": " + note);
                    }
                }
            } catch (RuleRejectedException e) {
                err().println(ScriptFiles.locate(file, e.line(), e.detail()));
                failed++;
            }
        }
        out().flush();
        err().flush();
        if (failed > 0) {
            err().println("npflua: check: " + failed + " of " + files.size() + " script"
                    + (files.size() == 1 ? "" : "s") + " failed; fix the lines shown above");
            err().flush();
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }
}
