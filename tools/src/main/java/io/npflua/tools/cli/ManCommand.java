package io.npflua.tools.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code npflua man [COMMAND]}: the manual page (troff, section 1) of npflua or one subcommand, generated from the
 * same picocli model as {@code --help}, so it never disagrees with the code. {@code man -l -} shows it;
 * {@code --output DIR} writes {@code npflua.1} and {@code npflua-COMMAND.1} for every command (for packaging).
 */
@Command(
        name = "man",
        description = {
            "Print the manual page of npflua or of one command (troff; view with" + " 'npflua man run | man -l -').",
            "With --output DIR, write npflua.1 and npflua-COMMAND.1 for every command into DIR."
        })
final class ManCommand extends BaseCommand {
    @Parameters(arity = "0..1", paramLabel = "COMMAND", description = "The command (default: npflua itself).")
    String command;

    @Option(names = "--output", paramLabel = "DIR", description = "Write every page into DIR instead.")
    Path output;

    @Override
    public Integer call() throws IOException {
        CommandLine root = spec.root().commandLine();
        if (output != null) {
            Files.createDirectories(output);
            List<String> written = new ArrayList<>();
            Path top = output.resolve("npflua.1");
            Files.writeString(top, page(root.getCommandSpec()));
            written.add(top.toString());
            for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
                Path p = output.resolve("npflua-" + e.getKey() + ".1");
                Files.writeString(p, page(e.getValue().getCommandSpec()));
                written.add(p.toString());
            }
            written.forEach(out()::println);
            out().flush();
            return ExitCodes.OK;
        }
        CommandSpec target = root.getCommandSpec();
        if (command != null) {
            CommandLine sub = root.getSubcommands().get(command);
            if (sub == null) {
                throw CliFailure.usage("man " + command, "no such command", "see 'npflua --help' for the list");
            }
            target = sub.getCommandSpec();
        }
        out().print(page(target));
        out().flush();
        return ExitCodes.OK;
    }

    /** The troff page of {@code spec}. */
    static String page(CommandSpec spec) {
        StringBuilder sb = new StringBuilder();
        String qualified = spec.qualifiedName(" ");
        String title = spec.qualifiedName("-");
        sb.append(".TH \"")
                .append(title.toUpperCase())
                .append("\" 1 \"")
                .append(LocalDate.now())
                .append("\" \"npflua ")
                .append(Main.VERSION)
                .append("\" \"npflua manual\"\n");
        sb.append(".SH NAME\n").append(esc(title)).append(" \\- ");
        String[] desc = spec.usageMessage().description();
        sb.append(desc.length > 0 ? esc(plain(desc[0])) : "").append('\n');
        sb.append(".SH SYNOPSIS\n.B ").append(esc(qualified)).append('\n');
        String synopsis = plain(spec.commandLine().getHelp().synopsis(0)).replaceFirst("^Usage:\\s*", "");
        synopsis = synopsis.substring(Math.min(synopsis.length(), qualified.length()))
                .trim();
        sb.append(esc(synopsis.replaceAll("\\s+", " "))).append('\n');
        if (desc.length > 0) {
            sb.append(".SH DESCRIPTION\n");
            for (String d : desc) {
                sb.append(esc(plain(d))).append("\n.PP\n");
            }
        }
        if (!spec.positionalParameters().isEmpty()) {
            sb.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : spec.positionalParameters()) {
                if (p.hidden()) {
                    continue;
                }
                sb.append(".TP\n.I ")
                        .append(esc(p.paramLabel()))
                        .append('\n')
                        .append(esc(plain(String.join(" ", p.description()))))
                        .append('\n');
            }
        }
        if (!spec.options().isEmpty()) {
            sb.append(".SH OPTIONS\n");
            for (OptionSpec o : spec.options()) {
                if (o.hidden()) {
                    continue;
                }
                sb.append(".TP\n.B ").append(esc(String.join(", ", o.names())));
                if (o.arity().max() > 0) {
                    sb.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
                }
                sb.append('\n')
                        .append(esc(plain(String.join(" ", o.description()))))
                        .append('\n');
            }
        }
        if (!spec.subcommands().isEmpty()) {
            sb.append(".SH COMMANDS\n");
            for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
                String[] d = e.getValue().getCommandSpec().usageMessage().description();
                sb.append(".TP\n.B ")
                        .append(esc(e.getKey()))
                        .append('\n')
                        .append(esc(plain(d.length > 0 ? d[0] : "")))
                        .append('\n');
            }
        }
        sb.append(".SH EXIT STATUS\n");
        for (Map.Entry<String, String> e : spec.usageMessage().exitCodeList().entrySet()) {
            sb.append(".TP\n.B ")
                    .append(esc(e.getKey().trim()))
                    .append('\n')
                    .append(esc(plain(e.getValue())))
                    .append('\n');
        }
        sb.append(".SH SEE ALSO\n");
        List<String> see = new ArrayList<>();
        if (spec.parent() != null) {
            see.add("npflua(1)");
        }
        see.add("tcpdump(1)");
        sb.append(esc(String.join(", ", see))).append(", docs/cli.md and docs/config.md in the sources\n");
        return sb.toString();
    }

    private static String plain(String s) {
        return CommandLine.Help.Ansi.OFF.string(s.replace("%n", " ")).replaceAll("\u001b\\[[0-9;]*m", "");
    }

    private static String esc(String s) {
        String e = s.replace("\\", "\\e").replace("-", "\\-");
        if (e.startsWith(".") || e.startsWith("'")) {
            e = "\\&" + e;
        }
        return e.replace("\n.", "\n\\&.");
    }

    /** Prints the page of {@code spec} (for tests). */
    static void print(CommandSpec spec, PrintWriter out) {
        out.print(page(spec));
    }
}
