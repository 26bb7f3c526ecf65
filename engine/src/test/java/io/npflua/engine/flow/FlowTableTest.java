package io.npflua.engine.flow;

import static io.npflua.engine.flow.FlowTable.ORIG;
import static io.npflua.engine.flow.FlowTable.REPLY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.flow.RawFrames.Tuple;
import io.npflua.engine.frames.FrameBuilder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlowTableTest {
    private static final long S = 1_000_000_000L;
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int FIN = 0x01;
    private static final int RST = 0x04;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(2048);

    @AfterEach
    void closeArena() {
        arena.close();
    }

    private static FlowTable table(FlowTableOptions options) {
        return new FlowTable(options, 0, 42);
    }

    private int track(FlowTable table, Tuple t, int tcpFlags, long nowNs) {
        int length = RawFrames.write(buffer, t, tcpFlags);
        return table.track(buffer, 0, length, length, nowNs);
    }

    private int lookup(FlowTable table, Tuple t, long nowNs) {
        int length = RawFrames.write(buffer, t, 0);
        return table.lookup(buffer, 0, length, nowNs);
    }

    private static Tuple tcp4(int srcPort, int dstPort) {
        return new Tuple(4, FlowKey.PROTO_TCP, 0, 0, 0xc6120001L, 0, 0xc6120002L, srcPort, dstPort);
    }

    private static Tuple udp6(int srcPort, int dstPort) {
        return new Tuple(6, FlowKey.PROTO_UDP, 0, 0x20010db800000000L, 1, 0x20010db800000000L, 2, srcPort, dstPort);
    }

    @Test
    void shouldMapBothDirectionsOfThousandsOfRandomTuplesToOneEntryEach() {
        FlowTable table = table(FlowTableOptions.defaults().withMaxFlows(20_000));
        SplittableRandom random = new SplittableRandom(1);
        Map<String, Integer> entries = new HashMap<>();
        List<Tuple> opened = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Tuple t = Tuple.random(random);
            if (entries.containsKey(t.canonical())) {
                continue;
            }
            int e = track(table, t, SYN, i);
            assertTrue(e >= 0);
            assertEquals(ORIG, table.lastDirection());
            entries.put(t.canonical(), e);
            opened.add(t);
        }
        assertEquals(entries.size(), table.active());
        assertEquals(entries.size(), new HashSet<>(entries.values()).size(), "one entry per conversation");
        for (Tuple t : opened) {
            int e = entries.get(t.canonical());
            assertEquals(e, track(table, t.reversed(), SYN | ACK, 20_000), t.toString());
            assertEquals(REPLY, table.lastDirection());
            assertEquals(e, track(table, t, ACK, 20_001));
            assertEquals(ORIG, table.lastDirection());
            assertEquals(t.srcPort(), table.port(e, ORIG));
            assertEquals(t.dstPort(), table.port(e, REPLY));
            assertEquals(t.srcLo(), table.addressLo(e, ORIG));
            assertEquals(t.srcHi(), table.addressHi(e, ORIG));
            assertEquals(t.dstLo(), table.addressLo(e, REPLY));
            assertEquals(t.dstHi(), table.addressHi(e, REPLY));
            assertEquals(t.version(), table.ipVersion(e));
            assertEquals(t.protocol(), table.protocol(e));
            assertEquals(t.vlan(), table.outerVlan(e));
            assertEquals(2, table.packets(e, ORIG));
            assertEquals(1, table.packets(e, REPLY));
            assertEquals(FlowState.ESTABLISHED, table.state(e));
        }
        assertEquals(entries.size(), table.active());
        assertEquals(entries.size(), table.created());
    }

    @Test
    void shouldKeepFlowsApartThatDifferOnlyInVlanProtocolOrIpVersion() {
        FlowTable table = table(FlowTableOptions.defaults());
        Tuple base = tcp4(1000, 80);
        int a = track(table, base, SYN, 0);
        int b = track(table, new Tuple(4, FlowKey.PROTO_TCP, 7, 0, base.srcLo(), 0, base.dstLo(), 1000, 80), SYN, 0);
        int c = track(table, new Tuple(4, FlowKey.PROTO_UDP, 0, 0, base.srcLo(), 0, base.dstLo(), 1000, 80), 0, 0);
        int d = track(table, new Tuple(6, FlowKey.PROTO_TCP, 0, 0, base.srcLo(), 0, base.dstLo(), 1000, 80), SYN, 0);
        assertEquals(4, new HashSet<>(List.of(a, b, c, d)).size());
        // Same address on both sides: the ports tell the directions apart.
        Tuple self = new Tuple(4, FlowKey.PROTO_UDP, 0, 0, 5, 0, 5, 7000, 6000);
        int e = track(table, self, 0, 0);
        assertEquals(e, track(table, self.reversed(), 0, 1));
        assertEquals(REPLY, table.lastDirection());
        assertEquals(7000, table.port(e, ORIG));
    }

    @Test
    void shouldCountPacketsBytesAndTimesPerDirection() {
        FlowTable table = table(FlowTableOptions.defaults());
        Tuple t = udp6(5000, 53);
        int e = track(table, t, 0, 100);
        int length = RawFrames.write(buffer, t.reversed(), 0, 30);
        assertEquals(e, table.track(buffer, 0, length, 1514, 250));
        assertEquals(30, table.lastKey().payloadLength());
        track(table, t, 0, 200); // an older capture time than the last one: last stays
        assertEquals(2, table.packets(e, ORIG));
        assertEquals(1, table.packets(e, REPLY));
        assertEquals(2 * (14 + 40 + 8), table.bytes(e, ORIG));
        assertEquals(1514, table.bytes(e, REPLY));
        assertEquals(100, table.firstNs(e));
        assertEquals(250, table.lastNs(e));
        assertEquals(1, table.id(e));
    }

    @Test
    void shouldFollowTheTcpHandshakeAndTeardown() {
        FlowTable table = table(FlowTableOptions.defaults());
        Tuple c = tcp4(40000, 22);
        int e = track(table, c, SYN, 0);
        assertEquals(FlowState.NEW, table.state(e));
        track(table, c.reversed(), SYN | ACK, 1);
        assertEquals(FlowState.NEW, table.state(e), "a SYN-ACK alone is still half-open");
        track(table, c, ACK, 2);
        assertEquals(FlowState.ESTABLISHED, table.state(e));
        track(table, c.reversed(), ACK, 3);
        assertEquals(FlowState.ESTABLISHED, table.state(e));
        track(table, c, FIN | ACK, 4);
        assertEquals(FlowState.CLOSING, table.state(e));
        track(table, c.reversed(), ACK, 5);
        assertEquals(FlowState.CLOSING, table.state(e));
        track(table, c.reversed(), FIN | ACK, 6);
        assertEquals(FlowState.CLOSED, table.state(e));
        track(table, c, ACK, 7);
        assertEquals(FlowState.CLOSED, table.state(e));
        assertEquals(e, lookup(table, c, 8));
    }

    @Test
    void shouldCloseOnRstAndEstablishAMidStreamPickup() {
        FlowTable table = table(FlowTableOptions.defaults());
        Tuple c = tcp4(40001, 80);
        int e = track(table, c, SYN, 0);
        track(table, c.reversed(), RST | ACK, 1);
        assertEquals(FlowState.CLOSED, table.state(e), "refused connection");

        Tuple m = tcp4(40002, 80);
        int f = track(table, m.reversed(), ACK, 10); // the server's data seen first: the server is orig
        assertEquals(80, table.port(f, ORIG));
        track(table, m, ACK, 11);
        assertEquals(FlowState.NEW, table.state(f));
        track(table, m.reversed(), ACK, 12);
        assertEquals(FlowState.ESTABLISHED, table.state(f));
        track(table, m, RST, 13);
        assertEquals(FlowState.CLOSED, table.state(f));

        int g = track(table, tcp4(40003, 80), FIN | ACK, 20);
        assertEquals(FlowState.CLOSING, table.state(g));
        int h = track(table, tcp4(40004, 80), RST, 20);
        assertEquals(FlowState.CLOSED, table.state(h));
    }

    @Test
    void shouldStartANewFlowWhenASynReusesAClosedFlowsPorts() {
        FlowTable table = table(FlowTableOptions.defaults());
        Tuple c = tcp4(40000, 22);
        int e = track(table, c, SYN, 0);
        long firstId = table.id(e);
        track(table, c, RST, 1);
        int again = track(table, c.reversed(), SYN, 2);
        assertNotEquals(firstId, table.id(again));
        assertEquals(FlowState.NEW, table.state(again));
        assertEquals(22, table.port(again, ORIG), "the new SYN's sender opened the new flow");
        assertEquals(1, table.expired());
        assertEquals(2, table.created());
        assertEquals(1, table.active());
        // A SYN-ACK on a closed flow is not a new connection.
        track(table, c, RST, 3);
        assertEquals(again, track(table, c, SYN | ACK, 4));
    }

    @Test
    void shouldEstablishUdpAndIcmpWhenTheReplyIsSeen() {
        FlowTable table = table(FlowTableOptions.defaults());
        Tuple u = udp6(5000, 53);
        int e = track(table, u, 0, 0);
        track(table, u, 0, 1);
        assertEquals(FlowState.NEW, table.state(e));
        track(table, u.reversed(), 0, 2);
        assertEquals(FlowState.ESTABLISHED, table.state(e));

        byte[] request = FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("198.18.0.1", "198.18.0.2")
                .echo(true, 77, 1)
                .build();
        byte[] reply = FrameBuilder.ethernet("02:00:00:00:00:02", "02:00:00:00:00:01")
                .ipv4("198.18.0.2", "198.18.0.1")
                .echo(false, 77, 1)
                .build();
        int p = table.track(MemorySegment.ofArray(request), 0, request.length, request.length, 3);
        assertEquals(FlowState.NEW, table.state(p));
        assertEquals(p, table.track(MemorySegment.ofArray(reply), 0, reply.length, reply.length, 4));
        assertEquals(REPLY, table.lastDirection());
        assertEquals(FlowState.ESTABLISHED, table.state(p));
        assertEquals(77, table.port(p, ORIG));
    }

    @Test
    void shouldGiveNonIpFramesAndLaterFragmentsNoFlow() {
        FlowTable table = table(FlowTableOptions.defaults());
        byte[] arp = new byte[60];
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertEquals(FlowTable.NO_FLOW, table.track(MemorySegment.ofArray(arp), 0, 60, 60, 0));
        assertEquals(FlowTable.NO_FLOW, table.track(MemorySegment.ofArray(arp), 0, 10, 60, 0));
        assertEquals(2, table.noFlow());
        assertEquals(0, table.created());
    }

    @Test
    void shouldExpireIdleFlowsByProtocolAndStateOnAFakeClock() {
        FlowTable table = table(FlowTableOptions.defaults().withSweepPerLookup(0));
        Tuple u = udp6(5000, 53);
        int e = track(table, u, 0, 0);
        assertEquals(60 * S, table.deadlineNs(e), "UDP new: 60 s");
        assertEquals(0, table.expire(60 * S - 1, table.maxFlows()));
        assertEquals(e, lookup(table, u, 60 * S - 1));
        track(table, u.reversed(), 0, 10 * S);
        assertEquals(190 * S, table.deadlineNs(e), "UDP established: 180 s");

        Tuple c = tcp4(40000, 443);
        int t = track(table, c, SYN, 0);
        assertEquals(30 * S, table.deadlineNs(t), "TCP new: 30 s");
        track(table, c.reversed(), SYN | ACK, S);
        track(table, c, ACK, 2 * S);
        assertEquals(3602 * S, table.deadlineNs(t), "TCP established: 3600 s");
        track(table, c, FIN, 3 * S);
        assertEquals(33 * S, table.deadlineNs(t), "TCP closing: 30 s");
        track(table, c.reversed(), FIN, 4 * S);
        assertEquals(14 * S, table.deadlineNs(t), "TCP closed: 10 s");

        int other = table.track(MemorySegment.ofArray(icmpUnreachable()), 0, icmpUnreachable().length, 70, 0);
        assertEquals(30 * S, table.deadlineNs(other), "ICMP: 30 s");

        assertEquals(3, table.active());
        assertEquals(1, table.expire(14 * S, table.maxFlows()), "the closed TCP flow");
        assertEquals(1, table.expire(30 * S, table.maxFlows()), "the ICMP flow");
        assertEquals(FlowTable.NO_FLOW, lookup(table, u, 190 * S), "past its deadline before the sweep");
        assertEquals(1, table.expire(190 * S, table.maxFlows()));
        assertEquals(0, table.active());
        assertEquals(3, table.expired());
    }

    @Test
    void shouldStartANewFlowWhenAnExpiredOneIsSeenAgainAndHonourConfiguredTimeouts() {
        FlowTimeouts timeouts = FlowTimeouts.defaults().withUdp(Duration.ofSeconds(5), Duration.ofSeconds(7));
        List<Integer> ended = new ArrayList<>();
        FlowTable table =
                table(FlowTableOptions.defaults().withTimeouts(timeouts).withSweepPerLookup(0));
        table.endListener((entry, reason) -> ended.add(reason));
        Tuple u = udp6(1, 2);
        int e = track(table, u, 0, 0);
        long id = table.id(e);
        assertEquals(5 * S, table.deadlineNs(e));
        int again = track(table, u, 0, 5 * S);
        assertNotEquals(id, table.id(again));
        assertEquals(List.of(FlowTable.END_EXPIRED), ended);
        track(table, u.reversed(), 0, 6 * S);
        assertEquals(13 * S, table.deadlineNs(again));
        assertEquals(2, table.created());
        assertEquals(1, table.expired());
    }

    @Test
    void shouldSweepAFewEntriesPerLookup() {
        FlowTable table = table(FlowTableOptions.defaults().withMaxFlows(64).withSweepPerLookup(2));
        for (int i = 0; i < 40; i++) {
            track(table, udp6(i, 9), 0, 0);
        }
        // 32 lookups of one live flow at t = 61 s move the hand over all 64 entries.
        Tuple live = udp6(1000, 9);
        for (int i = 0; i < 32; i++) {
            track(table, live, 0, 61 * S);
        }
        assertEquals(1, table.active());
        assertEquals(40, table.expired());
    }

    @Test
    void shouldHoldTheBoundAndKeepEstablishedFlowsThroughASynFlood() {
        int max = 10_000;
        FlowTable table = table(FlowTableOptions.defaults().withMaxFlows(max));
        long now = 0;
        List<Tuple> established = new ArrayList<>();
        Map<Tuple, Long> ids = new HashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1_000; i++) {
            Tuple c = new Tuple(4, FlowKey.PROTO_TCP, 0, 0, 0xc6120000L | i, 0, 0xc6130001L, 30000 + i, 443);
            int e = track(table, c, SYN, now);
            track(table, c.reversed(), SYN | ACK, now);
            track(table, c, ACK, now);
            assertEquals(FlowState.ESTABLISHED, table.state(e));
            established.add(c);
            ids.put(c, table.id(e));
        }
        for (int i = 0; i < 100_000; i++) {
            now += 1_000; // 1 µs per SYN: 0.1 s in all, no timeout is reached
            Tuple syn = new Tuple(
                    4,
                    FlowKey.PROTO_TCP,
                    0,
                    0,
                    0xc6120000L | random.nextInt(1 << 16),
                    0,
                    0xc6130001L,
                    random.nextInt(65536),
                    443);
            int e = track(table, syn, SYN, now);
            assertTrue(e >= 0, "a new flow takes a half-open one's place");
            assertTrue(table.active() <= max);
            if (i % 1000 == 0) {
                // Some flood flows get their SYN-ACK: still half-open, still first to go.
                track(table, syn.reversed(), SYN | ACK, now);
            }
        }
        assertEquals(max, table.active());
        for (Tuple c : established) {
            int e = lookup(table, c, now);
            assertTrue(e >= 0, "established flow " + c + " survived");
            assertEquals(ids.get(c), table.id(e));
            assertEquals(FlowState.ESTABLISHED, table.state(e));
        }
        assertTrue(table.evicted() >= 100_000 + 1_000 - max - 1_000, "evicted " + table.evicted());
        assertEquals(0, table.untracked());
        assertEquals(table.created(), table.active() + table.expired() + table.evicted());
        assertTrue(table.memoryBytes() <= (long) max * FlowTable.MAX_BYTES_PER_FLOW, "memory within the bound");
    }

    @Test
    void shouldPreferClosingThenNewThenIdleEstablishedFlowsAsVictims() {
        FlowTable table = table(FlowTableOptions.defaults().withMaxFlows(4).withSweepPerLookup(0));
        Tuple est1 = tcp4(1, 80);
        Tuple est2 = tcp4(2, 80);
        Tuple half = tcp4(3, 80);
        Tuple closing = tcp4(4, 80);
        for (Tuple c : List.of(est1, est2)) {
            track(table, c, SYN, 0);
            track(table, c.reversed(), SYN | ACK, 0);
            track(table, c, ACK, 0);
        }
        track(table, half, SYN, 1);
        track(table, closing, SYN, 1);
        track(table, closing, FIN, 2);
        int e = track(table, tcp4(5, 80), SYN, 3);
        assertTrue(e >= 0);
        assertEquals(FlowTable.NO_FLOW, lookup(table, closing, 3), "closing flow went first");
        track(table, tcp4(6, 80), SYN, 4);
        assertEquals(FlowTable.NO_FLOW, lookup(table, half, 4), "then the oldest half-open one");
        assertTrue(lookup(table, est1, 4) >= 0);
        assertTrue(lookup(table, est2, 4) >= 0);
        assertEquals(2, table.evicted());

        // Second chance: a NEW flow that saw another packet since it was created is passed over once.
        FlowTable full = table(FlowTableOptions.defaults().withMaxFlows(2).withSweepPerLookup(0));
        Tuple older = tcp4(10, 80);
        Tuple younger = tcp4(11, 80);
        track(full, older, SYN, 0);
        track(full, younger, SYN, 1);
        track(full, older, SYN, 2); // a retransmitted SYN
        assertTrue(track(full, tcp4(12, 80), SYN, 3) >= 0);
        assertTrue(lookup(full, older, 3) >= 0, "touched since created: second chance");
        assertEquals(FlowTable.NO_FLOW, lookup(full, younger, 3));
        assertEquals(1, full.evicted());
    }

    @Test
    void shouldCountUntrackedFramesWhenOnlyEstablishedFlowsMayNotBeEvicted() {
        FlowTable table = table(FlowTableOptions.defaults().withMaxFlows(3).withEvictEstablished(false));
        for (int i = 0; i < 3; i++) {
            Tuple c = tcp4(100 + i, 80);
            track(table, c, SYN, 0);
            track(table, c.reversed(), SYN | ACK, 0);
            track(table, c, ACK, 0);
        }
        assertEquals(FlowTable.UNTRACKED, track(table, tcp4(999, 80), SYN, 1));
        assertEquals(FlowTable.UNTRACKED, track(table, udp6(1, 2), 0, 1));
        assertEquals(2, table.untracked());
        assertEquals(3, table.active());
        assertEquals(0, table.evicted());
        // Once an established flow times out, the next new flow gets its place.
        assertTrue(track(table, tcp4(999, 80), SYN, 3601 * S) >= 0);
        assertTrue(table.expired() >= 1);
    }

    @Test
    void shouldMatchAHashMapModelUnderHeavyChurn() {
        int max = 512; // a power of two: the index has exactly 1024 slots, so runs get long and wrap around
        long timeout = 10 * S;
        FlowTable table = table(FlowTableOptions.defaults()
                .withMaxFlows(max)
                .withSweepPerLookup(0)
                .withTimeouts(FlowTimeouts.all(Duration.ofNanos(timeout))));
        Set<Integer> endedEntries = new HashSet<>();
        table.endListener((entry, reason) -> assertTrue(endedEntries.add(entry), "entry ended twice"));
        SplittableRandom random = new SplittableRandom(3);
        List<Tuple> pool = new ArrayList<>();
        for (int i = 0; i < 900; i++) {
            pool.add(Tuple.random(random));
        }
        record Model(long id, long last) {}
        Map<String, Model> model = new HashMap<>();
        long now = 0;
        long nextId = 1;
        for (int op = 0; op < 400_000; op++) {
            now += random.nextInt(20_000) * 1000L;
            int kind = random.nextInt(100);
            if (kind < 70) {
                Tuple t = pool.get(random.nextInt(pool.size()));
                if (random.nextBoolean()) {
                    t = t.reversed();
                }
                String k = t.canonical();
                Model m = model.get(k);
                if (m != null && m.last() + timeout <= now) {
                    model.remove(k);
                    m = null;
                }
                if (m == null && table.active() == max) {
                    continue; // the model does not evict; keep the table from having to
                }
                int e = track(table, t, 0, now);
                endedEntries.remove(e);
                assertTrue(e >= 0);
                if (m == null) {
                    assertEquals(nextId++, table.id(e), "new flow " + k);
                } else {
                    assertEquals(m.id(), table.id(e), "existing flow " + k);
                }
                model.put(k, new Model(table.id(e), Math.max(now, m == null ? now : m.last())));
            } else if (kind < 90 && !model.isEmpty()) {
                Tuple t = pool.get(random.nextInt(pool.size()));
                Model m = model.get(t.canonical());
                int e = lookup(table, t, now);
                if (m == null || m.last() + timeout <= now) {
                    assertEquals(FlowTable.NO_FLOW, e);
                } else {
                    assertEquals(m.id(), table.id(e));
                    table.remove(e);
                    model.remove(t.canonical());
                }
            } else {
                table.expire(now, random.nextInt(1, 2 * max));
            }
            if (op % 5000 == 0) {
                table.expire(now, max);
                long finalNow = now;
                model.values().removeIf(m -> m.last() + timeout <= finalNow);
                assertEquals(model.size(), table.active());
                for (Tuple t : pool) {
                    Model m = model.get(t.canonical());
                    int e = lookup(table, t, now);
                    assertEquals(m == null ? FlowTable.NO_FLOW : m.id(), m == null ? e : table.id(e), t.toString());
                }
            }
        }
        assertEquals(table.created(), table.active() + table.expired() + table.evicted() + table.removed());
        assertEquals(0, table.evicted());
        assertTrue(table.removed() > 1_000, "removed " + table.removed());
        assertTrue(table.expired() > 1_000, "expired " + table.expired());
    }

    @Test
    void shouldKeepExtensionSlotsPerFlowAndClearThemOnReuse() {
        FlowTable table = table(FlowTableOptions.defaults().withMaxFlows(2));
        int e = track(table, tcp4(1, 2), SYN, 0);
        assertEquals(0, table.payloadBytes(e, FlowTable.ORIG));
        table.passedMask(e, 0b101);
        table.blockedMask(e, 0b10);
        table.clearDecisions(0);
        assertEquals(0b100, table.passedMask(e));
        assertEquals(0b10, table.blockedMask(e));
        table.remove(e);
        assertThrows(IllegalArgumentException.class, () -> table.remove(e));
        int f = track(table, tcp4(3, 4), SYN, 0);
        assertEquals(e, f, "the freed entry is reused");
        assertEquals(0, table.passedMask(f));
        assertEquals(0, table.blockedMask(f));
        assertEquals(0, table.payloadBytes(f, FlowTable.REPLY));
        assertEquals(2, table.id(f));
        assertEquals(f, table.nextFlow(0));
        assertEquals(-1, table.nextFlow(f + 1));
    }

    @Test
    void shouldGiveEachTableItsOwnIdRangeAndFormatAddresses() {
        FlowTable table = new FlowTable(FlowTableOptions.defaults().withMaxFlows(8), 3L << 48, 1);
        int e = track(table, udp6(1, 2), 0, 0);
        assertEquals((3L << 48) + 1, table.id(e));
        assertEquals("2001:db8::1", FlowFormat.address(6, table.addressHi(e, ORIG), table.addressLo(e, ORIG)));
        assertEquals("198.18.0.2", FlowFormat.address(4, 0, 0xc6120002L));
        assertEquals("::", FlowFormat.address(6, 0, 0));
        assertEquals("1:0:2::", FlowFormat.address(6, 0x0001000000020000L, 0));
        // RFC 5952: one zero group stays, the first of two equal zero runs is the one compressed, lower case hex.
        assertEquals("2001:db8:0:1:1:1:1:1", FlowFormat.address(6, 0x20010db800000001L, 0x0001000100010001L));
        assertEquals("2001::1:0:0:1:1", FlowFormat.address(6, 0x2001000000000001L, 0x0000000000010001L));
        assertEquals("2001:0:0:1::1", FlowFormat.address(6, 0x2001000000000001L, 0x0000000000000001L));
        assertEquals("fe80::abcd", FlowFormat.address(6, 0xfe80000000000000L, 0xabcdL));
        assertEquals("established", FlowState.name(FlowState.ESTABLISHED));
    }

    private static byte[] icmpUnreachable() {
        return FrameBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("198.18.0.9", "198.18.0.1")
                .icmp(3, 1, 0)
                .build();
    }
}
