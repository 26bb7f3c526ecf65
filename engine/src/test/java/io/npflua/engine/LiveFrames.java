package io.npflua.engine;

import io.npflua.engine.frames.FrameBuilder;
import io.npflua.engine.pcap.PcapReader;
import io.npflua.engine.pcap.PcapWriter;
import io.npflua.engine.rule.Verdict;
import io.npflua.engine.source.Frame;
import io.npflua.ffm.lab.LabTraffic;
import io.npflua.ffm.ring.RingGeometry;
import io.npflua.ffm.socket.BpfProgram;
import io.npflua.ffm.socket.PacketSocket;
import io.npflua.ffm.socket.PacketSocketOptions;
import io.npflua.ffm.sys.Syscalls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Frames and helpers for the live engine tests: IPv4/UDP frames between 198.18.0.1 and 198.18.0.2 with many source
 * ports (so hash fanout spreads them) and a sequence number in the payload; every fourth goes to port
 * {@link #BLOCKED_PORT}, which {@link #decide(Frame)} blocks.
 */
final class LiveFrames {
    static final int BLOCKED_PORT = 7777;
    static final int PASSED_PORT = 5000;
    /** Accepts IPv4 UDP only (ldh [12]; jeq 0x800; ldb [23]; jeq 17; ret 256 KiB; ret 0). */
    static final BpfProgram UDP_ONLY = BpfProgram.of(
            0x28, 0, 0, 12, 0x15, 0, 3, 0x0800, 0x30, 0, 0, 23, 0x15, 0, 1, 17, 0x06, 0, 0, 0x40000, 0x06, 0, 0, 0);

    private LiveFrames() {}

    static List<byte[]> udpFrames(int count) {
        List<byte[]> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] payload = ByteBuffer.allocate(4 + i % 64).putInt(i).array();
            frames.add(FrameBuilder.ethernet("02:00:00:00:0a:01", "02:00:00:00:0a:02")
                    .ipv4("198.18.0.1", "198.18.0.2")
                    .udp(10_000 + i % 200, i % 4 == 0 ? BLOCKED_PORT : PASSED_PORT)
                    .payload(payload)
                    .build());
        }
        return frames;
    }

    /** The Java rule of these tests: blocks UDP to {@link #BLOCKED_PORT}. Thread-safe, allocation-free. */
    static Verdict decide(Frame f) {
        if (f.capturedLength() < 42) {
            return Verdict.PASS;
        }
        int ihl = (f.byteAt(14) & 0x0f) * 4;
        int port = (f.byteAt(14 + ihl + 2) & 0xff) << 8 | f.byteAt(14 + ihl + 3) & 0xff;
        return port == BLOCKED_PORT ? Verdict.BLOCK : Verdict.PASS;
    }

    static int sequenceOf(byte[] frame) {
        return ByteBuffer.wrap(frame, 42, 4).getInt();
    }

    static PacketSocket txSocket(String link) {
        return PacketSocket.open(PacketSocketOptions.builder(link)
                .txRing(RingGeometry.frames(2048, 512, Syscalls.pageSize()))
                .build());
    }

    static void send(PacketSocket tx, List<byte[]> frames) {
        LabTraffic.send(tx.txRing(), frames, 32);
    }

    static void write(Path file, List<byte[]> frames) throws IOException {
        try (PcapWriter w = PcapWriter.create(file)) {
            long ts = 1_750_000_000_000_000_000L;
            for (byte[] f : frames) {
                w.write(ts, f);
                ts += 1_000;
            }
        }
    }

    /** Sequence numbers of the frames in a pcap file. */
    static Set<Integer> sequences(Path file) throws IOException {
        Set<Integer> seqs = new TreeSet<>();
        try (PcapReader r = PcapReader.open(file)) {
            while (r.next()) {
                byte[] b = r.record().asSlice().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                seqs.add(sequenceOf(b));
            }
        }
        return seqs;
    }

    /** Waits (bounded; not a timing assertion) until {@code value} reaches {@code target} or stops moving for 1 s. */
    static void awaitCount(LongSupplier value, long target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long last = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long v = value.getAsLong();
            if (v >= target) {
                return;
            }
            if (v != last) {
                last = v;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(1)) {
                return;
            }
            Thread.sleep(5);
        }
    }

    /** Runs a command, returns its standard output (stderr merged), fails on a non-zero exit. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within 30 s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }
}
