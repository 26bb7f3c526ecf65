package io.npflua.ffm.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A throw-away network lab for live tests (shared/LAB.md): a network namespace and veth pairs whose names are unique
 * to this run ({@code nf<run><n>a}/{@code nf<run><n>b}, at most 15 characters), IPv6 off on every lab link so the
 * kernel sends nothing of its own, everything removed by {@link #close()} (and by a shutdown hook if the JVM exits
 * first).
 *
 * <p>By default both ends of a pair stay in this process's namespace, so AF_PACKET sockets opened here can use them;
 * {@link #addPair(boolean)} can move the peer into the lab namespace instead (for tools run with
 * {@link #execInNamespace(String...)}). Addresses are restricted to 198.18.0.0/15 and 2001:db8::/32.
 */
public final class VethLab implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One veth pair.
     *
     * @param a           the first end (always in this namespace).
     * @param b           the second end.
     * @param bNamespace  the namespace of {@code b}, or null when it is in this one.
     */
    public record VethPair(String a, String b, String bNamespace) {}

    private final String prefix;
    private final String namespace;
    private final List<VethPair> pairs = new ArrayList<>();
    private final Thread cleanupHook;
    private boolean closed;

    private VethLab(final String prefix) {
        this.prefix = prefix;
        this.namespace = prefix + "ns";
        this.cleanupHook = new Thread(this::removeAll, "veth-lab-cleanup-" + prefix);
        Runtime.getRuntime().addShutdownHook(cleanupHook);
    }

    /**
     * Creates the lab namespace; pairs are added with {@link #addPair()}.
     *
     * @return the lab.
     */
    public static VethLab create() {
        final String run = Long.toString(RANDOM.nextLong() >>> 1, 36);
        final VethLab lab = new VethLab("nf" + run.substring(0, 6).toLowerCase(Locale.ROOT));
        try {
            Shell.check("ip", "netns", "add", lab.namespace);
            return lab;
        } catch (final RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** @return the lab namespace's name. */
    public String namespace() {
        return namespace;
    }

    /** @return a veth pair with both ends here, up, IPv6 off. */
    public VethPair addPair() {
        return addPair(false);
    }

    /**
     * @param peerInNamespace move the {@code b} end into the lab namespace.
     * @return a new pair, both ends up, IPv6 off.
     */
    public VethPair addPair(final boolean peerInNamespace) {
        final int n = pairs.size();
        final String a = prefix + n + "a";
        final String b = prefix + n + "b";
        Shell.check(
                "ip", "link", "add", a, "address", mac(n, 1), "type", "veth", "peer", "name", b, "address", mac(n, 2));
        final VethPair pair = new VethPair(a, b, peerInNamespace ? namespace : null);
        pairs.add(pair);
        disableIpv6(a, null);
        if (peerInNamespace) {
            Shell.check("ip", "link", "set", b, "netns", namespace);
        }
        disableIpv6(b, pair.bNamespace());
        Shell.check("ip", "link", "set", a, "up");
        inNamespace(pair.bNamespace(), "ip", "link", "set", b, "up");
        awaitOperUp(a, null);
        awaitOperUp(b, pair.bNamespace());
        return pair;
    }

    /**
     * Waits (at most 5 s) until the kernel reports {@code link} operationally up: "ip link set up" returns before
     * the veth carrier is on, and frames sent in that window are dropped by the sender without an error, which a
     * loaded machine made visible as a test receiving 0 of 500 frames.
     */
    private static void awaitOperUp(final String link, final String namespace) {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (!inNamespace(namespace, "ip", "-o", "link", "show", "dev", link).contains("state UP")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("lab link " + link + " did not come up within 5 s");
            }
            try {
                Thread.sleep(10);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + link, e);
            }
        }
    }

    /**
     * Turns off segmentation and checksum offloads so frames stay MTU-sized (needs ethtool).
     *
     * @param pair the pair.
     */
    public void offloadsOff(final VethPair pair) {
        Shell.check("ethtool", "-K", pair.a(), "tso", "off", "gso", "off", "gro", "off", "tx", "off");
        inNamespace(
                pair.bNamespace(), "ethtool", "-K", pair.b(), "tso", "off", "gso", "off", "gro", "off", "tx", "off");
    }

    /**
     * @param link      an interface of this lab.
     * @param namespace its namespace or null.
     * @param cidr      an address in 198.18.0.0/15 or 2001:db8::/32, e.g. {@code 198.18.0.1/24}.
     */
    public void addAddress(final String link, final String namespace, final String cidr) {
        if (!cidr.startsWith("198.18.")
                && !cidr.startsWith("198.19.")
                && !cidr.toLowerCase(Locale.ROOT).startsWith("2001:db8:")) {
            throw new IllegalArgumentException("lab addresses must be in 198.18.0.0/15 or 2001:db8::/32, got " + cidr);
        }
        inNamespace(namespace, "ip", "addr", "add", cidr, "dev", link);
    }

    /**
     * @param link an interface in this namespace.
     * @param up   up or down.
     */
    public void setUp(final String link, final boolean up) {
        Shell.check("ip", "link", "set", link, up ? "up" : "down");
    }

    /**
     * Deletes a pair (deleting one end removes both).
     *
     * @param pair the pair.
     */
    public void deletePair(final VethPair pair) {
        Shell.check("ip", "link", "delete", pair.a());
        pairs.remove(pair);
    }

    /**
     * @param command a command run inside the lab namespace.
     * @return its output.
     */
    public String execInNamespace(final String... command) {
        return inNamespace(namespace, command);
    }

    private static String inNamespace(final String namespace, final String... command) {
        if (namespace == null) {
            return Shell.check(command);
        }
        final String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = namespace;
        System.arraycopy(command, 0, full, 4, command.length);
        return Shell.check(full);
    }

    private void disableIpv6(final String link, final String namespace) {
        if (namespace == null) {
            final Path knob = Path.of("/proc/sys/net/ipv6/conf", link, "disable_ipv6");
            if (Files.exists(knob)) {
                try {
                    Files.writeString(knob, "1");
                } catch (final IOException e) {
                    throw new IllegalStateException("cannot disable IPv6 on " + link + ": " + e.getMessage(), e);
                }
            }
        } else {
            Shell.run("ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf." + link + ".disable_ipv6=1");
        }
    }

    private String mac(final int pair, final int end) {
        // Locally administered (02:), derived from the run prefix so parallel runs differ.
        final int h = prefix.hashCode();
        return String.format(
                "02:%02x:%02x:%02x:%02x:%02x", (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff, pair & 0xff, end);
    }

    /**
     * Removes every pair and the namespace; reports (but tolerates) what was already gone.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (final IllegalStateException ignored) {
            // Already shutting down: the hook is running or ran.
        }
    }

    private synchronized void removeAll() {
        if (closed) {
            return;
        }
        closed = true;
        for (final VethPair pair : pairs) {
            Shell.run("ip", "link", "delete", pair.a());
        }
        pairs.clear();
        // Links moved into the namespace disappear with it (their peers were deleted above anyway).
        Shell.run("ip", "netns", "delete", namespace);
    }

    /** @return this lab's name prefix (for leftovers: {@code ip link | grep PREFIX}). */
    public String prefix() {
        return prefix;
    }
}
