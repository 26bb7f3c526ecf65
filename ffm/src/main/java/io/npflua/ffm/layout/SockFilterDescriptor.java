package io.npflua.ffm.layout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * Classic BPF: {@code struct sock_filter} (one instruction, 8 bytes) and {@code struct sock_fprog} (the program,
 * 16 bytes), the argument of {@code setsockopt(SOL_SOCKET, SO_ATTACH_FILTER)}.
 *
 * <pre>
 * struct sock_filter {
 *     __u16 code; // 0
 *     __u8  jt;   // 2
 *     __u8  jf;   // 3
 *     __u32 k;    // 4
 * };
 * struct sock_fprog {
 *     unsigned short      len;    // 0  instruction count
 *     // 6 bytes padding
 *     struct sock_filter *filter; // 8
 * };
 * </pre>
 */
public final class SockFilterDescriptor {
    public static final StructLayout FILTER_LAYOUT = MemoryLayout.structLayout(
                    JAVA_SHORT.withName("code"),
                    JAVA_BYTE.withName("jt"),
                    JAVA_BYTE.withName("jf"),
                    JAVA_INT.withName("k"))
            .withName("sock_filter");

    public static final long CODE_OFFSET = FILTER_LAYOUT.byteOffset(groupElement("code"));
    public static final long JT_OFFSET = FILTER_LAYOUT.byteOffset(groupElement("jt"));
    public static final long JF_OFFSET = FILTER_LAYOUT.byteOffset(groupElement("jf"));
    public static final long K_OFFSET = FILTER_LAYOUT.byteOffset(groupElement("k"));

    public static final StructLayout PROG_LAYOUT = MemoryLayout.structLayout(
                    JAVA_SHORT.withName("len"), MemoryLayout.paddingLayout(6), ADDRESS.withName("filter"))
            .withName("sock_fprog");

    public static final long PROG_LEN_OFFSET = PROG_LAYOUT.byteOffset(groupElement("len"));
    public static final long PROG_FILTER_OFFSET = PROG_LAYOUT.byteOffset(groupElement("filter"));

    private SockFilterDescriptor() {}
}
