package io.npflua.tools.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The network lab of {@code demo --live}: a veth pair whose capture end stays in this namespace and whose other end
 * lives in a private network namespace, from which the demo capture is injected with {@code tcpreplay}. No IP
 * addresses are configured and IPv6 is off on both ends, so the only frames on the link are the injected ones.
 * Names carry the process id, so parallel runs do not collide; {@link #close()} removes everything, also after a
 * failure half-way.
 */
final class DemoLab implements AutoCloseable {
    private static final long COMMAND_TIMEOUT_S = 30;

    private final String namespace;
    private final String captureEnd;
    private final String injectEnd;
    private boolean namespaceCreated;
    private boolean linkCreated;

    private DemoLab(long id) {
        this.namespace = "npflua-demo-" + id;
        String tag = Long.toString(id % 1_000_000);
        // IFNAMSIZ is 16 including the terminating NUL.
        this.captureEnd = "npfd" + tag + "c";
        this.injectEnd = "npfd" + tag + "i";
    }

    /** Builds the lab (root only). */
    static DemoLab create() {
        DemoLab lab = new DemoLab(ProcessHandle.current().pid());
        try {
            lab.build();
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private void build() {
        run("ip", "netns", "add", namespace);
        namespaceCreated = true;
        run("ip", "link", "add", captureEnd, "type", "veth", "peer", "name", injectEnd);
        linkCreated = true;
        run("ip", "link", "set", injectEnd, "netns", namespace);
        disableIpv6(captureEnd);
        run("ip", "link", "set", captureEnd, "up");
        run("ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf." + injectEnd + ".disable_ipv6=1");
        run("ip", "netns", "exec", namespace, "ip", "link", "set", injectEnd, "up");
    }

    /** The interface to capture on. */
    String captureInterface() {
        return captureEnd;
    }

    /** Sends every frame of {@code capture} into the link from the namespace's end, at a bounded rate. */
    void inject(Path capture) {
        run("ip", "netns", "exec", namespace, "tcpreplay", "-q", "--pps=1000", "-i", injectEnd, capture.toString());
    }

    private static void disableIpv6(String iface) {
        Path knob = Path.of("/proc/sys/net/ipv6/conf", iface, "disable_ipv6");
        try {
            if (Files.exists(knob)) {
                Files.writeString(knob, "1");
            }
        } catch (IOException e) {
            // Without IPv6 off the link may carry a router solicitation or two; the demo still works.
        }
    }

    private static String run(String... command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CliFailure(
                        "demo lab: " + String.join(" ", command),
                        "did not finish within " + COMMAND_TIMEOUT_S + " s",
                        null);
            }
            String text = new String(out, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new CliFailure(
                        "demo lab: " + String.join(" ", command) + " failed",
                        text.isEmpty() ? "exit " + p.exitValue() : text,
                        "check that iproute2 and tcpreplay are installed and that" + " this runs as root");
            }
            return text;
        } catch (IOException e) {
            throw new CliFailure(
                    "demo lab: cannot run " + command[0],
                    String.valueOf(e.getMessage()),
                    "install " + (command[0].equals("ip") ? "iproute2" : command[0]));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("demo lab: " + String.join(" ", command), "interrupted", null);
        }
    }

    /** Removes the namespace (which takes its veth end, and the pair, with it) and the link if still there. */
    @Override
    public void close() {
        List<String> problems = new ArrayList<>();
        if (namespaceCreated) {
            try {
                run("ip", "netns", "del", namespace);
            } catch (CliFailure e) {
                problems.add(e.getMessage());
            }
            namespaceCreated = false;
        }
        // Deleting the namespace destroys the pair asynchronously: the link may vanish between the check and the
        // delete, which is what we wanted anyway.
        if (linkCreated && Files.exists(Path.of("/sys/class/net", captureEnd))) {
            try {
                run("ip", "link", "del", captureEnd);
            } catch (CliFailure e) {
                if (!e.getMessage().contains("Cannot find device")) {
                    problems.add(e.getMessage());
                }
            }
        }
        linkCreated = false;
        if (!problems.isEmpty()) {
            System.err.println("npflua: demo lab cleanup: " + String.join("; ", problems)
                    + "; remove it by hand with 'ip netns del " + namespace + "'");
        }
    }
}
