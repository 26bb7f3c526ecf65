package io.npflua.engine.pcap;

/** The container format of a capture file, detected from its first four bytes. */
public enum CaptureFormat {
    /** Classic libpcap format, either byte order, microsecond or nanosecond magic. */
    PCAP,
    /** pcapng (Section Header Block first). */
    PCAPNG
}
