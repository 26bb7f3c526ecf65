package io.npflua.engine.flow;

import io.npflua.lua.flow.FlowObject;
import io.npflua.lua.net.NetAddresses;

/**
 * Text forms of flow fields for logs, tests and listings ({@code npflua flows}): protocol names and addresses as
 * {@code 198.18.0.1} or RFC 5952 IPv6 text. Allocates (a string per call); not for the per-packet path.
 */
public final class FlowFormat {
    private FlowFormat() {}

    /** {@code tcp}, {@code udp}, {@code icmp}, {@code icmpv6}, {@code sctp}, {@code udplite} or the number. */
    public static String protocolName(int protocol) {
        return FlowObject.protocolName(protocol).tojstring();
    }

    /** {@code new}, {@code established}, {@code closing}, {@code closed}. */
    public static String stateName(int state) {
        return FlowState.name(state);
    }

    /**
     * The address held as two halves ({@link FlowKey}'s form) in text: dotted quad or RFC 5952 IPv6 (the project's
     * one formatter, {@link NetAddresses}).
     */
    public static String address(int ipVersion, long hi, long lo) {
        return NetAddresses.toString(hi, lo, ipVersion);
    }
}
