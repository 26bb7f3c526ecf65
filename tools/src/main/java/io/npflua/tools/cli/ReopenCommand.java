package io.npflua.tools.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code npflua reopen}: logrotate's {@code postrotate} for the event log, over the control socket. */
@Command(
        name = "reopen",
        description = "Make a running engine open its event log file anew (after logrotate moved it); the same as"
                + " sending it SIGHUP.")
final class ReopenCommand extends BaseCommand {
    @Mixin
    Options.Control control;

    @Override
    public Integer call() {
        ControlCalls.send(control.socket(), c -> c.reopen());
        out().println("event log reopened");
        out().flush();
        return ExitCodes.OK;
    }
}
