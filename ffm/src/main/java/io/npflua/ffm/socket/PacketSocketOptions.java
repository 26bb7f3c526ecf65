package io.npflua.ffm.socket;

import io.npflua.ffm.ring.RingGeometry;
import io.npflua.ffm.ring.RingVersion;
import io.npflua.ffm.ring.SliceScope;
import java.util.Objects;

/**
 * Everything {@link PacketSocket#open(PacketSocketOptions)} needs, built with {@link #builder(String)}.
 *
 * <p>Typical uses: a capture worker ({@link #capture(String, RingGeometry)} plus fanout, snap length, promiscuous,
 * filter) and a bridge port ({@link #bridgePort(String, RingGeometry, RingGeometry)}: V2 RX and TX rings on one
 * socket, so the frames it sends are not received back by it).
 */
public final class PacketSocketOptions {
    final String interfaceName;
    final RingVersion rxVersion;
    final RingGeometry rxGeometry;
    final RingGeometry txGeometry;
    final int snapLength;
    final boolean promiscuous;
    final Fanout fanout;
    final BpfProgram filter;
    final boolean vlanReinsertion;
    final boolean vnetHeader;
    final SliceScope sliceScope;
    final boolean txLoss;
    final boolean qdiscBypass;
    final boolean ignoreOutgoing;
    final int txBatchSize;

    private PacketSocketOptions(final Builder b) {
        interfaceName = b.interfaceName;
        rxVersion = b.rxVersion;
        rxGeometry = b.rxGeometry;
        txGeometry = b.txGeometry;
        snapLength = b.snapLength;
        promiscuous = b.promiscuous;
        fanout = b.fanout;
        filter = b.filter;
        vlanReinsertion = b.vlanReinsertion;
        vnetHeader = b.vnetHeader;
        sliceScope = b.sliceScope;
        txLoss = b.txLoss;
        qdiscBypass = b.qdiscBypass;
        ignoreOutgoing = b.ignoreOutgoing;
        txBatchSize = b.txBatchSize;
    }

    /**
     * @param interfaceName the interface to bind to.
     * @return a builder with no rings (a plain socket using {@link PacketSocket#sendTo}).
     */
    public static Builder builder(final String interfaceName) {
        return new Builder(interfaceName);
    }

    /**
     * @param interfaceName the interface.
     * @param blocks        a V3 geometry, e.g. {@code RingGeometry.blocks(1 << 20, 64, 10)}.
     * @return a builder for a TPACKET_V3 capture socket.
     */
    public static Builder capture(final String interfaceName, final RingGeometry blocks) {
        return new Builder(interfaceName).rxRing(RingVersion.V3, blocks);
    }

    /**
     * @param interfaceName the interface.
     * @param rxFrames      V2 RX geometry, e.g. {@code RingGeometry.frames(2048, 4096, pageSize)}.
     * @param txFrames      TX geometry.
     * @return a builder for one side of an inline bridge: V2 RX and TX rings on one socket, PACKET_LOSS on.
     */
    public static Builder bridgePort(
            final String interfaceName, final RingGeometry rxFrames, final RingGeometry txFrames) {
        return new Builder(interfaceName).rxRing(RingVersion.V2, rxFrames).txRing(txFrames);
    }

    /** @return the interface name. */
    public String interfaceName() {
        return interfaceName;
    }

    /**
     * Builds {@link PacketSocketOptions}.
     */
    public static final class Builder {
        private final String interfaceName;
        private RingVersion rxVersion;
        private RingGeometry rxGeometry;
        private RingGeometry txGeometry;
        private int snapLength;
        private boolean promiscuous;
        private Fanout fanout;
        private BpfProgram filter;
        private boolean vlanReinsertion;
        private boolean vnetHeader;
        private SliceScope sliceScope = SliceScope.BLOCK;
        private boolean txLoss = true;
        private boolean qdiscBypass;
        private boolean ignoreOutgoing;
        private int txBatchSize = 32;

        private Builder(final String interfaceName) {
            NetworkInterfaces.checkName(interfaceName);
            this.interfaceName = interfaceName;
        }

        /**
         * @param version  V3 for capture, V2 for low latency.
         * @param geometry the ring's shape.
         * @return this.
         */
        public Builder rxRing(final RingVersion version, final RingGeometry geometry) {
            this.rxVersion = Objects.requireNonNull(version);
            this.rxGeometry = Objects.requireNonNull(geometry);
            return this;
        }

        /**
         * Adds a TX ring (frames in TPACKET_V2 layout; with an RX ring, that ring must be V2 as well).
         *
         * @param geometry the ring's shape.
         * @return this.
         */
        public Builder txRing(final RingGeometry geometry) {
            this.txGeometry = Objects.requireNonNull(geometry);
            return this;
        }

        /**
         * @param snapLength bytes kept per packet (0 = whole packets); applied by a BPF return cap in the kernel.
         * @return this.
         */
        public Builder snapLength(final int snapLength) {
            if (snapLength < 0) {
                throw new IllegalArgumentException("snap length must be >= 0, got " + snapLength);
            }
            this.snapLength = snapLength;
            return this;
        }

        /**
         * @param promiscuous receive frames for other hosts too (PACKET_ADD_MEMBERSHIP, undone when the socket closes).
         * @return this.
         */
        public Builder promiscuous(final boolean promiscuous) {
            this.promiscuous = promiscuous;
            return this;
        }

        /**
         * @param fanout the group to join, or null.
         * @return this.
         */
        public Builder fanout(final Fanout fanout) {
            this.fanout = fanout;
            return this;
        }

        /**
         * @param filter a classic BPF program run by the kernel before the ring, or null.
         * @return this.
         */
        public Builder filter(final BpfProgram filter) {
            this.filter = filter;
            return this;
        }

        /**
         * @param vlanReinsertion write the VLAN tag the kernel stripped back into each frame (PACKET_RESERVE 4), so it
         *                        reads as on the wire; 802.1Q and 802.1ad.
         * @return this.
         */
        public Builder vlanReinsertion(final boolean vlanReinsertion) {
            this.vlanReinsertion = vlanReinsertion;
            return this;
        }

        /**
         * @param vnetHeader set {@code PACKET_VNET_HDR}: a {@code struct virtio_net_hdr} before every received and sent
         *                   frame, so GSO/GRO super-frames are received and sent whole, with their partial checksums
         *                   described (docs/ffm.md, "Super-frames"). Check {@link PacketSocket#vnetHeadersAvailable()}
         *                   first; size the rings' frames for 64 KiB packets.
         * @return this builder.
         */
        public Builder vnetHeader(final boolean vnetHeader) {
            this.vnetHeader = vnetHeader;
            return this;
        }

        /**
         * @param sliceScope lifetime of frame segments (default {@link SliceScope#BLOCK}).
         * @return this.
         */
        public Builder sliceScope(final SliceScope sliceScope) {
            this.sliceScope = Objects.requireNonNull(sliceScope);
            return this;
        }

        /**
         * @param txLoss PACKET_LOSS: skip frames the kernel rejects instead of stalling the TX ring (default on).
         * @return this.
         */
        public Builder txLoss(final boolean txLoss) {
            this.txLoss = txLoss;
            return this;
        }

        /**
         * @param qdiscBypass PACKET_QDISC_BYPASS: hand TX frames straight to the driver (no traffic control, no taps).
         * @return this.
         */
        public Builder qdiscBypass(final boolean qdiscBypass) {
            this.qdiscBypass = qdiscBypass;
            return this;
        }

        /**
         * @param ignoreOutgoing PACKET_IGNORE_OUTGOING: do not receive frames this host sends (outside a fanout
         *                       group; inside one use {@link FanoutFlag#IGNORE_OUTGOING}).
         * @return this.
         */
        public Builder ignoreOutgoing(final boolean ignoreOutgoing) {
            this.ignoreOutgoing = ignoreOutgoing;
            return this;
        }

        /**
         * @param txBatchSize TX ring frames between automatic kicks (default 32).
         * @return this.
         */
        public Builder txBatchSize(final int txBatchSize) {
            if (txBatchSize < 1) {
                throw new IllegalArgumentException("TX batch size must be >= 1, got " + txBatchSize);
            }
            this.txBatchSize = txBatchSize;
            return this;
        }

        /**
         * @return the options.
         * @throws IllegalArgumentException when the combination cannot work.
         */
        public PacketSocketOptions build() {
            if (txGeometry != null && rxVersion == RingVersion.V3) {
                throw new IllegalArgumentException(
                        "a TX ring needs a V2 socket: use a V2 RX ring (bridge) or a separate TX socket");
            }
            if (fanout != null && rxGeometry == null) {
                throw new IllegalArgumentException("fanout needs a receiving socket: add an RX ring");
            }
            if (fanout != null && ignoreOutgoing) {
                // The kernel accepts PACKET_IGNORE_OUTGOING on a fanout member but ignores it.
                throw new IllegalArgumentException(
                        "ignore-outgoing has no effect inside a fanout group: use FanoutFlag.IGNORE_OUTGOING");
            }
            return new PacketSocketOptions(this);
        }
    }
}
