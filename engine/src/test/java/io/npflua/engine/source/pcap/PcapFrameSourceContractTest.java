package io.npflua.engine.source.pcap;

import io.npflua.engine.pcap.PcapReader;
import io.npflua.engine.pcap.PcapWriter;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.FrameSourceContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@link FrameSourceContract} against a pcap file written with {@link PcapWriter} and read by one worker. */
class PcapFrameSourceContractTest extends FrameSourceContract {
    @Override
    protected Fixture open(List<byte[]> frames) throws Exception {
        Path file = Files.createTempFile("npflua-contract", ".pcap");
        try (PcapWriter w = PcapWriter.create(file)) {
            long ts = 1_700_000_000_000_000_000L;
            for (byte[] f : frames) {
                w.write(ts, f);
                ts += 1_000;
            }
        }
        PcapFrameSource source = new PcapFrameSource(PcapReader.open(file), "contract.pcap", 0, 1, 1);
        return new Fixture() {
            @Override
            public FrameSource source() {
                return source;
            }

            @Override
            public void close() {
                source.close();
                try {
                    Files.deleteIfExists(file);
                } catch (java.io.IOException ignored) {
                    // A temp file; the OS cleans up.
                }
            }
        };
    }
}
