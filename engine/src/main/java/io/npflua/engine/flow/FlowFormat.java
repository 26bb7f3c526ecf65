package io.npflua.engine.flow;

import io.npflua.lua.flow.FlowObject;

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

    /** The address held as two halves ({@link FlowKey}'s form) in text: dotted quad or RFC 5952 IPv6. */
    public static String address(int ipVersion, long hi, long lo) {
        if (ipVersion == 4) {
            return (lo >>> 24 & 0xff) + "." + (lo >>> 16 & 0xff) + "." + (lo >>> 8 & 0xff) + "." + (lo & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
            groups[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        }
        // RFC 5952: the longest run of two or more zero groups (the first of equal runs) becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
