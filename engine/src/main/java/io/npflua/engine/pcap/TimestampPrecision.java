package io.npflua.engine.pcap;

/** Resolution of the timestamps stored in a capture file. */
public enum TimestampPrecision {
    /** Classic magic 0xa1b2c3d4: the fraction field counts microseconds. tcpdump -w writes this by default. */
    MICROSECONDS,
    /** Classic magic 0xa1b23c4d: the fraction field counts nanoseconds (tcpdump --time-stamp-precision=nano). */
    NANOSECONDS
}
