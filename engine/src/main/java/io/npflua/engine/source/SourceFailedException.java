package io.npflua.engine.source;

/**
 * Thrown by {@link FrameSource#poll} when the source's input fails for good: a capture file that is corrupt or cut
 * short, a read that fails. It is an error of the input, not a bug: the worker counts it ({@code source_errors}),
 * reports it once ({@code ErrorHandler.onSourceError}) and stops polling that source, without a restart; frames handed
 * out before it stay counted. Throw it after the source has handed out everything good that came before the fault.
 */
public final class SourceFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String input;
    private final long offset;

    /**
     * @param input   the file (or device) that failed, as the user named it
     * @param offset  byte offset of the fault in {@code input}, or -1 when there is none
     * @param message what failed, naming the input and the offset, e.g.
     *                {@code capture.pcap: byte offset 1234: record captured length ... exceeds ...}
     * @param cause   the underlying error, or null
     */
    public SourceFailedException(String input, long offset, String message, Throwable cause) {
        super(message, cause);
        this.input = input;
        this.offset = offset;
    }

    /** The file (or device) that failed. */
    public String input() {
        return input;
    }

    /** Byte offset of the fault in {@link #input()}, or -1. */
    public long offset() {
        return offset;
    }
}
