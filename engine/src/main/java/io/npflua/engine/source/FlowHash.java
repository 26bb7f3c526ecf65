package io.npflua.engine.source;

import io.npflua.engine.flow.FlowKey;
import java.lang.foreign.MemorySegment;

/**
 * A symmetric flow hash of an Ethernet frame, for sources without a kernel fanout (pcap files, test buffers) that must
 * spread frames over workers the way {@code PACKET_FANOUT_HASH} does: both directions of a flow on the same worker,
 * so that each worker's flow table and stateful scripts see a conversation whole. Worker {@code w} of {@code n} takes
 * the frames with {@code Math.floorMod(hash, n) == w}.
 *
 * <p>The key is the flow table's own ({@link FlowKey}: VLANs, IPv4 and IPv6 with extension headers, ports or ICMP
 * echo ids), so a replay partitions frames exactly by the flows the workers will track. A frame without a flow key
 * (non-IP, later fragment, malformed) hashes to 0. One instance per source (it owns its parsed key); reads only
 * within {@code [offset, offset + length)}; allocates nothing.
 */
public final class FlowHash {
    private final FlowKey key = new FlowKey();

    /** The hash of the frame at {@code offset} with {@code length} captured bytes. Allocates nothing. */
    public int of(MemorySegment segment, long offset, int length) {
        if (key.parse(segment, offset, length) != FlowKey.OK) {
            return 0;
        }
        FlowKey k = key;
        long a = k.srcHi() * 0x9e3779b97f4a7c15L ^ k.srcLo();
        long b = k.dstHi() * 0x9e3779b97f4a7c15L ^ k.dstLo();
        long pa = (long) k.srcPort() << 32 ^ a;
        long pb = (long) k.dstPort() << 32 ^ b;
        // Order the two endpoints so that (a, b) and (b, a) hash alike.
        long lo = Long.compareUnsigned(pa, pb) <= 0 ? pa : pb;
        long hi = lo == pa ? pb : pa;
        long h = lo * 0xc2b2ae3d27d4eb4fL + Long.rotateLeft(hi, 31) * 0x165667b19e3779f9L
                ^ (long) k.protocol() << 8
                ^ (long) k.outerVlan() << 40
                ^ (long) k.innerVlan() << 52;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (int) h;
    }

    /** The hash of the frame {@code frame} points at. Allocates nothing. */
    public int of(Frame frame) {
        return of(frame.segment(), frame.offset(), frame.capturedLength());
    }
}
