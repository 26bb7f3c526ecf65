package io.npflua.ffm.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Pins every struct offset to the kernel's x86-64 values (shared/FACTS.md, linux/if_packet.h).
 */
class DescriptorLayoutTest {
    @Test
    void shouldMatchKernelTpacketReq3() {
        assertEquals(28, TpacketReq3Descriptor.LAYOUT.byteSize());
        assertEquals(0, TpacketReq3Descriptor.BLOCK_SIZE_OFFSET);
        assertEquals(4, TpacketReq3Descriptor.BLOCK_NR_OFFSET);
        assertEquals(8, TpacketReq3Descriptor.FRAME_SIZE_OFFSET);
        assertEquals(12, TpacketReq3Descriptor.FRAME_NR_OFFSET);
        assertEquals(16, TpacketReq3Descriptor.RETIRE_BLK_TOV_OFFSET);
        assertEquals(20, TpacketReq3Descriptor.SIZEOF_PRIV_OFFSET);
        assertEquals(24, TpacketReq3Descriptor.FEATURE_REQ_WORD_OFFSET);
    }

    @Test
    void shouldMatchKernelTpacketReq() {
        assertEquals(16, TpacketReqDescriptor.LAYOUT.byteSize());
        assertEquals(0, TpacketReqDescriptor.BLOCK_SIZE_OFFSET);
        assertEquals(4, TpacketReqDescriptor.BLOCK_NR_OFFSET);
        assertEquals(8, TpacketReqDescriptor.FRAME_SIZE_OFFSET);
        assertEquals(12, TpacketReqDescriptor.FRAME_NR_OFFSET);
    }

    @Test
    void shouldMatchKernelBlockDescriptor() {
        assertEquals(48, BlockDescriptor.LAYOUT.byteSize());
        assertEquals(0, BlockDescriptor.VERSION_OFFSET);
        assertEquals(4, BlockDescriptor.OFFSET_TO_PRIV_OFFSET);
        assertEquals(8, BlockDescriptor.BLOCK_STATUS_OFFSET);
        assertEquals(12, BlockDescriptor.NUM_PKTS_OFFSET);
        assertEquals(16, BlockDescriptor.OFFSET_TO_FIRST_PKT_OFFSET);
        assertEquals(20, BlockDescriptor.BLK_LEN_OFFSET);
        assertEquals(24, BlockDescriptor.SEQ_NUM_OFFSET);
        assertEquals(32, BlockDescriptor.TS_FIRST_OFFSET);
        assertEquals(40, BlockDescriptor.TS_LAST_OFFSET);
    }

    @Test
    void shouldMatchKernelTpacket3Header() {
        assertEquals(48, Tpacket3HeaderDescriptor.LAYOUT.byteSize());
        assertEquals(0, Tpacket3HeaderDescriptor.NEXT_OFFSET_OFFSET);
        assertEquals(4, Tpacket3HeaderDescriptor.SEC_OFFSET);
        assertEquals(8, Tpacket3HeaderDescriptor.NSEC_OFFSET);
        assertEquals(12, Tpacket3HeaderDescriptor.SNAPLEN_OFFSET);
        assertEquals(16, Tpacket3HeaderDescriptor.LEN_OFFSET);
        assertEquals(20, Tpacket3HeaderDescriptor.STATUS_OFFSET);
        assertEquals(24, Tpacket3HeaderDescriptor.MAC_OFFSET);
        assertEquals(26, Tpacket3HeaderDescriptor.NET_OFFSET);
        assertEquals(28, Tpacket3HeaderDescriptor.RXHASH_OFFSET);
        assertEquals(32, Tpacket3HeaderDescriptor.VLAN_TCI_OFFSET);
        assertEquals(36, Tpacket3HeaderDescriptor.VLAN_TPID_OFFSET);
        assertEquals(48, Tpacket3HeaderDescriptor.SOCKADDR_LL_OFFSET);
        assertEquals(68, Tpacket3HeaderDescriptor.HDRLEN);
    }

    @Test
    void shouldMatchKernelTpacket2Header() {
        assertEquals(32, Tpacket2HeaderDescriptor.LAYOUT.byteSize());
        assertEquals(0, Tpacket2HeaderDescriptor.STATUS_OFFSET);
        assertEquals(4, Tpacket2HeaderDescriptor.LEN_OFFSET);
        assertEquals(8, Tpacket2HeaderDescriptor.SNAPLEN_OFFSET);
        assertEquals(12, Tpacket2HeaderDescriptor.MAC_OFFSET);
        assertEquals(14, Tpacket2HeaderDescriptor.NET_OFFSET);
        assertEquals(16, Tpacket2HeaderDescriptor.SEC_OFFSET);
        assertEquals(20, Tpacket2HeaderDescriptor.NSEC_OFFSET);
        assertEquals(24, Tpacket2HeaderDescriptor.VLAN_TCI_OFFSET);
        assertEquals(26, Tpacket2HeaderDescriptor.VLAN_TPID_OFFSET);
        assertEquals(32, Tpacket2HeaderDescriptor.SOCKADDR_LL_OFFSET);
        assertEquals(52, Tpacket2HeaderDescriptor.HDRLEN);
        assertEquals(32, Tpacket2HeaderDescriptor.TX_DATA_OFFSET);
    }

    @Test
    void shouldMatchKernelSockaddrLl() {
        assertEquals(20, SockaddrLlDescriptor.LAYOUT.byteSize());
        assertEquals(0, SockaddrLlDescriptor.FAMILY_OFFSET);
        assertEquals(2, SockaddrLlDescriptor.PROTOCOL_OFFSET);
        assertEquals(4, SockaddrLlDescriptor.IFINDEX_OFFSET);
        assertEquals(8, SockaddrLlDescriptor.HATYPE_OFFSET);
        assertEquals(10, SockaddrLlDescriptor.PKTTYPE_OFFSET);
        assertEquals(11, SockaddrLlDescriptor.HALEN_OFFSET);
        assertEquals(12, SockaddrLlDescriptor.ADDR_OFFSET);
    }

    @Test
    void shouldMatchKernelStatsFilterPollAndMreq() {
        assertEquals(12, TpacketStatsV3Descriptor.LAYOUT.byteSize());
        assertEquals(0, TpacketStatsV3Descriptor.PACKETS_OFFSET);
        assertEquals(4, TpacketStatsV3Descriptor.DROPS_OFFSET);
        assertEquals(8, TpacketStatsV3Descriptor.FREEZE_Q_CNT_OFFSET);

        assertEquals(8, SockFilterDescriptor.FILTER_LAYOUT.byteSize());
        assertEquals(0, SockFilterDescriptor.CODE_OFFSET);
        assertEquals(2, SockFilterDescriptor.JT_OFFSET);
        assertEquals(3, SockFilterDescriptor.JF_OFFSET);
        assertEquals(4, SockFilterDescriptor.K_OFFSET);
        assertEquals(16, SockFilterDescriptor.PROG_LAYOUT.byteSize());
        assertEquals(0, SockFilterDescriptor.PROG_LEN_OFFSET);
        assertEquals(8, SockFilterDescriptor.PROG_FILTER_OFFSET);

        assertEquals(8, PollfdDescriptor.LAYOUT.byteSize());
        assertEquals(0, PollfdDescriptor.FD_OFFSET);
        assertEquals(4, PollfdDescriptor.EVENTS_OFFSET);
        assertEquals(6, PollfdDescriptor.REVENTS_OFFSET);

        assertEquals(16, PacketMreqDescriptor.LAYOUT.byteSize());
        assertEquals(0, PacketMreqDescriptor.IFINDEX_OFFSET);
        assertEquals(4, PacketMreqDescriptor.TYPE_OFFSET);
        assertEquals(6, PacketMreqDescriptor.ALEN_OFFSET);
        assertEquals(8, PacketMreqDescriptor.ADDRESS_OFFSET);

        assertEquals(40, IfreqDescriptor.LAYOUT.byteSize());
        assertEquals(0, IfreqDescriptor.NAME_OFFSET);
        assertEquals(16, IfreqDescriptor.FLAGS_OFFSET);
        assertEquals(16, IfreqDescriptor.DATA_OFFSET);
    }

    @Test
    void shouldMatchKernelEthtoolStructs() {
        // offsetof() as printed by gcc against <linux/ethtool.h> on this machine (x86-64).
        assertEquals(0, EthtoolSsetInfoDescriptor.CMD_OFFSET);
        assertEquals(4, EthtoolSsetInfoDescriptor.RESERVED_OFFSET);
        assertEquals(8, EthtoolSsetInfoDescriptor.SSET_MASK_OFFSET);
        assertEquals(16, EthtoolSsetInfoDescriptor.DATA_OFFSET);

        assertEquals(0, EthtoolGstringsDescriptor.CMD_OFFSET);
        assertEquals(4, EthtoolGstringsDescriptor.STRING_SET_OFFSET);
        assertEquals(8, EthtoolGstringsDescriptor.LEN_OFFSET);
        assertEquals(12, EthtoolGstringsDescriptor.DATA_OFFSET);
        assertEquals(12 + 3 * 32, EthtoolGstringsDescriptor.sizeFor(3));

        assertEquals(0, EthtoolGfeaturesDescriptor.CMD_OFFSET);
        assertEquals(4, EthtoolGfeaturesDescriptor.SIZE_OFFSET);
        assertEquals(8, EthtoolGfeaturesDescriptor.FEATURES_OFFSET);
        assertEquals(16, EthtoolGfeaturesDescriptor.BLOCK_LAYOUT.byteSize());
        assertEquals(0, EthtoolGfeaturesDescriptor.AVAILABLE_OFFSET);
        assertEquals(4, EthtoolGfeaturesDescriptor.REQUESTED_OFFSET);
        assertEquals(8, EthtoolGfeaturesDescriptor.ACTIVE_OFFSET);
        assertEquals(12, EthtoolGfeaturesDescriptor.NEVER_CHANGED_OFFSET);
        assertEquals(8 + 16 * 3, EthtoolGfeaturesDescriptor.sizeFor(3));
        assertEquals(8 + 16, EthtoolGfeaturesDescriptor.blockOffset(1));

        assertEquals(0, EthtoolSfeaturesDescriptor.CMD_OFFSET);
        assertEquals(4, EthtoolSfeaturesDescriptor.SIZE_OFFSET);
        assertEquals(8, EthtoolSfeaturesDescriptor.FEATURES_OFFSET);
        assertEquals(8, EthtoolSfeaturesDescriptor.BLOCK_LAYOUT.byteSize());
        assertEquals(0, EthtoolSfeaturesDescriptor.VALID_OFFSET);
        assertEquals(4, EthtoolSfeaturesDescriptor.REQUESTED_OFFSET);
        assertEquals(8 + 8 * 2, EthtoolSfeaturesDescriptor.sizeFor(2));

        assertEquals(0x8946, EthtoolConstants.SIOCETHTOOL);
        assertEquals(0x37, EthtoolConstants.ETHTOOL_GSSET_INFO);
        assertEquals(0x1b, EthtoolConstants.ETHTOOL_GSTRINGS);
        assertEquals(0x3a, EthtoolConstants.ETHTOOL_GFEATURES);
        assertEquals(0x3b, EthtoolConstants.ETHTOOL_SFEATURES);
        assertEquals(4, EthtoolConstants.ETH_SS_FEATURES);
        assertEquals(32, EthtoolConstants.ETH_GSTRING_LEN);
    }

    @Test
    void shouldMatchKernelVirtioNetHdr() {
        assertEquals(10, VirtioNetHdrDescriptor.SIZE);
        assertEquals(0, VirtioNetHdrDescriptor.FLAGS_OFFSET);
        assertEquals(1, VirtioNetHdrDescriptor.GSO_TYPE_OFFSET);
        assertEquals(2, VirtioNetHdrDescriptor.HDR_LEN_OFFSET);
        assertEquals(4, VirtioNetHdrDescriptor.GSO_SIZE_OFFSET);
        assertEquals(6, VirtioNetHdrDescriptor.CSUM_START_OFFSET);
        assertEquals(8, VirtioNetHdrDescriptor.CSUM_OFFSET_OFFSET);
        assertEquals(1, VirtioNetHdrDescriptor.F_NEEDS_CSUM);
        assertEquals(2, VirtioNetHdrDescriptor.F_DATA_VALID);
        assertEquals(1, VirtioNetHdrDescriptor.GSO_TCPV4);
        assertEquals(3, VirtioNetHdrDescriptor.GSO_UDP);
        assertEquals(4, VirtioNetHdrDescriptor.GSO_TCPV6);
        assertEquals(5, VirtioNetHdrDescriptor.GSO_UDP_L4);
        assertEquals(0x80, VirtioNetHdrDescriptor.GSO_ECN);
    }

    @Test
    void shouldMatchKernelConstants() {
        assertEquals(263, PacketConstants.SOL_PACKET);
        assertEquals(17, PacketConstants.AF_PACKET);
        assertEquals(0x0300, PacketConstants.ETH_P_ALL_BE);
        assertEquals(5, PacketConstants.PACKET_RX_RING);
        assertEquals(6, PacketConstants.PACKET_STATISTICS);
        assertEquals(10, PacketConstants.PACKET_VERSION);
        assertEquals(12, PacketConstants.PACKET_RESERVE);
        assertEquals(13, PacketConstants.PACKET_TX_RING);
        assertEquals(14, PacketConstants.PACKET_LOSS);
        assertEquals(18, PacketConstants.PACKET_FANOUT);
        assertEquals(20, PacketConstants.PACKET_QDISC_BYPASS);
        assertEquals(23, PacketConstants.PACKET_IGNORE_OUTGOING);
        assertEquals(15, PacketConstants.PACKET_VNET_HDR);
        assertEquals(24, PacketConstants.PACKET_VNET_HDR_SZ);
        assertEquals(0x100, PacketConstants.TP_STATUS_GSO_TCP);
        assertEquals(2, PacketConstants.AF_INET);
        assertEquals(2, PacketConstants.SOCK_DGRAM);
        assertEquals(26, PacketConstants.SO_ATTACH_FILTER);
        assertEquals(0x40, PacketConstants.MSG_DONTWAIT);
        assertEquals(0x10, PacketConstants.TP_STATUS_VLAN_VALID);
        assertEquals(0x40, PacketConstants.TP_STATUS_VLAN_TPID_VALID);
        assertEquals(4, PacketConstants.TP_STATUS_WRONG_FORMAT);
    }
}
