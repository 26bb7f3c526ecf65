package io.npflua.lua.data.fuzz;

/**
 * Turns fuzzer bytes into choices. Past the end of the input every value is 0, so any byte string (a libFuzzer
 * mutation, a random array, an empty file) is a valid program for a target, and a shorter input is a simpler one.
 */
public final class FuzzInput {
    private final byte[] data;
    private int at;

    public FuzzInput(byte[] data) {
        this.data = data;
    }

    public int u8() {
        return at < data.length ? data[at++] & 0xFF : 0;
    }

    public int u16() {
        return (u8() << 8) | u8();
    }

    public int i32() {
        return (u16() << 16) | u16();
    }

    public long i64() {
        return ((long) i32() << 32) | (i32() & 0xFFFF_FFFFL);
    }

    public boolean bool() {
        return (u8() & 1) != 0;
    }

    /** A choice in {@code [0, n)}; uniform enough for n up to a few hundred. */
    public int below(int n) {
        return n <= 1 ? 0 : u16() % n;
    }

    <T> T pick(T[] options) {
        return options[below(options.length)];
    }

    public int pick(int[] options) {
        return options[below(options.length)];
    }

    /** {@code n} bytes (zeros past the end of the input). */
    public byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) u8();
        }
        return b;
    }
}
