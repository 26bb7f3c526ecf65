package io.npflua.ffm.layout;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pins every struct offset to the kernel's x86-64 values (shared/FACTS.md, linux/if_packet.h).
 */
class DescriptorLayoutTest
{
    @Test
    void shouldMatchKernelTpacketReq3()
    {
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
    void shouldMatchKernelTpacketReq()
    {
        assertEquals(16, TpacketReqDescriptor.LAYOUT.byteSize());
        assertEquals(0, TpacketReqDescriptor.BLOCK_SIZE_OFFSET);
        assertEquals(4, TpacketReqDescriptor.BLOCK_NR_OFFSET);
        assertEquals(8, TpacketReqDescriptor.FRAME_SIZE_OFFSET);
        assertEquals(12, TpacketReqDescriptor.FRAME_NR_OFFSET);
    }

    @Test
    void shouldMatchKernelBlockDescriptor()
    {
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
    void shouldMatchKernelTpacket3Header()
    {
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
    void shouldMatchKernelTpacket2Header()
    {
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
    void shouldMatchKernelSockaddrLl()
    {
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
    void shouldMatchKernelStatsFilterPollAndMreq()
    {
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
        assertEquals(16, IfreqDescriptor.FLAGS_OFFSET);
    }

    @Test
    void shouldMatchKernelConstants()
    {
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
        assertEquals(26, PacketConstants.SO_ATTACH_FILTER);
        assertEquals(0x40, PacketConstants.MSG_DONTWAIT);
        assertEquals(0x10, PacketConstants.TP_STATUS_VLAN_VALID);
        assertEquals(0x40, PacketConstants.TP_STATUS_VLAN_TPID_VALID);
        assertEquals(4, PacketConstants.TP_STATUS_WRONG_FORMAT);
    }
}
