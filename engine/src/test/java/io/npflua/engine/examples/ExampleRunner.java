package io.npflua.engine.examples;

import io.npflua.engine.pcap.PcapReader;
import io.npflua.engine.pcap.PcapRecord;
import io.npflua.engine.pcap.PcapWriter;
import io.npflua.lua.data.DataLib;
import io.npflua.lua.data.PacketData;
import io.npflua.lua.sandbox.CallOutcome;
import io.npflua.lua.sandbox.ModuleRegistry;
import io.npflua.lua.sandbox.ScriptLoadException;
import io.npflua.lua.sandbox.ScriptOptions;
import io.npflua.lua.sandbox.ScriptState;
import io.npflua.lua.shared.SharedModule;
import io.npflua.lua.shared.SharedTables;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the scripts of {@code examples/} over a capture the way a worker does: one {@link PacketData} per worker
 * bound to each record, {@link ScriptState#call}, the outcome collected per frame.
 *
 * <p>Every runner has its own {@link SharedTables} whose clock is the timestamp of the frame being handled, so
 * the TTLs of {@code shared} tables (port knocking's 10 s window) follow the capture's time, not the wall
 * clock: a scenario spanning minutes replays in milliseconds and always gives the same verdicts. Several
 * "workers" (states of the same script over the same shared tables) can take frames in turn, as fanout spreads
 * flows over workers.
 */
final class ExampleRunner {
    private long errors;
    /** The repository root (tests run in {@code engine/}). */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private long nowNs;
    private final SharedTables tables = new SharedTables(() -> nowNs);
    private final ModuleRegistry modules = new ModuleRegistry()
            .register("data", (globals, scriptName) -> DataLib.newModule())
            .register(SharedModule.NAME, new SharedModule(tables));

    /** Loads {@code examples/<file>} into a new state (one "worker") of this runner. */
    ScriptState load(String file) throws IOException, ScriptLoadException {
        Path path = ROOT.resolve("examples").resolve(file);
        return ScriptState.load(options(file, Files.readString(path)));
    }

    /**
     * Loads {@code examples/<file>} with one line of its settings changed ({@code setting} replaced by
     * {@code replacement}), as a user would edit it; fails if the script has no such line.
     */
    ScriptState load(String file, String setting, String replacement) throws IOException, ScriptLoadException {
        String source = Files.readString(ROOT.resolve("examples").resolve(file));
        if (!source.contains(setting)) {
            throw new IllegalArgumentException(file + " has no line '" + setting + "'");
        }
        return ScriptState.load(options(file, source.replace(setting, replacement)));
    }

    /** Errors are kept as {@link ScriptState#lastError()} for the tests; nothing is printed. */
    private ScriptOptions options(String name, String source) {
        return ScriptOptions.of(name, source).withModules(modules).withErrorListener((script, outcome, message) -> {});
    }

    /** Calls of every replay so far that failed (a state does not count its calls: its caller does). */
    long errors() {
        return errors;
    }

    /** Runs {@code capture} through {@code workers} (frame i on worker i mod n), read-only as in tap mode. */
    List<CallOutcome> replay(Path capture, ScriptState... workers) throws IOException {
        return replay(capture, false, null, workers);
    }

    /**
     * Runs {@code capture} through {@code workers} (frame i on worker i mod n). With {@code writable} each frame is
     * first copied into a writable buffer, as a frame of the inline bridge is; if {@code passed} is given, frames
     * that pass are written to it as they are after the call (rewritten or not).
     */
    List<CallOutcome> replay(Path capture, boolean writable, PcapWriter passed, ScriptState... workers)
            throws IOException {
        List<CallOutcome> outcomes = new ArrayList<>();
        PacketData[] packets = new PacketData[workers.length];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = new PacketData();
        }
        try (Arena arena = Arena.ofConfined();
                PcapReader reader = PcapReader.open(capture)) {
            MemorySegment buffer = arena.allocate(PcapWriter.DEFAULT_SNAP_LENGTH);
            int frame = 0;
            while (reader.next()) {
                PcapRecord r = reader.record();
                int w = frame++ % workers.length;
                nowNs = r.timestampNs();
                PacketData pkt = packets[w];
                MemorySegment bytes = r.segment();
                long offset = r.dataOffset();
                if (writable) {
                    MemorySegment.copy(bytes, offset, buffer, 0, r.capturedLength());
                    bytes = buffer;
                    offset = 0;
                }
                pkt.bind(bytes, offset, r.capturedLength(), writable);
                CallOutcome outcome = workers[w].call(pkt);
                pkt.release();
                outcomes.add(outcome);
                if (outcome.isError()) {
                    errors++;
                }
                if (passed != null && outcome == CallOutcome.PASS) {
                    passed.write(r.timestampNs(), r.wireLength(), bytes, offset, r.capturedLength());
                }
            }
        }
        return outcomes;
    }
}
