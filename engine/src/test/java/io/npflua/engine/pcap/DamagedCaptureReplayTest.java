package io.npflua.engine.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.engine.Engine;
import io.npflua.engine.EngineSources;
import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.counter.EngineSnapshot;
import io.npflua.engine.counter.WorkerCounter;
import io.npflua.engine.counter.WorkerSnapshot;
import io.npflua.engine.rule.Verdict;
import io.npflua.engine.source.SourceFailedException;
import io.npflua.lua.sandbox.CallOutcome;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Damaged captures through the offline engine (real files written here, the real pcap source): the good records
 * before the damage go through the chain and are counted; the damage is one source error per worker, reported once
 * with the file and byte offset, never a worker death or a restart; the workers then end by themselves.
 */
class DamagedCaptureReplayTest {
    @TempDir
    Path dir;

    /** What the workers reported. */
    private static final class Reports implements ErrorHandler {
        final List<String> sourceErrors = new CopyOnWriteArrayList<>();
        final List<String> workerErrors = new CopyOnWriteArrayList<>();

        @Override
        public void onRuleError(int worker, String rule, CallOutcome kind, String message, long suppressed) {}

        @Override
        public void onWorkerError(int worker, String what, Throwable cause, boolean restarting) {
            workerErrors.add(worker + ": " + what + ": " + cause);
        }

        @Override
        public void onSourceError(int worker, String source, SourceFailedException error) {
            sourceErrors.add(error.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}, {1}, {2} worker(s)")
    @CsvSource({
        "pcap, corrupt, 1", "pcap, corrupt, 2", "pcap, truncated, 1", "pcap, truncated, 2",
        "pcapng, corrupt, 1", "pcapng, corrupt, 2", "pcapng, truncated, 1", "pcapng, truncated, 2"
    })
    void shouldCountTheGoodRecordsAndReportTheDamageOnceWithoutAWorkerDeath(String format, String damage, int workers)
            throws Exception {
        List<CaptureFiles.Frame> frames = CaptureFiles.sampleFrames();
        byte[] good = format.equals("pcap")
                ? CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, true, 262_144, 1, frames)
                : pcapng(frames);
        byte[] bad;
        if (damage.equals("corrupt")) {
            bad = format.equals("pcap")
                    // tcpdump -w never writes this: a record header claiming 2^31 - 1 captured bytes
                    ? CaptureFiles.classicRecord(ByteOrder.LITTLE_ENDIAN, true, 0, Integer.MAX_VALUE, 60)
                    // a block length that is not a multiple of 4
                    : ByteBuffer.allocate(16)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .putInt(6)
                            .putInt(13)
                            .putLong(0)
                            .array();
        } else {
            // the first 30 bytes of one more record: the capture was stopped while writing it
            byte[] one = format.equals("pcap")
                    ? CaptureFiles.classic(ByteOrder.LITTLE_ENDIAN, true, 262_144, 1, frames.subList(0, 1))
                    : pcapng(frames.subList(0, 1));
            int header = format.equals("pcap") ? 24 : 28 + 32; // file header; SHB + IDB
            bad = Arrays.copyOfRange(one, header, header + 30);
        }
        Path file = dir.resolve("damaged." + format);
        byte[] bytes = Arrays.copyOf(good, good.length + bad.length);
        System.arraycopy(bad, 0, bytes, good.length, bad.length);
        Files.write(file, bytes);

        Reports reports = new Reports();
        EngineSnapshot s;
        try (Engine engine = Engine.builder()
                .tap(file.toString())
                .workers(workers)
                .sources(EngineSources.pcap(1))
                .handler("all", frame -> Verdict.PASS)
                .errorHandler(reports)
                .build()) {
            engine.start();
            assertTrue(engine.awaitEnd(30, TimeUnit.SECONDS), "the workers end by themselves");
            s = engine.closeAndReport();
        }
        assertEquals(frames.size(), s.frames(), "every good record before the damage went through the chain");
        assertEquals(s.frames(), s.passed());
        assertEquals(0, s.restarts(), "a damaged file is not a crash");
        assertTrue(reports.workerErrors.isEmpty(), reports.workerErrors.toString());
        for (WorkerSnapshot w : s.workers()) {
            assertEquals(1, w.get(WorkerCounter.SOURCE_ERRORS), "worker " + w.index());
            assertEquals("ended", w.state());
        }
        assertEquals(workers, reports.sourceErrors.size(), "once per worker: " + reports.sourceErrors);
        String expected =
                file + ": byte offset " + good.length + ": " + (damage.equals("corrupt") ? "" : "truncated dump file");
        for (String message : reports.sourceErrors) {
            assertTrue(message.startsWith(expected), "names the file and offset: " + message);
        }
        if (format.equals("pcap") && damage.equals("corrupt")) {
            assertTrue(
                    reports.sourceErrors
                            .get(0)
                            .contains("record captured length 2147483647 exceeds the" + " 262144-byte maximum"),
                    reports.sourceErrors.toString());
        }
    }

    private static byte[] pcapng(List<CaptureFiles.Frame> frames) {
        CaptureFiles.Pcapng b =
                new CaptureFiles.Pcapng().section(ByteOrder.LITTLE_ENDIAN).interfaceBlock(1, 262_144, 9, 0);
        for (CaptureFiles.Frame f : frames) {
            b.enhanced(0, f.timestampNs(), f.bytes().length, f.wireLength(), f.bytes());
        }
        return b.bytes();
    }
}
