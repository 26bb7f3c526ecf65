package io.npflua.engine.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FrameQuotaTest {
    @Test
    void shouldNeverHandOutMoreThanTheQuotaToRacingClaimers() throws Exception {
        FrameQuota q = new FrameQuota(100_003);
        AtomicLong used = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                int round = 0;
                while (true) {
                    int got = q.claim(64);
                    if (got == 0) {
                        return;
                    }
                    int kept = (round++ + id) % 3 == 0 ? got / 2 : got; // some polls find fewer frames than claimed
                    q.giveBack(got - kept);
                    used.addAndGet(kept);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(100_003, used.get());
        assertEquals(0, q.left());
        assertEquals(0, q.claim(1));
    }

    @Test
    void shouldRefuseAnEmptyQuota() {
        assertThrows(IllegalArgumentException.class, () -> new FrameQuota(0));
    }
}
