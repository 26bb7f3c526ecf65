package io.npflua.ffm.socket;

/**
 * One classic BPF instruction, {@code struct sock_filter}: as printed by {@code tcpdump -ddd} ({@code code jt jf k}).
 *
 * @param code opcode (16 bits).
 * @param jt   jump offset if true (8 bits).
 * @param jf   jump offset if false (8 bits).
 * @param k    the generic field (32 bits).
 */
public record BpfInstruction(int code, int jt, int jf, int k) {
    /** BPF_RET | BPF_K: return the constant {@code k} (bytes to keep; 0 = drop). */
    public static final int RET_K = 0x06;

    /**
     * @throws IllegalArgumentException when a field does not fit its C type.
     */
    public BpfInstruction {
        if ((code & ~0xFFFF) != 0 || (jt & ~0xFF) != 0 || (jf & ~0xFF) != 0) {
            throw new IllegalArgumentException("BPF instruction out of range: code " + code + " jt " + jt + " jf " + jf
                    + " (code is 16 bits, jt and jf 8 bits)");
        }
    }
}
