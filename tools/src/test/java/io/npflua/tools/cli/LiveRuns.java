package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.ffm.lab.VethLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What the live tests of {@code npflua run} share: waiting for a line it prints, and traffic sent with tcpreplay. */
final class LiveRuns {
    private LiveRuns() {}

    /** Waits until {@code file} contains {@code text} (the process's ready line, say); fails if it ends first. */
    static void awaitText(Path file, String text, Process process) throws Exception {
        awaitText(file, text, 1, process);
    }

    /** Waits (at most 60 s) until {@code text} occurs {@code times} times in {@code file}; fails if it ends first. */
    static void awaitText(Path file, String text, int times, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count(Files.readString(file), text) < times) {
            assertTrue(process.isAlive(), "npflua run ended early: " + Files.readString(file));
            assertTrue(System.nanoTime() < deadline, "no '" + text + "' within 60 s: " + Files.readString(file));
            Thread.sleep(20);
        }
    }

    private static int count(String s, String text) {
        int n = 0;
        for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * Starts tcpreplay in the lab's namespace: {@code pcap} sent {@code loops} times at top speed out of {@code iface},
     * its output to {@code log}. Bounded by the file and the loop count.
     */
    static Process replayTopSpeed(VethLab lab, String iface, Path pcap, int loops, Path log) throws IOException {
        return new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        lab.namespace(),
                        "tcpreplay",
                        "-q",
                        "--topspeed",
                        "--loop=" + loops,
                        "-i",
                        iface,
                        pcap.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }
}
