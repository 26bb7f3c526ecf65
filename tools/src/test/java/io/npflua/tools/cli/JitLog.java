package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HotSpot's compilation and deoptimization log of a child {@code npflua} JVM ({@link #OPTIONS}), read for what a JIT
 * warm-up is for: compiled code of the per-frame path that the real worker threw away (an uncommon trap on a branch
 * the warm-up never took, or code "marked for deoptimization" by a class loaded after it). The deoptimization log
 * names the method that trapped even when it was inlined into another.
 */
final class JitLog {
    /**
     * The JVM options that write the log to {@code file}: each line with its wall-clock time and its uptime in
     * milliseconds ({@code [2026-12-08T03:50:01.123+0000][2345ms] ...}).
     */
    static List<String> options(Path file) {
        return List.of(
                "-Xlog:jit+compilation=debug,deoptimization=debug,os+thread=info:file=" + file + ":time,uptimemillis");
    }

    /** An on-stack-replacement compilation: the deoptimization log's "osr level=", the compilation log's "%". */
    private static final Pattern OSR = Pattern.compile(" osr level=|\\[\\d+ms\\] +\\d+ +%");

    private static final Pattern UPTIME = Pattern.compile("\\[ *(\\d+)ms *\\] ");
    private static final Pattern WALL = Pattern.compile("^\\[(\\d{4}-\\d\\d-\\d\\dT[^\\]]+)\\]");
    private static final DateTimeFormatter WALL_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    private static final Pattern WORKER_EXIT =
            Pattern.compile("JavaThread exiting \\(name: \"npflua-worker-0\", tid: (\\d+)\\)");

    private final List<String> lines;

    private JitLog(List<String> lines) {
        this.lines = lines;
    }

    /** Reads the log and checks that it holds what the tests read: compilations, code made not entrant, traps. */
    static JitLog read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        assertTrue(lines.stream().anyMatch(l -> l.contains("io.npflua.engine.worker.Worker::doWork")), "compilations");
        assertTrue(lines.stream().anyMatch(l -> l.contains("made not entrant")), "code made not entrant");
        assertTrue(lines.stream().anyMatch(l -> l.contains("trap_bci=")), "traps");
        return new JitLog(lines);
    }

    /** When the JIT warm-up ended (its last round's thread exited), in ms of uptime. */
    long warmupEnd() {
        long start = -1;
        for (String line : lines) {
            if (line.contains("JavaThread exiting (name: \"npflua-warmup\"")) {
                start = millis(line);
            }
        }
        assertTrue(start >= 0, "the warm-up's end is in the log");
        return start;
    }

    /** When worker 0's thread exited, in ms of uptime. */
    long workerExit() {
        long end = -1;
        for (String line : lines) {
            Matcher m = WORKER_EXIT.matcher(line);
            if (m.find()) {
                end = millis(line);
            }
        }
        assertTrue(end >= 0, "the worker's thread is in the log");
        return end;
    }

    /** The uptime of the last line written at or before {@code wall}, or -1. */
    long uptimeAt(Instant wall) {
        long at = -1;
        for (String line : lines) {
            Matcher m = WALL.matcher(line);
            if (m.find()
                    && !OffsetDateTime.parse(m.group(1), WALL_FORMAT)
                            .toInstant()
                            .isAfter(wall)) {
                at = Math.max(at, millis(line));
            }
        }
        return at;
    }

    /**
     * The lines from {@code from} to {@code to} (ms of uptime) where a method of ours that {@code perFrame} names
     * trapped or was made not entrant by a trap or a deoptimization mark; on-stack-replacement compilations (a loop
     * compiled for one long invocation) are left out.
     */
    List<String> thrownAway(long from, long to, Pattern perFrame) {
        List<String> left = new ArrayList<>();
        for (String line : lines) {
            long t = millis(line);
            if (t < from
                    || t > to
                    || !line.contains("io.npflua.")
                    || !perFrame.matcher(line).find()
                    || OSR.matcher(line).find()) {
                continue;
            }
            if (line.contains("trap_bci=")
                    || line.contains("made not entrant: uncommon trap")
                    || line.contains("marked for deoptimization")) {
                left.add(line);
            }
        }
        return left;
    }

    private static long millis(String line) {
        Matcher m = UPTIME.matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
