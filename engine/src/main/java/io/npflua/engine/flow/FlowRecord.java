package io.npflua.engine.flow;

/**
 * One flow as a listing shows it ({@code npflua flows}): copied out of a worker's table on that worker's thread.
 * Addresses and ports are the opener's ({@code src}) and the other side's ({@code dst}).
 *
 * @param worker      the worker whose table holds it
 * @param id          the flow's id
 * @param protocol    IP protocol number
 * @param family      4 or 6
 * @param srcHi       opener's address, high 64 bits (0 for IPv4)
 * @param srcLo       opener's address, low 64 bits (IPv4 in the low 32)
 * @param srcPort     opener's port (ICMP: echo id)
 * @param dstHi       other side's address, high 64 bits
 * @param dstLo       other side's address, low 64 bits
 * @param dstPort     other side's port
 * @param vlan        outer VLAN id (0: none)
 * @param state       a {@link FlowState} value (see {@link #stateName()})
 * @param firstNs     capture time of the first frame
 * @param lastNs      capture time of the latest frame
 * @param packetsOrig frames from the opener
 * @param packetsReply frames from the other side
 * @param bytesOrig   wire bytes from the opener
 * @param bytesReply  wire bytes from the other side
 * @param passedMask  decision slots of the rules that passed the flow
 * @param blockedMask decision slots of the rules that blocked it
 */
public record FlowRecord(
        int worker,
        long id,
        int protocol,
        int family,
        long srcHi,
        long srcLo,
        int srcPort,
        long dstHi,
        long dstLo,
        int dstPort,
        int vlan,
        int state,
        long firstNs,
        long lastNs,
        long packetsOrig,
        long packetsReply,
        long bytesOrig,
        long bytesReply,
        long passedMask,
        long blockedMask) {

    /** Copies the flow at {@code entry} of {@code table} (on the table's thread). */
    public static FlowRecord of(int worker, FlowTable table, int entry) {
        return new FlowRecord(
                worker,
                table.id(entry),
                table.protocol(entry),
                table.ipVersion(entry),
                table.addressHi(entry, FlowTable.ORIG),
                table.addressLo(entry, FlowTable.ORIG),
                table.port(entry, FlowTable.ORIG),
                table.addressHi(entry, FlowTable.REPLY),
                table.addressLo(entry, FlowTable.REPLY),
                table.port(entry, FlowTable.REPLY),
                table.outerVlan(entry),
                table.state(entry),
                table.firstNs(entry),
                table.lastNs(entry),
                table.packets(entry, FlowTable.ORIG),
                table.packets(entry, FlowTable.REPLY),
                table.bytes(entry, FlowTable.ORIG),
                table.bytes(entry, FlowTable.REPLY),
                table.passedMask(entry),
                table.blockedMask(entry));
    }

    /** {@code new}, {@code established}, {@code closing}, {@code closed}. */
    public String stateName() {
        return FlowState.name(state);
    }
}
