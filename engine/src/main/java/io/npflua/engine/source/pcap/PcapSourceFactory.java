package io.npflua.engine.source.pcap;

import io.npflua.engine.pcap.LinkType;
import io.npflua.engine.pcap.PcapReader;
import io.npflua.engine.source.FrameSource;
import io.npflua.engine.source.FrameSourceFactory;
import io.npflua.engine.source.SourceRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens offline sources: the names given to {@code Engine.builder().tap(...)} are pcap or pcapng file paths. Each
 * worker maps each file and takes its share of the flows ({@link PcapFrameSource}); the file is read
 * {@code passes} times.
 */
public final class PcapSourceFactory implements FrameSourceFactory {
    private final long passes;

    /** Reads each file {@code passes} times (1 = once; {@code --repeat N} means N + 1 passes or N, as the CLI says). */
    public PcapSourceFactory(long passes) {
        if (passes < 1) {
            throw new IllegalArgumentException("a capture must be read at least once, got " + passes + " passes");
        }
        this.passes = passes;
    }

    /** Checks that the file exists, is readable, and is a pcap/pcapng capture of Ethernet frames. */
    @Override
    public void validate(String name) {
        Path path = Path.of(name);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("capture file " + name + " does not exist or is not a file");
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("capture file " + name + " is not readable (check its permissions)");
        }
        try (PcapReader reader = PcapReader.open(path)) {
            checkLinkType(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static void checkLinkType(PcapReader reader) {
        if (reader.interfaceCount() > 0 && reader.linkType() != LinkType.ETHERNET) {
            throw new IllegalArgumentException(reader.source() + " holds " + LinkType.name(reader.linkType())
                    + " frames; npflua reads Ethernet (EN10MB) captures only");
        }
    }

    /** The whole file, read over and over (a warm-up stops after its frame count). */
    @Override
    public FrameSource openForWarmup(String name) {
        try {
            PcapReader reader = PcapReader.open(Path.of(name));
            return new PcapFrameSource(reader, Path.of(name).getFileName() + "#warm-up", 0, 1, Long.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    /** Maps the file for worker {@code request.workerIndex()}. */
    @Override
    public FrameSource open(SourceRequest request) {
        try {
            PcapReader reader = PcapReader.open(Path.of(request.name()));
            String name = Path.of(request.name()).getFileName() + "#" + request.workerIndex();
            return new PcapFrameSource(reader, name, request.workerIndex(), request.workerCount(), passes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + request.name() + ": " + e.getMessage(), e);
        }
    }
}
