package io.npflua.engine.bridge;

import io.npflua.ffm.socket.Offload;
import io.npflua.ffm.socket.OffloadChange;
import io.npflua.ffm.socket.OffloadFeatures;
import io.npflua.ffm.socket.OffloadSnapshot;
import io.npflua.ffm.socket.PacketSocket;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A bridge's decision about super-frames, made once before its first socket opens: forward them whole with vnet
 * headers, or turn off the interfaces' receive-coalescing features for the run ({@link OffloadPolicy}). Keeps what it
 * changed and puts it back exactly ({@link #restore()}: when the last port closes, and from a shutdown hook as a safety
 * net for a JVM that exits without closing the engine). Says what it decided in one line.
 */
final class BridgeOffloads {
    /**
     * The features that make a receiving interface hand super-frames to a packet socket. Segmentation offloads (TSO,
     * GSO, USO) of the bridged interfaces only shape what this host sends, which the bridge never forwards; the
     * super-frames of a sender behind a veth peer come from that peer's TSO/GSO, out of the bridge's reach.
     */
    static final Set<Offload> RECEIVE_COALESCING =
            EnumSet.of(Offload.GRO, Offload.LRO, Offload.GRO_HW, Offload.GRO_LIST, Offload.UDP_GRO_FORWARDING);

    private final OffloadPolicy policy;
    private final Consumer<String> log;
    private final List<OffloadChange> changes = new ArrayList<>();
    private final List<String> applied = new ArrayList<>();
    private boolean decided;
    private boolean vnet;
    private String summary;
    private Thread hook;

    BridgeOffloads(OffloadPolicy policy, Consumer<String> log) {
        this.policy = policy;
        this.log = log;
    }

    /**
     * Decides (once) and applies the decision to {@code interfaces} not yet handled; logs one line the first time.
     *
     * @return whether the bridge's sockets use vnet headers
     */
    synchronized boolean prepare(List<String> interfaces) {
        List<String> todo = new ArrayList<>();
        for (String name : interfaces) {
            if (!applied.contains(name)) {
                todo.add(name);
            }
        }
        String cause = null;
        if (!decided) {
            decided = true;
            cause = policy == OffloadPolicy.OFF ? null : PacketSocket.vnetHeadersUnavailableCause();
            vnet = policy != OffloadPolicy.OFF && cause == null;
        }
        if (todo.isEmpty()) {
            return vnet;
        }
        applied.addAll(todo);
        List<String> parts = new ArrayList<>();
        boolean turnOff = !vnet && policy != OffloadPolicy.LEAVE;
        for (String name : todo) {
            if (turnOff) {
                parts.add(turnOff(name));
            } else {
                parts.add(name + ": " + coalescing(name));
            }
        }
        String head;
        if (vnet) {
            head = "super-frames (GSO/GRO) forwarded whole with vnet headers; offloads left as they were";
        } else if (policy == OffloadPolicy.OFF) {
            head = "offloads " + OffloadPolicy.OFF.label() + ": receive offloads turned off for the run (restored on"
                    + " exit), MTU-sized ring slots";
        } else if (policy == OffloadPolicy.AUTO) {
            head = "vnet headers unavailable (" + cause + "): receive offloads turned off for the run (restored on"
                    + " exit)";
        } else {
            head = "vnet headers unavailable (" + cause + ") and offloads left alone: super-frames cannot be"
                    + " forwarded and are counted as forward_truncated";
        }
        String line = "bridge offloads: " + head + "; " + String.join("; ", parts)
                + (turnOff
                        ? "; super-frames that still arrive (a veth peer's or a local sender's TSO/GSO) are counted as"
                                + " forward_truncated"
                        : "");
        summary = summary == null ? line : summary + " | " + line;
        log.accept(line);
        return vnet;
    }

    private String turnOff(String name) {
        try {
            OffloadChange change = OffloadFeatures.turnOff(name, RECEIVE_COALESCING);
            if (!change.isEmpty()) {
                changes.add(change);
                installHook();
            }
            return change.summary();
        } catch (RuntimeException e) {
            if (policy == OffloadPolicy.OFF) {
                restore();
                throw new IllegalStateException(
                        "cannot turn offloads off on " + name + ": " + e.getMessage()
                                + " (run as root or with CAP_NET_ADMIN, or pass --offloads leave)",
                        e);
            }
            return name + ": could not turn offloads off (" + e.getMessage() + ")";
        }
    }

    private static String coalescing(String name) {
        try {
            OffloadSnapshot s = OffloadFeatures.read(name);
            List<String> on = new ArrayList<>();
            for (Offload group : RECEIVE_COALESCING) {
                if (s.anyActive(group)) {
                    on.add(group.ethtoolName());
                }
            }
            return on.isEmpty() ? "no receive offload on" : "on: " + String.join(", ", on);
        } catch (RuntimeException e) {
            return "offloads unreadable (" + e.getMessage() + ")";
        }
    }

    private void installHook() {
        if (hook == null) {
            hook = new Thread(this::restoreQuietly, "npflua-offload-restore");
            try {
                Runtime.getRuntime().addShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                hook = null;
            }
        }
    }

    private void restoreQuietly() {
        try {
            restore();
        } catch (RuntimeException e) {
            System.err.println("npflua: restoring offloads failed: " + e.getMessage());
        }
    }

    /**
     * Puts back exactly what was turned off (idempotent).
     *
     * @return one line per restored interface (empty when nothing was changed)
     */
    synchronized List<String> restore() {
        List<String> lines = new ArrayList<>();
        RuntimeException failure = null;
        for (OffloadChange change : changes) {
            try {
                OffloadFeatures.restore(change);
                lines.add(change.interfaceName() + ": turned " + String.join(", ", change.turnedOff()) + " back on");
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
                lines.add(change.interfaceName() + ": could not restore " + String.join(", ", change.turnedOff()) + ": "
                        + e.getMessage());
            }
        }
        changes.clear();
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to: restore() above already did its work.
            }
            hook = null;
        }
        if (!lines.isEmpty()) {
            log.accept("bridge offloads: " + String.join("; ", lines));
        }
        return lines;
    }

    /** Whether the sockets use vnet headers (false before {@link #prepare}). */
    synchronized boolean vnet() {
        return vnet;
    }

    /** The changes in force now (empty when none, or after {@link #restore()}). */
    synchronized List<OffloadChange> changes() {
        return List.copyOf(changes);
    }

    /** The line(s) logged, or null before {@link #prepare}. */
    synchronized String summary() {
        return summary;
    }
}
