package io.npflua.tools.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code npflua} command line: one {@link Callable} per subcommand, shared options as mixins, exit codes from
 * {@link ExitCodes}, errors as {@code npflua: <what failed>: <why>; <what to do>} on standard error.
 *
 * <p>{@link #commandLine(EngineFactories)} builds the whole tree; tests execute it with captured output.
 */
@Command(
        name = "npflua",
        scope = CommandLine.ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Packet filter engine whose rules are Lua scripts (AF_PACKET rings through FFM).",
        subcommands = {
            RunCommand.class,
            ReplayCommand.class,
            LoadCommand.class,
            UnloadCommand.class,
            ReopenCommand.class,
            ReloadCommand.class,
            ListCommand.class,
            FlowsCommand.class,
            StatsCommand.class,
            CheckCommand.class,
            DemoCommand.class,
            ManCommand.class,
            AutoComplete.GenerateCompletion.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:failed (the message says why)",
            "2:wrong command line",
            "3:needs root or capabilities (CAP_NET_RAW, CAP_NET_ADMIN), or the control socket refused this user",
            "4:a capture file is damaged (corrupt or cut short); the records before the damage were processed"
        },
        footer = {"", "Quick start: npflua demo.   Manual: npflua man [COMMAND] | man -l -"})
public final class Main implements Callable<Integer> {
    /** The version string printed by {@code --version}. */
    public static final String VERSION = "0.1.0-SNAPSHOT";

    private final EngineFactories factories;

    @Spec
    CommandSpec spec;

    /** The command tree's root using {@code factories}. */
    public Main(EngineFactories factories) {
        this.factories = factories;
    }

    /** The factories every subcommand uses. */
    EngineFactories factories() {
        return factories;
    }

    /** Without a subcommand: the usage on standard error, exit {@link ExitCodes#USAGE}. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("npflua: which command? Try 'npflua demo' first, or one of these:");
        spec.commandLine().usage(err);
        return ExitCodes.USAGE;
    }

    /** The whole command tree with this build's handlers for errors and exit codes. */
    public static CommandLine commandLine(EngineFactories factories) {
        CommandLine cl = new CommandLine(new Main(factories));
        cl.setExecutionExceptionHandler(Main::onExecutionException);
        cl.setParameterExceptionHandler(Main::onParameterException);
        cl.getSubcommands()
                .get("generate-completion")
                .getCommandSpec()
                .usageMessage()
                .hidden(false);
        return cl;
    }

    private static int onExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (e instanceof CliFailure f) {
            err.println(f.line());
            err.flush();
            return f.exitCode();
        }
        String name = cmd.getCommandName();
        err.println("npflua: " + name + ": unexpected error: " + e + "; this is a bug, please report it with the"
                + " stack trace below");
        e.printStackTrace(err);
        err.flush();
        return ExitCodes.FAILURE;
    }

    private static int onParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String path = cmd.getCommandSpec().qualifiedName();
        err.println("npflua: " + e.getMessage() + "; see '" + path + " --help'");
        err.flush();
        return ExitCodes.USAGE;
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        int code = commandLine(new EngineFactories()).execute(args);
        System.exit(code);
    }

    /**
     * Prints the version, then what it runs on (like {@code tcpdump --version} naming libpcap): the JDK (vendor,
     * version, VM) and the kernel, whose release decides which AF_PACKET features exist, and the library versions.
     */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "npflua " + VERSION,
                "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
                        + System.getProperty("java.vm.name") + ")",
                "kernel " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                "LuaJ 3.0.1, picocli " + CommandLine.VERSION
            };
        }
    }
}
