package io.npflua.engine.pcap;

import java.io.IOException;

/**
 * A capture file that cannot be read on: bad magic, a header or block that lies about its size, or a record that
 * would lead outside the file. The message names the file and the byte offset of the offending header, e.g.
 * {@code capture.pcap: byte offset 1234: record captured length 300000 exceeds the 262144-byte maximum; the file is
 * corrupt from here}.
 */
public final class PcapFormatException extends IOException {
    private final String source;
    private final long offset;

    public PcapFormatException(String source, long offset, String problem) {
        super(source + ": byte offset " + offset + ": " + problem);
        this.source = source;
        this.offset = offset;
    }

    /** The file (or resource) name the reader was opened on. */
    public String source() {
        return source;
    }

    /** Byte offset in the file of the header or block at fault. */
    public long offset() {
        return offset;
    }
}
