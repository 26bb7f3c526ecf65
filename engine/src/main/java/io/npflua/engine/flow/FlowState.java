package io.npflua.engine.flow;

/**
 * Flow states as small ints (the table stores them in a flags word; no enum on the per-packet path).
 *
 * <ul>
 *   <li>{@link #NEW}: the first packet was seen. TCP stays NEW (half-open) until the side that opened the flow speaks
 *       again after the other side answered: the handshake's last ACK, not the SYN-ACK, as conntrack's "assured"
 *       needs more than a SYN-ACK (otherwise a SYN flood against a listening port would count as established and be
 *       shielded from eviction). Other protocols stay NEW until the reply direction is seen.</li>
 *   <li>{@link #ESTABLISHED}: both sides have spoken (TCP: as above).</li>
 *   <li>{@link #CLOSING}: TCP only, a FIN was seen in one direction.</li>
 *   <li>{@link #CLOSED}: TCP only, FIN seen in both directions or an RST. A SYN without ACK on a CLOSED flow ends it
 *       and starts a new flow (a port reused by the next connection).</li>
 * </ul>
 */
final class FlowState {
    /** A free table entry, never a flow's state. */
    public static final int FREE = 0;

    public static final int NEW = 1;
    public static final int ESTABLISHED = 2;
    public static final int CLOSING = 3;
    public static final int CLOSED = 4;

    private FlowState() {}

    /** {@code new}, {@code established}, {@code closing}, {@code closed} ({@code free}): for scripts, listings. */
    public static String name(int state) {
        return switch (state) {
            case NEW -> "new";
            case ESTABLISHED -> "established";
            case CLOSING -> "closing";
            case CLOSED -> "closed";
            default -> "free";
        };
    }
}
