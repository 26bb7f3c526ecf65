package io.npflua.tools.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that runs a CLI main class on this test JVM's class path, for the tests that start
 * {@code npflua run} or {@code replay} as a real process and signal it.
 *
 * <p>The child starts through {@code env --default-signal=HUP,INT,TERM}: a test run launched with those signals
 * ignored (under {@code nohup}, or as a background job of a non-interactive shell, which ignores SIGINT) would pass
 * the ignored disposition down, and a JVM started with a shutdown signal ignored never installs a handler for it, so
 * SIGINT, SIGTERM and SIGHUP sent by the test would do nothing.
 */
final class CliJvm {
    private CliJvm() {}

    /** {@code env --default-signal=... java --enable-native-access=ALL-UNNAMED -cp CP main args...}. */
    static String[] command(Class<?> main, String... args) {
        return command(List.of(), main, args);
    }

    /** The same with {@code jvmOptions} before the class path. */
    static String[] command(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                "env",
                "--default-signal=HUP,INT,TERM",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }
}
