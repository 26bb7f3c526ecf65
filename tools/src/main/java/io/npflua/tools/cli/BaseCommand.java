package io.npflua.tools.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every subcommand has: its parent (for the factories), its spec, and its output streams. */
abstract class BaseCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    /** The factories of this command tree. */
    EngineFactories factories() {
        return main.factories();
    }

    /** Standard output (captured in tests). */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Standard error (captured in tests). */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** With {@code --json} one JSON object on standard output, else {@code text} prints the human form. */
    void printJsonOrText(boolean json, Supplier<String> jsonText, Runnable text) {
        if (json) {
            out().println(jsonText.get());
            out().flush();
        } else {
            text.run();
        }
    }
}
