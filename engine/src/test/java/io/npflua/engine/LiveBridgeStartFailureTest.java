package io.npflua.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.bridge.BridgePorts;
import io.npflua.engine.bridge.OffloadPolicy;
import io.npflua.engine.rule.Verdict;
import io.npflua.engine.source.ring.LiveCaptureOptions;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.Shell;
import io.npflua.ffm.lab.VethLab;
import io.npflua.ffm.ring.RingGeometry;
import io.npflua.ffm.socket.Fanout;
import io.npflua.ffm.socket.FanoutMode;
import io.npflua.ffm.socket.OffloadFeatures;
import io.npflua.ffm.socket.OffloadSnapshot;
import io.npflua.ffm.socket.PacketSocket;
import io.npflua.ffm.socket.PacketSocketOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bridge whose start fails after its offloads were turned off puts every interface back exactly as it was: the
 * second interface gone by the time the engine starts (with {@code --offloads off}, and with the turn-off path of a
 * kernel without vnet headers), and a second socket the kernel refuses (a foreign fanout group on the interface).
 */
@LiveTest
class LiveBridgeStartFailureTest {
    /** The two bridged interfaces (each the {@code a} end of its own veth pair), with GRO on as a NIC has it. */
    private record Ends(String left, String right, VethLab.VethPair rightPair) {
        static Ends create(VethLab lab) {
            VethLab.VethPair l = lab.addPair();
            VethLab.VethPair r = lab.addPair();
            Shell.check("ethtool", "-K", l.a(), "gro", "on");
            Shell.check("ethtool", "-K", r.a(), "gro", "on");
            return new Ends(l.a(), r.a(), r);
        }

        Engine build(BridgePorts ports, int workers) {
            return Engine.builder()
                    .bridge(left, right)
                    .workers(workers)
                    .fanout(FanoutMode.HASH)
                    .sources(ports)
                    .forwarders(ports)
                    .idleStrategy(ports.idleStrategies())
                    .handler("pass", f -> Verdict.PASS)
                    .build();
        }
    }

    private static BridgePorts ports(OffloadPolicy policy, List<String> log) {
        return EngineSources.bridge(LiveCaptureOptions.defaults(), policy, line -> {
            synchronized (log) {
                log.add(line);
            }
            System.out.println("bridge: " + line);
        });
    }

    @Test
    void shouldRestoreTheFirstInterfaceWhenTheSecondIsGoneAtStartWithOffloadsOff(VethLab lab) {
        Ends ends = Ends.create(lab);
        OffloadSnapshot before = OffloadFeatures.read(ends.left());
        String ethtoolBefore = Shell.check("ethtool", "-k", ends.left());
        assertTrue(before.active("rx-gro"), "the lab turned GRO on");
        List<String> log = new ArrayList<>();
        BridgePorts ports = ports(OffloadPolicy.OFF, log);
        try (Engine engine = ends.build(ports, 1)) {
            lab.deletePair(ends.rightPair());
            EngineException e = assertThrows(EngineException.class, engine::start);
            assertTrue(e.getMessage().contains("cannot turn offloads off on " + ends.right()), e.getMessage());
        }
        assertRestored(ends.left(), before, ethtoolBefore, ports, log);
    }

    @Test
    void shouldRestoreTheFirstInterfaceWhenTheSecondIsGoneAtStartWithoutVnetHeaders(VethLab lab) {
        Ends ends = Ends.create(lab);
        OffloadSnapshot before = OffloadFeatures.read(ends.left());
        String ethtoolBefore = Shell.check("ethtool", "-k", ends.left());
        List<String> log = new ArrayList<>();
        BridgePorts ports = ports(OffloadPolicy.AUTO, log);
        String old = System.getProperty(PacketSocket.VNET_HEADERS_PROPERTY);
        System.setProperty(PacketSocket.VNET_HEADERS_PROPERTY, "false");
        try (Engine engine = ends.build(ports, 1)) {
            lab.deletePair(ends.rightPair());
            // The turn-off path: left's GRO goes off, right's cannot (gone); left's socket opens, right's does not.
            EngineException e = assertThrows(EngineException.class, engine::start);
            assertTrue(e.getMessage().contains("cannot open " + ends.right()), e.getMessage());
            assertTrue(log.get(0).contains(ends.left() + ": turned off rx-gro"), log.get(0));
            assertTrue(log.get(0).contains(ends.right() + ": could not turn offloads off"), log.get(0));
        } finally {
            if (old == null) {
                System.clearProperty(PacketSocket.VNET_HEADERS_PROPERTY);
            } else {
                System.setProperty(PacketSocket.VNET_HEADERS_PROPERTY, old);
            }
        }
        assertRestored(ends.left(), before, ethtoolBefore, ports, log);
    }

    @Test
    void shouldRestoreBothInterfacesWhenTheKernelRefusesASecondSocket(VethLab lab) {
        Ends ends = Ends.create(lab);
        OffloadSnapshot leftBefore = OffloadFeatures.read(ends.left());
        OffloadSnapshot rightBefore = OffloadFeatures.read(ends.right());
        String ethtoolBefore = Shell.check("ethtool", "-k", ends.left());
        List<String> log = new ArrayList<>();
        BridgePorts ports = ports(OffloadPolicy.OFF, log);
        // Someone else's member of the fanout group the bridge will use on the right interface, in another mode: the
        // kernel refuses the bridge's first socket there, after the left one opened.
        PacketSocketOptions foreign = PacketSocketOptions.capture(ends.right(), RingGeometry.blocks(1 << 16, 2, 5))
                .fanout(Fanout.of(ports.groupId(ends.right()), FanoutMode.LB))
                .build();
        try (PacketSocket squatter = PacketSocket.open(foreign);
                Engine engine = ends.build(ports, 2)) {
            EngineException e = assertThrows(EngineException.class, engine::start);
            assertTrue(e.getMessage().contains("setsockopt(PACKET_FANOUT) failed"), e.getMessage());
            assertTrue(log.get(0).contains(ends.right() + ": turned off rx-gro"), log.get(0));
        }
        assertRestored(ends.left(), leftBefore, ethtoolBefore, ports, log);
        assertEquals(rightBefore, OffloadFeatures.read(ends.right()));
    }

    private static void assertRestored(
            String name, OffloadSnapshot before, String ethtoolBefore, BridgePorts ports, List<String> log) {
        assertEquals(before, OffloadFeatures.read(name), "every feature as before: " + log);
        assertEquals(ethtoolBefore, Shell.check("ethtool", "-k", name), "ethtool -k reads the same");
        assertTrue(ports.offloadChanges().isEmpty(), "nothing left to restore");
        assertTrue(log.get(log.size() - 1).contains(name + ": turned rx-gro back on"), "restored: " + log);
    }
}
