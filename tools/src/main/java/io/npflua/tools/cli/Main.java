package io.npflua.tools.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code npflua} command line. Subcommands are added as the engine grows. */
@Command(name = "npflua", mixinStandardHelpOptions = true, version = "npflua 0.1.0-SNAPSHOT",
        description = "Packet filter engine whose rules are Lua scripts (AF_PACKET rings through FFM).")
public final class Main implements Callable<Integer> {
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
