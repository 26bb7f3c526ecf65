package io.npflua.lua.vm.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program with a reference interpreter binary ({@code lua5.2} for the campaign) on a temp file, through a
 * small driver that calls the chunk under {@code pcall} and reports an uncaught error as the sandbox does (a string
 * as is, another value as {@code (error object is a <type> value)}; the stand-alone interpreter words these
 * differently). Standard output is the printed lines; a non-zero exit is an uncaught error whose message is the
 * first line of standard error. Used by hand only: CI does not depend on installed Lua binaries.
 */
final class ProcessRunner implements LuaRunner {
    /** Wall-clock limit of one run by default. */
    static final long TIMEOUT_SECONDS = 20;

    private static final String DRIVER = """
            local f, err = loadfile(arg[1])
            if not f then
              io.stderr:write(err, "\\n")
              os.exit(1)
            end
            local ok, e = pcall(f)
            if not ok then
              local t = type(e)
              if t == "string" or t == "number" then
                io.stderr:write(tostring(e), "\\n")
              else
                io.stderr:write("(error object is a ", t, " value)\\n")
              end
              os.exit(1)
            end
            """;

    private final String binary;
    private final long timeoutSeconds;
    private final Path dir;

    ProcessRunner(String binary, long timeoutSeconds) {
        this.binary = binary;
        this.timeoutSeconds = timeoutSeconds;
        try {
            this.dir = Files.createTempDirectory("npflua-vmfuzz");
            Files.writeString(dir.resolve("driver.lua"), DRIVER, StandardCharsets.UTF_8);
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
            Process p = new ProcessBuilder(binary, dir.resolve("driver.lua").toString(), file.toString())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return "timeout after " + timeoutSeconds + " s";
            }
            List<String> lines =
                    Files.readString(out, StandardCharsets.UTF_8).lines().toList();
            if (p.exitValue() == 0) {
                return DifferentialHarness.okOutput(lines);
            }
            String first = Files.readString(err, StandardCharsets.UTF_8)
                    .lines()
                    .findFirst()
                    .orElse("");
            return DifferentialHarness.errorOutput(lines, first);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + binary, e);
        }
    }
}
