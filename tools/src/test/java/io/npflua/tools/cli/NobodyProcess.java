package io.npflua.tools.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code npflua} ({@link Main}) as user {@code nobody} (via {@code setpriv}, no capabilities kept), for
 * the tests of what an unprivileged user is told. The test class path is copied where nobody can read it (the Maven
 * repository under /root is private); closing removes the copy. Needs root to switch users.
 */
final class NobodyProcess implements AutoCloseable {
    /** Exit code and merged standard output and error. */
    record Result(int code, String output) {}

    private final Path copy;
    private final String classPath;

    private NobodyProcess(Path copy, String classPath) {
        this.copy = copy;
        this.classPath = classPath;
    }

    /** Copies the class path into a world-readable temporary directory. */
    static NobodyProcess prepare() throws IOException {
        Path copy = Files.createTempDirectory("npflua-cp-");
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path src = Path.of(e);
            if (!Files.exists(src)) {
                continue;
            }
            Path dst = copy.resolve(i++ + (Files.isDirectory(src) ? "" : ".jar"));
            try (var walk = Files.walk(src)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    Path t = dst.resolve(src.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                    } else {
                        Files.copy(p, t);
                    }
                    t.toFile().setReadable(true, false);
                    t.toFile().setExecutable(true, false);
                }
            }
            entries.add(dst.toString());
        }
        copy.toFile().setReadable(true, false);
        copy.toFile().setExecutable(true, false);
        return new NobodyProcess(copy, String.join(File.pathSeparator, entries));
    }

    /** Runs {@code npflua args...} as nobody:nogroup with no supplementary groups and waits for it. */
    Result run(String... args) throws IOException, InterruptedException {
        return runIn(null, args);
    }

    /** {@link #run} with {@code workingDirectory} (null: this process's) as the child's working directory. */
    Result runIn(Path workingDirectory, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                "setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                classPath,
                Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (workingDirectory != null) {
            pb.directory(workingDirectory.toFile());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("npflua as nobody did not end: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    @Override
    public void close() throws IOException {
        try (var walk = Files.walk(copy)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
