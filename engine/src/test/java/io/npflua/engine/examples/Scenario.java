package io.npflua.engine.examples;

import io.npflua.engine.pcap.PcapWriter;
import io.npflua.lua.sandbox.CallOutcome;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A capture written frame by frame with what the example should do to each frame, so that a failure reads as
 * a list: {@code 3 BLOCK  SYN to 22 before knocking}.
 */
final class Scenario {
    /** Capture time of the first frame: 2026-01-15 10:00:00 UTC. */
    static final long START_NS = 1_768_471_200_000_000_000L;

    private record Step(long timestampNs, byte[] frame, CallOutcome expected, String what) {}

    private final List<Step> steps = new ArrayList<>();

    /** Adds {@code frame} at {@code seconds} after {@link #START_NS}, expected to come out as {@code expected}. */
    Scenario at(double seconds, byte[] frame, CallOutcome expected, String what) {
        steps.add(new Step(START_NS + Math.round(seconds * 1e9), frame, expected, what));
        return this;
    }

    /** Writes the frames as a classic pcap file. */
    Path write(Path file) throws IOException {
        try (PcapWriter out = PcapWriter.create(file)) {
            for (Step s : steps) {
                out.write(s.timestampNs(), s.frame());
            }
        }
        return file;
    }

    /** One line per frame: number, expected outcome, description. */
    String expected() {
        List<CallOutcome> outcomes = steps.stream().map(Step::expected).toList();
        return lines(outcomes);
    }

    /** The same lines with the outcomes a run produced, to compare with {@link #expected()}. */
    String lines(List<CallOutcome> outcomes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.max(outcomes.size(), steps.size()); i++) {
            b.append(i + 1)
                    .append(' ')
                    .append(i < outcomes.size() ? outcomes.get(i) : "(no call)")
                    .append("  ")
                    .append(i < steps.size() ? steps.get(i).what() : "(no frame)")
                    .append('\n');
        }
        return b.toString();
    }
}
