package io.npflua.lua.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.lua.core.BudgetExceededError;
import io.npflua.lua.core.InstructionBudget;
import org.junit.jupiter.api.Test;

class InstructionBudgetTest {
    @Test
    void shouldThrowOnceArmedBudgetIsSpentAndStaySpent() {
        InstructionBudget b = new InstructionBudget();
        b.arm(10);
        b.charge(10);
        assertFalse(b.exhausted());
        BudgetExceededError e = assertThrows(BudgetExceededError.class, () -> b.charge(1));
        assertEquals(10, e.limit());
        assertTrue(b.exhausted());
        assertThrows(BudgetExceededError.class, () -> b.charge(1), "a swallowed exhaustion does not refill");
    }

    @Test
    void shouldNotLimitWhenDisarmed() {
        InstructionBudget b = new InstructionBudget();
        b.arm(1);
        b.disarm();
        b.charge(1_000_000_000L);
        assertFalse(b.exhausted());
    }

    @Test
    void shouldRefillOnArm() {
        InstructionBudget b = new InstructionBudget();
        b.arm(5);
        assertThrows(BudgetExceededError.class, () -> b.charge(6));
        b.arm(5);
        b.charge(5);
        assertFalse(b.exhausted());
        assertEquals(0, b.remaining());
    }

    @Test
    void shouldGiveEachThreadItsOwnBudget() throws Exception {
        InstructionBudget mine = InstructionBudget.current();
        InstructionBudget[] other = new InstructionBudget[1];
        Thread t = new Thread(() -> other[0] = InstructionBudget.current());
        t.start();
        t.join();
        assertTrue(other[0] != null && other[0] != mine);
        assertTrue(mine == InstructionBudget.current());
    }
}
