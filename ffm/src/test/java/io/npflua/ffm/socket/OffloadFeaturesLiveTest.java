package io.npflua.ffm.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.Shell;
import io.npflua.ffm.lab.VethLab;
import io.npflua.ffm.sys.ErrnoException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Offload features of a lab veth read and changed through our ethtool ioctl, checked against what the {@code ethtool}
 * program prints for the same interface.
 */
@LiveTest
class OffloadFeaturesLiveTest {
    private static final Pattern ETHTOOL_LINE =
            Pattern.compile("^\\s*([a-z0-9_-]+): (on|off)( \\[fixed\\]| \\[requested (?:on|off)\\])?$");
    private static final EnumSet<Offload> LAB_OFF =
            EnumSet.of(Offload.TSO, Offload.GSO, Offload.GRO, Offload.TX_CHECKSUM);

    /** What {@code ethtool -k} says of one name: on/off and its bracketed note ("" when none). */
    private record EthtoolState(boolean on, String note) {}

    private static Map<String, EthtoolState> ethtoolK(final String link) {
        final Map<String, EthtoolState> states = new LinkedHashMap<>();
        for (final String line : Shell.check("ethtool", "-k", link).split("\n")) {
            final Matcher m = ETHTOOL_LINE.matcher(line);
            if (m.matches()) {
                states.put(
                        m.group(1),
                        new EthtoolState(
                                "on".equals(m.group(2)),
                                m.group(3) == null ? "" : m.group(3).strip()));
            }
        }
        return states;
    }

    /** Every feature ethtool lists by its kernel name must read the same through our ioctl. */
    private static void assertSameAsEthtool(final OffloadSnapshot ours, final Map<String, EthtoolState> ethtool) {
        int compared = 0;
        for (final OffloadSnapshot.Feature feature : ours.features()) {
            final EthtoolState state = ethtool.get(feature.name());
            if (state == null) {
                continue; // ethtool -k hides some features (never changeable ones)
            }
            compared++;
            assertEquals(state.on(), feature.active(), feature.name() + " active");
            assertEquals(state.note().equals("[fixed]"), feature.fixed(), feature.name() + " fixed");
            if (state.note().startsWith("[requested")) {
                assertEquals(state.note().equals("[requested on]"), feature.requested(), feature.name() + " requested");
            }
        }
        assertTrue(compared >= 40, "compared only " + compared + " features with ethtool -k");
    }

    @Test
    void shouldReadKernelDefaultsAsEthtoolPrintsThem(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        final OffloadSnapshot features = OffloadFeatures.read(pair.a());
        assertSameAsEthtool(features, ethtoolK(pair.a()));
        // A veth's defaults (Linux 6.x): segmentation and TX checksum offloads on, GRO off until asked for.
        assertTrue(features.active("tx-tcp-segmentation") && features.active("tx-tcp6-segmentation"));
        assertTrue(features.anyActive(Offload.GSO)
                && features.anyActive(Offload.TX_CHECKSUM)
                && features.anyActive(Offload.UDP_SEGMENTATION));
        assertTrue(features.feature("tx-tcp-segmentation").changeable());
        assertFalse(features.anyActive(Offload.LRO));
        assertTrue(features.feature("rx-lro").fixed());
    }

    @Test
    void shouldTurnOffloadsOffAndRestoreThemExactly(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        Shell.check("ethtool", "-K", pair.a(), "gro", "on"); // so that GRO has something to turn off as well
        final OffloadSnapshot original = OffloadFeatures.read(pair.a());
        final String ethtoolOriginal = Shell.check("ethtool", "-k", pair.a());
        assertTrue(original.anyActive(Offload.TSO)
                && original.anyActive(Offload.GSO)
                && original.anyActive(Offload.GRO)
                && original.anyActive(Offload.TX_CHECKSUM));

        final OffloadChange change = OffloadFeatures.turnOff(pair.a(), LAB_OFF);
        assertEquals(original, change.before());
        assertTrue(
                change.turnedOff()
                        .containsAll(List.of(
                                "tx-tcp-segmentation",
                                "tx-tcp6-segmentation",
                                "tx-generic-segmentation",
                                "rx-gro",
                                "tx-checksum-ip-generic")),
                change.turnedOff().toString());
        assertFalse(change.turnedOff().contains("tx-checksum-ipv4"), "fixed off on a veth: nothing to turn off");
        assertEquals(List.of(), change.stillActive());
        assertTrue(change.summary().startsWith(pair.a() + ": turned off "), change.summary());

        final OffloadSnapshot off = OffloadFeatures.read(pair.a());
        assertEquals(change.after(), off);
        for (final Offload group : LAB_OFF) {
            assertFalse(off.anyActive(group), group + " still on: " + off);
        }
        final Map<String, EthtoolState> ethtoolOff = ethtoolK(pair.a());
        assertSameAsEthtool(off, ethtoolOff);
        for (final String summary : List.of(
                "tcp-segmentation-offload",
                "generic-segmentation-offload",
                "generic-receive-offload",
                "tx-checksumming")) {
            assertFalse(ethtoolOff.get(summary).on(), "ethtool -k: " + summary);
        }

        final OffloadSnapshot restored = OffloadFeatures.restore(change);
        assertEquals(original, restored, "every feature's requested and active state as before");
        assertEquals(original, OffloadFeatures.read(pair.a()));
        assertEquals(ethtoolOriginal, Shell.check("ethtool", "-k", pair.a()), "ethtool -k prints the same as before");
    }

    @Test
    void shouldRestoreOnlyWhatItTurnedOff(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        Shell.check("ethtool", "-K", pair.a(), "gso", "off"); // the operator's choice, before npflua starts
        final OffloadSnapshot original = OffloadFeatures.read(pair.a());

        final OffloadChange change = OffloadFeatures.turnOff(pair.a(), LAB_OFF);
        assertFalse(change.turnedOff().contains("tx-generic-segmentation"), "was off already: not ours to restore");
        OffloadFeatures.restore(change);

        final OffloadSnapshot restored = OffloadFeatures.read(pair.a());
        assertEquals(original, restored);
        assertFalse(restored.active("tx-generic-segmentation"), "the operator's gso off stays");
    }

    @Test
    void shouldRefuseUnknownFeatureNamesAndChangeNothing(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        final OffloadSnapshot original = OffloadFeatures.read(pair.a());
        // "tso" is the ethtool program's short name, not a kernel feature name.
        final IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> OffloadFeatures.turnOffFeatures(pair.a(), List.of("tx-tcp-segmentation", "tso")));
        assertTrue(e.getMessage().startsWith("'tso' is not an offload feature of this kernel"), e.getMessage());
        assertEquals(original, OffloadFeatures.read(pair.a()), "nothing changed");
    }

    @Test
    void shouldTurnOffSingleFeaturesByKernelName(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        final OffloadSnapshot original = OffloadFeatures.read(pair.a());
        final OffloadChange change =
                OffloadFeatures.turnOffFeatures(pair.a(), List.of("tx-udp-segmentation", "rx-lro"));
        assertEquals(List.of("tx-udp-segmentation"), change.turnedOff(), "rx-lro is fixed off on a veth");
        assertFalse(ethtoolK(pair.a()).get("tx-udp-segmentation").on());
        assertEquals(original, OffloadFeatures.restore(change));
    }

    @Test
    void shouldReportMissingInterfaceWithTheFfmEnodevMessage(final VethLab lab) {
        final VethLab.VethPair pair = lab.addPair();
        final OffloadChange change = OffloadFeatures.turnOff(pair.a(), EnumSet.of(Offload.TSO));
        lab.deletePair(pair);
        final ErrnoException gone = assertThrows(ErrnoException.class, () -> OffloadFeatures.restore(change));
        assertTrue(
                gone.noSuchInterface() && gone.getMessage().contains("no such interface: " + pair.a()),
                gone.getMessage());

        final String missing = lab.prefix() + "zz";
        final ErrnoException e = assertThrows(ErrnoException.class, () -> OffloadFeatures.turnOff(missing, LAB_OFF));
        assertTrue(e.noSuchInterface(), e.getMessage());
        assertTrue(
                e.getMessage()
                        .endsWith("failed: No such device: no such interface: " + missing
                                + " (list them with `ip link`)"),
                e.getMessage());
    }
}
