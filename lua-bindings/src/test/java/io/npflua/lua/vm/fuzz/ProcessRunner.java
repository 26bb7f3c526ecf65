package io.npflua.lua.vm.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program with a reference interpreter binary ({@code lua5.2} for the campaign) on a temp file: standard
 * output is the printed lines; a non-zero exit is an uncaught error whose message is the first line of standard
 * error without the {@code lua5.2: } prefix. Used by hand only: CI does not depend on installed Lua binaries.
 */
final class ProcessRunner implements LuaRunner {
    private static final long TIMEOUT_SECONDS = 20;

    private final String binary;
    private final Path dir;

    ProcessRunner(String binary) {
        this.binary = binary;
        try {
            this.dir = Files.createTempDirectory("npflua-vmfuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String run(String name, String source) {
        try {
            Path file = dir.resolve("program.lua");
            Path out = dir.resolve("out.txt");
            Path err = dir.resolve("err.txt");
            Files.writeString(file, source, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(binary, file.toString()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return "timeout after " + TIMEOUT_SECONDS + " s";
            }
            List<String> lines = Files.readString(out, StandardCharsets.UTF_8).lines().toList();
            if (p.exitValue() == 0) {
                return DifferentialHarness.okOutput(lines);
            }
            String first = Files.readString(err, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            String prefix = binary + ": ";
            return DifferentialHarness.errorOutput(lines, first.startsWith(prefix)
                    ? first.substring(prefix.length()) : first);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + binary, e);
        }
    }
}
