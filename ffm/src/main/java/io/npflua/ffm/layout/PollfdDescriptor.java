package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct pollfd} (8 bytes), for {@code poll(2)}.
 *
 * <pre>
 * struct pollfd {
 *     int   fd;      // 0
 *     short events;  // 4
 *     short revents; // 6
 * };
 * </pre>
 */
public final class PollfdDescriptor {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
                    JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"))
            .withName("pollfd");

    public static final long FD_OFFSET = LAYOUT.byteOffset(groupElement("fd"));
    public static final long EVENTS_OFFSET = LAYOUT.byteOffset(groupElement("events"));
    public static final long REVENTS_OFFSET = LAYOUT.byteOffset(groupElement("revents"));

    private PollfdDescriptor() {}
}
