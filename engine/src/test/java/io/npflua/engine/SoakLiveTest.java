package io.npflua.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.rule.ScriptSpec;
import io.npflua.engine.source.ring.LiveCaptureOptions;
import io.npflua.ffm.lab.LiveTest;
import io.npflua.ffm.lab.VethLab;
import io.npflua.ffm.ring.TxRing;
import io.npflua.ffm.socket.FanoutMode;
import io.npflua.ffm.socket.PacketSocket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The bounded soak of issue 7: frames at the sender's top rate (the ffm TX ring, no pacing) onto a veth whose peer
 * the engine taps with 2 workers running the seed SSH script ({@code examples/ssh-version.lua}); the script is
 * reloaded every 100 ms and the captured interface goes down and up every 10 s.
 *
 * <p>At the end: the counters conserve exactly ({@code seen = passed + blocked}, {@code kernel packets = seen +
 * drops}), the heap after a full GC is within 10 % of its size at the start of the soak (plus 4 MiB of absolute
 * slack, because a test JVM's live heap is only tens of MiB, where a JIT or class-loading artefact alone is a few
 * percent), no file descriptor or memory mapping was leaked (while running, and after close compared with before the
 * engine opened), and no worker was lost (no restart, every worker running). One line of figures goes to stdout.
 *
 * <p>CI runs 90 s; {@code -Dnpflua.soak.seconds=600} runs longer by hand:
 * {@code mvn -B -q -pl engine -am verify -Dtest=SoakLiveTest -Dnpflua.soak.seconds=600 -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@LiveTest
@Tag("soak")
class SoakLiveTest {
    private static final long RELOAD_EVERY_MS = 100;
    private static final long FLAP_EVERY_MS = 10_000;
    private static final long HEAP_SLACK_BYTES = 4L << 20;

    @Test
    void shouldConserveCountersAndLeakNothingUnderTopRateTrafficReloadsAndFlaps() throws Exception {
        long seconds = Long.getLong("npflua.soak.seconds", 90);
        String ssh = Files.readString(findExample("ssh-version.lua"));
        // A second version that differs only in text, so every reload compiles and swaps a new state.
        String[] versions = {ssh, ssh + "\n-- reloaded\n"};
        List<byte[]> frames = sshFrames(512);

        List<String> fdsBeforeEngine;
        long mapsBeforeEngine;
        try (VethLab lab = VethLab.create()) {
            VethLab.VethPair pair = lab.addPair();
            // After the lab exists: its SecureRandom keeps /dev/urandom open for the JVM's lifetime.
            heapAfterGc();
            fdsBeforeEngine = fdTargets();
            mapsBeforeEngine = countSocketMaps();
            try (Engine engine = Engine.builder()
                    .tap(pair.a())
                    .workers(2)
                    .fanout(FanoutMode.HASH)
                    .sources(EngineSources.live(LiveCaptureOptions.defaults()))
                    .ruleFactory(EngineSources.lua())
                    .script(ScriptSpec.of("ssh", ssh))
                    .build()) {
                engine.start();
                AtomicBoolean sending = new AtomicBoolean(true);
                AtomicBoolean paused = new AtomicBoolean(false);
                AtomicLong pushed = new AtomicLong();
                AtomicLong txErrors = new AtomicLong();
                Thread sender =
                        new Thread(() -> topRate(pair.b(), frames, sending, paused, pushed, txErrors), "soak-traffic");
                sender.start();
                try {
                    // Warm up (JIT, class loading, Lua compile paths), then take the starting figures while quiet.
                    runPhase(engine, versions, lab, pair, 5_000, 0);
                    paused.set(true);
                    Thread.sleep(300);
                    long heapBefore = heapAfterGc();
                    long fdsBefore = countFds();
                    long mapsBefore = countSocketMaps();
                    long generationBefore = engine.stats().script("ssh").generation();
                    paused.set(false);

                    long[] reloadsAndFlaps =
                            runPhase(engine, versions, lab, pair, TimeUnit.SECONDS.toMillis(seconds), FLAP_EVERY_MS);
                    // Quiet again with the sender's socket still open, so both figures count the same things.
                    paused.set(true);
                    LiveFrames.awaitCount(() -> engine.stats().kernelPackets(), Long.MAX_VALUE);
                    EngineSnapshot running = engine.stats();
                    long heapAfter = heapAfterGc();
                    long fdsAfter = countFds();
                    long mapsAfter = countSocketMaps();
                    sending.set(false);
                    sender.join(30_000);
                    assertTrue(!sender.isAlive(), "the sender stopped");
                    EngineSnapshot end = engine.closeAndReport();
                    long reloads = end.script("ssh").generation() - generationBefore;

                    System.out.printf(
                            "soak: %d s, frames pushed %d (tx errors %d), kernel packets %d, seen %d, passed %d,"
                                    + " blocked %d, kernel drops %d, freezes %d, reloads %d, flaps %d, restarts %d,"
                                    + " heap before/after %.1f/%.1f MiB, fds before/after %d/%d, packet maps before/after"
                                    + " %d/%d%n",
                            seconds,
                            pushed.get(),
                            txErrors.get(),
                            end.kernelPackets(),
                            end.frames(),
                            end.passed(),
                            end.blocked(),
                            end.kernelDrops(),
                            end.freezes(),
                            reloads,
                            reloadsAndFlaps[1],
                            end.restarts(),
                            heapBefore / 1048576.0,
                            heapAfter / 1048576.0,
                            fdsBefore,
                            fdsAfter,
                            mapsBefore,
                            mapsAfter);

                    assertEquals(end.frames(), end.passed() + end.blocked(), "seen = passed + blocked");
                    assertEquals(
                            end.kernelPackets(), end.frames() + end.kernelDrops(), "kernel packets = seen + drops");
                    assertEquals(end.frames(), end.script("ssh").calls(), "every seen frame went through the script");
                    assertEquals(
                            0, end.script("ssh").errors(), end.script("ssh").lastError());
                    assertTrue(end.blocked() > 0 && end.passed() > 0, "the SSH script judged both kinds: " + end);
                    assertEquals(reloadsAndFlaps[0], reloads, "every reload took effect");
                    assertTrue(reloads >= seconds * 1000 / RELOAD_EVERY_MS / 4, "reloads kept coming: " + reloads);
                    assertEquals(0, end.restarts(), "no worker lost");
                    assertTrue(
                            running.workers().size() == 2
                                    && running.workers().stream()
                                            .allMatch(w -> w.state().equals("running")),
                            "both workers alive at the end: " + running.workers());
                    assertTrue(
                            heapAfter <= heapBefore + Math.max(heapBefore / 10, HEAP_SLACK_BYTES),
                            "heap after GC within 10 % (+4 MiB slack): " + heapBefore + " -> " + heapAfter);
                    assertTrue(mapsBefore >= 2, "the two workers' rings are visible as socket mappings: " + mapsBefore);
                    assertEquals(fdsBefore, fdsAfter, "no file descriptor leaked while running");
                    assertEquals(mapsBefore, mapsAfter, "no packet ring mapping leaked while running");
                } finally {
                    sending.set(false);
                    sender.join(30_000);
                }
            }
        }
        heapAfterGc();
        assertEquals(fdsBeforeEngine, fdTargets(), "every descriptor the engine opened was closed");
        assertEquals(mapsBeforeEngine, countSocketMaps(), "every ring mapping was unmapped");
    }

    /**
     * Reloads every 100 ms and flaps the captured interface every {@code flapEveryMs} (0 = never) for
     * {@code durationMs}.
     *
     * @return reloads done, flaps done.
     */
    private static long[] runPhase(
            Engine engine, String[] versions, VethLab lab, VethLab.VethPair pair, long durationMs, long flapEveryMs)
            throws Exception {
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(durationMs);
        long nextFlap = flapEveryMs > 0 ? start + TimeUnit.MILLISECONDS.toNanos(flapEveryMs) : Long.MAX_VALUE;
        long reloads = 0;
        long flaps = 0;
        long nextReload = start;
        while (System.nanoTime() < end) {
            long now = System.nanoTime();
            if (now >= nextFlap) {
                lab.setUp(pair.a(), false);
                Thread.sleep(200);
                lab.setUp(pair.a(), true);
                flaps++;
                nextFlap += TimeUnit.MILLISECONDS.toNanos(flapEveryMs);
            }
            if (now >= nextReload) {
                engine.reload("ssh", versions[(int) (reloads % 2)]);
                reloads++;
                nextReload += TimeUnit.MILLISECONDS.toNanos(RELOAD_EVERY_MS);
            }
            long sleepNs = Math.min(Math.min(nextReload, nextFlap), end) - System.nanoTime();
            if (sleepNs > 0) {
                TimeUnit.NANOSECONDS.sleep(sleepNs);
            }
        }
        return new long[] {reloads, flaps};
    }

    /**
     * Offers frames to the TX ring as fast as it takes them (kicking when full) until told to stop. While the
     * captured end is down the peer has no carrier and sends may fail; those are counted and the loop goes on.
     */
    private static void topRate(
            String link,
            List<byte[]> frames,
            AtomicBoolean sending,
            AtomicBoolean paused,
            AtomicLong pushed,
            AtomicLong txErrors) {
        try (PacketSocket tx = LiveFrames.txSocket(link)) {
            TxRing ring = tx.txRing();
            List<MemorySegment> segments =
                    frames.stream().map(MemorySegment::ofArray).toList();
            int i = 0;
            while (sending.get()) {
                if (paused.get()) {
                    ring.flush();
                    Thread.sleep(5);
                    continue;
                }
                try {
                    MemorySegment f = segments.get(i);
                    if (ring.offer(f, 0, (int) f.byteSize())) {
                        pushed.incrementAndGet();
                        i = (i + 1) % segments.size();
                    } else {
                        ring.flush();
                        Thread.onSpinWait();
                    }
                } catch (RuntimeException e) {
                    txErrors.incrementAndGet();
                    Thread.sleep(10);
                }
            }
            try {
                ring.flush();
            } catch (RuntimeException e) {
                txErrors.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** TCP segments carrying SSH banners from many ports: one in four announces OpenSSH_6.4 (blocked by the script). */
    private static List<byte[]> sshFrames(int count) {
        List<byte[]> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String banner = i % 4 == 0 ? "SSH-2.0-OpenSSH_6.4\r\n" : "SSH-2.0-OpenSSH_9.6p1 Debian-" + i + "\r\n";
            frames.add(FrameBuilder.ethernet("02:00:00:00:0b:01", "02:00:00:00:0b:02")
                    .ipv4("198.18.7.1", "198.18.7.2")
                    .tcp(22, 40_000 + i, 1000 + i, 1, FrameBuilder.TCP_ACK | FrameBuilder.TCP_PSH)
                    .payload(banner)
                    .build());
        }
        return frames;
    }

    private static long heapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static long countFds() throws IOException {
        return fdTargets().size();
    }

    /**
     * What each open descriptor points at (so a failure names the leak), without the class path's jars, which the
     * class loader opens lazily and keeps open, and without pipes: the engine opens none; they are the stdio of the
     * lab's {@code ip} commands (and of earlier tests' helpers), which the JDK closes only when the {@link Process}
     * is collected.
     */
    private static List<String> fdTargets() throws IOException {
        List<String> targets = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (!target.endsWith(".jar") && !target.startsWith("pipe:")) {
                        targets.add(target);
                    }
                } catch (IOException e) {
                    // The directory stream's own descriptor is gone by now.
                }
            }
        }
        targets.sort(null);
        return targets;
    }

    /** Mappings backed by a socket: the AF_PACKET rings (the kernel names them {@code socket:[inode]}). */
    private static long countSocketMaps() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(l -> l.contains("socket:["))
                .count();
    }

    private static Path findExample(String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("examples").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "examples/" + name + " not found above " + Path.of("").toAbsolutePath());
    }
}
