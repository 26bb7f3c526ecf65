package io.npflua.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerSnapshot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The live line: rate from the difference of two snapshots, compact numbers, rewritten with carriage returns. */
class StatusLineTest {
    private static EngineSnapshot at(long frames, long blocked, long drops) {
        return new EngineSnapshot(
                0,
                false,
                List.of(WorkerSnapshot.of(
                        0,
                        "running",
                        Map.of(
                                WorkerCounter.SEEN,
                                frames,
                                WorkerCounter.PASSED,
                                frames - blocked,
                                WorkerCounter.BLOCKED,
                                blocked,
                                WorkerCounter.KERNEL_PACKETS,
                                frames + drops,
                                WorkerCounter.KERNEL_DROPS,
                                drops))),
                List.of(),
                0,
                0);
    }

    @Test
    void shouldShowFramesPerSecondSinceThePreviousLine() {
        StringWriter text = new StringWriter();
        StatusLine line = new StatusLine(new PrintWriter(text));
        line.update(at(1000, 10, 0), 1_000_000_000L);
        line.update(at(2_501_000, 42, 7), 2_000_000_000L);
        line.end();
        assertEquals(
                "\r0 frames/s  passed 990  blocked 10  errors 0  kernel drops 0\u001b[K"
                        + "\r2500000 frames/s  passed 2.50M  blocked 42  errors 0  kernel drops 7\u001b[K"
                        + System.lineSeparator(),
                text.toString());
    }

    @Test
    void shouldPrintNothingAtEndWhenNoLineWasShown() {
        StringWriter text = new StringWriter();
        new StatusLine(new PrintWriter(text)).end();
        assertEquals("", text.toString());
    }

    @Test
    void shouldCompactLargeNumbers() {
        assertEquals("9999", StatusLine.compact(9999));
        assertEquals("12.3k", StatusLine.compact(12_345));
        assertEquals("4.57M", StatusLine.compact(4_567_890));
        assertEquals("7.89G", StatusLine.compact(7_890_000_000L));
    }
}
