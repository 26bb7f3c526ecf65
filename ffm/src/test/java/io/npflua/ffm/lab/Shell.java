package io.npflua.ffm.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs lab commands ({@code ip}, {@code ethtool}, ...) with a bounded wait.
 */
public final class Shell {
    private static final long TIMEOUT_S = 30;

    /**
     * @param exitCode the command's exit code.
     * @param output   its stdout and stderr.
     */
    public record Result(int exitCode, String output) {}

    private Shell() {}

    /**
     * @param command the command and its arguments.
     * @return exit code and output.
     */
    public static Result run(final String... command) {
        try {
            final Process process = new ProcessBuilder(List.of(command))
                    .redirectErrorStream(true)
                    .start();
            final byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out after " + TIMEOUT_S + " s: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (final IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    /**
     * @param command the command and its arguments.
     * @return its output.
     * @throws IllegalStateException with the command and its output when it fails.
     */
    public static String check(final String... command) {
        final Result result = run(command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("`" + String.join(" ", command) + "` failed (" + result.exitCode() + "): "
                    + result.output().strip());
        }
        return result.output();
    }
}
