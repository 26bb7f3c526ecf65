package io.npflua.engine.pcap;

/** Receives records from {@link PcapReader#read(PcapRecordHandler, int)}. */
@FunctionalInterface
public interface PcapRecordHandler {
    /**
     * Called once per delivered record; the flyweight is only valid during the call. Implementations on the
     * per-frame path should not allocate.
     */
    void onRecord(PcapRecord record);
}
