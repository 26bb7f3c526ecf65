package io.npflua.tools.cli;

import picocli.CommandLine.Mixin;

/** The commands that send one request to a running engine and print its answer, as text or with --json. */
abstract class ControlCommand extends BaseCommand {
    @Mixin
    Options.Control control;

    @Mixin
    Options.Json json;
}
