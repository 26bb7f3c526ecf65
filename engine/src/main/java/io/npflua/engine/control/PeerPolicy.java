package io.npflua.engine.control;

/**
 * Who may use the control socket: root and the user the engine runs as, nobody else ("privileged only"). The socket
 * file's mode 0600 already keeps other users from connecting; this check, on the kernel's {@code SO_PEERCRED} of each
 * connection, holds even if the file's mode is changed or the socket is passed on.
 */
final class PeerPolicy {
    private final String engineUser;

    /** A policy that admits root and {@code engineUser} (the owner of the socket file). */
    public PeerPolicy(String engineUser) {
        this.engineUser = engineUser;
    }

    /**
     * Returns null when {@code peerUser} may control the engine, else the refusal to send back. The JDK names a
     * user without a passwd entry by its numeric id, so {@code "0"} is root too.
     */
    public String refusal(String peerUser) {
        if ("root".equals(peerUser) || "0".equals(peerUser) || engineUser.equals(peerUser)) {
            return null;
        }
        return "permission denied: user '" + peerUser + "' may not control this engine; only root and '" + engineUser
                + "' (the user running it) may. Run the command as one of them (e.g. with sudo).";
    }

    /** The engine's user. */
    public String engineUser() {
        return engineUser;
    }
}
