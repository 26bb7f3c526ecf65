package io.npflua.tools.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the control socket lives when {@code --control} is not given: {@code $NPFLUA_CONTROL} if set; for root
 * {@code /run/npflua/npflua.sock}; for other users {@code $XDG_RUNTIME_DIR/npflua/npflua.sock} (systemd's per-user
 * runtime directory, mode 0700) or else {@code /tmp/npflua-<user>/npflua.sock}. {@code run} and the client commands
 * compute the same default, so they meet without options when run by the same user.
 */
final class ControlPaths {
    /** Environment variable that overrides the default path. */
    static final String ENV = "NPFLUA_CONTROL";

    private ControlPaths() {}

    /** The default socket path for this user. */
    static Path defaultPath() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        if (isRoot()) {
            return Path.of("/run/npflua/npflua.sock");
        }
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank() && Files.isDirectory(Path.of(xdg))) {
            return Path.of(xdg, "npflua", "npflua.sock");
        }
        return Path.of(
                System.getProperty("java.io.tmpdir"), "npflua-" + System.getProperty("user.name"), "npflua.sock");
    }

    /** Whether this process runs as root (user name root or uid 0 without a passwd entry). */
    static boolean isRoot() {
        String user = System.getProperty("user.name");
        if ("root".equals(user)) {
            return true;
        }
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (Exception e) {
            return false;
        }
    }
}
