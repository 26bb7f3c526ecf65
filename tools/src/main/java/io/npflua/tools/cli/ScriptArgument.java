package io.npflua.tools.cli;

import io.npflua.engine.rule.ScriptSpec;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A script named on the command line as {@code [NAME=]FILE.lua}. Without {@code NAME=} the name is the file's base
 * name ({@code examples/ssh-version.lua} is {@code ssh-version}); a prefix counts as a name only when it is a valid
 * rule name, so a path that merely contains {@code =} still works.
 */
record ScriptArgument(String name, Path file) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    /** Parses the argument; throws {@link IllegalArgumentException} with advice when no usable name results. */
    static ScriptArgument parse(String text) {
        int eq = text.indexOf('=');
        if (eq > 0 && NAME.matcher(text.substring(0, eq)).matches()) {
            String file = text.substring(eq + 1);
            if (file.isEmpty()) {
                throw new IllegalArgumentException("script '" + text + "' names no file: use NAME=FILE.lua");
            }
            return new ScriptArgument(text.substring(0, eq), Path.of(file));
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty script argument: use [NAME=]FILE.lua");
        }
        Path file = Path.of(text);
        String base = baseName(file);
        if (!NAME.matcher(base).matches()) {
            throw new IllegalArgumentException("the file name '" + file.getFileName() + "' does not make a rule"
                    + " name (letters, digits, '_', '.', ':', '-', at most 64): give one as NAME=" + text);
        }
        return new ScriptArgument(base, file);
    }

    /** The file name without directory and without its last extension. */
    static String baseName(Path file) {
        String f = file.getFileName() == null
                ? file.toString()
                : file.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }

    /** A rule name derived from {@code file} for commands that need one but take none ({@code check}). */
    static String safeName(Path file) {
        String base = baseName(file).replaceAll("[^A-Za-z0-9_.:-]", "_");
        if (base.isEmpty()) {
            base = "script";
        }
        return base.length() > 64 ? base.substring(0, 64) : base;
    }

    /** Throws unless {@code name} is valid (same rule as {@link ScriptSpec#checkName}). */
    static void checkName(String name) {
        ScriptSpec.checkName(name);
    }
}
