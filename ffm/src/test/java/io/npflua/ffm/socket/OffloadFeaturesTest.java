package io.npflua.ffm.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.ffm.sys.ErrnoException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Offload features without root: reading goes through an ordinary datagram socket, so the loopback interface (present
 * in every network namespace) can be read by any user. Changing them is tested live ({@link OffloadFeaturesLiveTest}).
 */
class OffloadFeaturesTest {
    @Test
    void shouldReadLoopbackFeaturesWithoutPrivilege() {
        final OffloadSnapshot lo = OffloadFeatures.read("lo");
        assertEquals("lo", lo.interfaceName());
        // The kernel's feature table: bit i is string i; these names have been in it since Linux 3.x.
        for (final String name :
                List.of("tx-scatter-gather", "tx-tcp-segmentation", "tx-generic-segmentation", "rx-gro", "rx-lro")) {
            assertTrue(lo.has(name), name);
        }
        int bit = -1;
        for (final OffloadSnapshot.Feature feature : lo.features()) {
            assertTrue(feature.bit() > bit && !feature.name().isEmpty(), feature.name() + " at bit " + feature.bit());
            bit = feature.bit();
        }
        assertEquals(0, lo.feature("tx-scatter-gather").bit(), "NETIF_F_SG is bit 0");
        // loopback is NETIF_F_LOOPBACK, never changeable.
        assertTrue(lo.feature("loopback").active() && lo.feature("loopback").fixed());
        assertFalse(lo.features(Offload.TSO).isEmpty());
    }

    @Test
    void shouldGroupFeaturesAsEthtoolShortNamesDo() {
        assertTrue(Offload.TSO.matches("tx-tcp-segmentation"));
        assertTrue(Offload.TSO.matches("tx-tcp6-segmentation"));
        assertTrue(Offload.TSO.matches("tx-tcp-mangleid-segmentation"));
        assertTrue(Offload.TSO.matches("tx-tcp-accecn-segmentation"));
        assertFalse(Offload.TSO.matches("tx-udp-segmentation"));
        assertTrue(Offload.TX_CHECKSUM.matches("tx-checksum-ip-generic"));
        assertFalse(Offload.TX_CHECKSUM.matches("rx-checksum"));
        assertTrue(Offload.SCATTER_GATHER.matches("tx-scatter-gather-fraglist"));
        assertTrue(Offload.GRO.matches("rx-gro"));
        assertFalse(Offload.GRO.matches("rx-gro-hw"));
        assertFalse(Offload.GRO.matches("rx-gro-list"));
        assertEquals("tso", Offload.TSO.ethtoolName());
    }

    @Test
    void shouldRefuseUnknownFeatureNamesOnRead() {
        final IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> OffloadFeatures.read("lo").feature("tcp-segmentation-offload"));
        assertTrue(
                e.getMessage().contains("'tcp-segmentation-offload' is not an offload feature of this kernel"),
                e.getMessage());
    }

    @Test
    void shouldReportMissingInterfaceWithTheFfmEnodevMessage() {
        final ErrnoException e = assertThrows(ErrnoException.class, () -> OffloadFeatures.read("npfnosuch0"));
        assertTrue(e.noSuchInterface(), e.getMessage());
        assertEquals(
                "ioctl(SIOCETHTOOL, ETHTOOL_GSSET_INFO, npfnosuch0) failed: No such device: no such interface: npfnosuch0"
                        + " (list them with `ip link`)",
                e.getMessage());
    }

    @Test
    void shouldLeaveFixedFeaturesAloneAndReportThemStillActive() {
        // Nothing is changeable here, so no ETHTOOL_SFEATURES is made: no privilege is needed and nothing changes.
        final OffloadChange change = OffloadFeatures.turnOffFeatures("lo", List.of("loopback"));
        assertTrue(change.isEmpty());
        assertEquals(List.of("loopback"), change.stillActive());
        assertEquals(change.before(), change.after());
        assertEquals("lo: offloads left as they were; still on (cannot be changed here): loopback", change.summary());
    }

    @Test
    void shouldRejectNamesThatCannotBeInterfaces() {
        assertThrows(IllegalArgumentException.class, () -> OffloadFeatures.read("a-name-that-is-too-long"));
    }
}
