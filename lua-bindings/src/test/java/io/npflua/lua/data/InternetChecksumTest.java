package io.npflua.lua.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {
    @Test
    void shouldMatchTheRfc1071Example() {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (folded), checksum 220d.
        byte[] bytes = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertEquals(0x220d, InternetChecksum.checksum(MemorySegment.ofArray(bytes), 0, bytes.length));
    }

    @Test
    void shouldPadAnOddLastByteWithZero() {
        byte[] odd = {0x12, 0x34, 0x56};
        assertEquals(~(0x1234 + 0x5600) & 0xFFFF, InternetChecksum.checksum(MemorySegment.ofArray(odd), 0, 3));
    }

    @Test
    void shouldAgreeWithAWordByWordSumAtAnyOffsetAndLengthOnHeapAndNativeMemory() {
        SplittableRandom random = new SplittableRandom(1071);
        try (Arena arena = Arena.ofConfined()) {
            for (int round = 0; round < 500; round++) {
                byte[] bytes = new byte[1 + random.nextInt(2000)];
                random.nextBytes(bytes);
                int offset = random.nextInt(bytes.length);
                int length = random.nextInt(bytes.length - offset + 1);
                MemorySegment heap = MemorySegment.ofArray(bytes);
                MemorySegment off = arena.allocate(bytes.length);
                off.copyFrom(heap);
                int expected = simple(bytes, offset, length);
                assertEquals(expected, InternetChecksum.checksum(heap, offset, length));
                assertEquals(expected, InternetChecksum.checksum(off, offset, length));
            }
        }
    }

    @Test
    void shouldGiveZeroOverARegionHoldingItsOwnChecksum() {
        byte[] header = {
            0x45, 0, 0, 0x54, 0x12, 0x34, 0x40, 0, 0x40, 0x01, 0, 0, (byte) 198, 18, 0, 1, (byte) 198, 18, 1, 1
        };
        MemorySegment s = MemorySegment.ofArray(header);
        int sum = InternetChecksum.checksum(s, 0, 20);
        header[10] = (byte) (sum >>> 8);
        header[11] = (byte) sum;
        assertEquals(0, InternetChecksum.checksum(s, 0, 20));
    }

    private static int simple(byte[] b, int offset, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int hi = b[offset + i] & 0xFF;
            int lo = i + 1 < length ? b[offset + i + 1] & 0xFF : 0;
            sum += hi << 8 | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
