package io.npflua.tools.cli;

import io.npflua.engine.rule.ErrorPolicy;
import io.npflua.engine.rule.ScriptSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reading scripts from files and directories, and pointing script errors back at the file they came from. */
final class ScriptFiles {
    /** Largest script accepted (the control protocol carries a source in one request line of at most 1 MiB). */
    static final long MAX_SCRIPT_BYTES = 512 * 1024;

    private ScriptFiles() {}

    /** The text of {@code file} (UTF-8), or a {@link CliFailure} saying why not. */
    static String read(Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw new CliFailure(
                        "cannot read script " + file,
                        "it is a directory",
                        "name a .lua file (or use --rules-dir for a directory)");
            }
            long size = Files.size(file);
            if (size > MAX_SCRIPT_BYTES) {
                throw new CliFailure(
                        "cannot read script " + file,
                        "it is " + size + " bytes, more than the " + MAX_SCRIPT_BYTES + " a script may have",
                        "split it or move data out of it");
            }
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (NoSuchFileException e) {
            throw new CliFailure("cannot read script " + file, "no such file", "check the path");
        } catch (AccessDeniedException e) {
            throw new CliFailure("cannot read script " + file, "permission denied", "make it readable by this user");
        } catch (CharacterCodingException e) {
            throw new CliFailure(
                    "cannot read script " + file,
                    "it is not UTF-8 text",
                    "save it as UTF-8 (precompiled Lua is not accepted)");
        } catch (IOException e) {
            throw new CliFailure("cannot read script " + file, String.valueOf(e.getMessage()), null);
        }
    }

    /** A spec for {@code name} read from {@code file}. */
    static ScriptSpec spec(String name, Path file, String entry, ErrorPolicy onError, long maxInstructions) {
        try {
            return new ScriptSpec(name, read(file), entry, onError, maxInstructions);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("script " + file, e.getMessage(), "fix the name, entry or budget");
        }
    }

    /** Every {@code *.lua} directly in {@code dir}, sorted by file name (byte order, as {@code LC_ALL=C ls}). */
    static List<Path> rulesDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CliFailure(
                    "cannot use rules directory " + dir,
                    Files.exists(dir) ? "it is not a directory" : "no such directory",
                    "create it or fix --rules-dir");
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> lua = new ArrayList<>(
                    files.filter(p -> p.getFileName().toString().endsWith(".lua") && Files.isRegularFile(p))
                            .toList());
            lua.sort((a, b) ->
                    a.getFileName().toString().compareTo(b.getFileName().toString()));
            return lua;
        } catch (IOException e) {
            throw new CliFailure(
                    "cannot list rules directory " + dir, String.valueOf(e.getMessage()), "check its permissions");
        }
    }

    /**
     * A script error as compilers print it: {@code file:line: detail}, or {@code file: detail} when it has no line.
     * The line and detail come from the exception's fields ({@code ScriptLoadException}, {@code
     * RuleRejectedException}), never from its message text.
     */
    static String locate(Path file, int line, String detail) {
        return line > 0 ? file + ":" + line + ": " + detail : file + ": " + detail;
    }
}
