package io.npflua.ffm.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

class LiveTestConditionTest {
    @Test
    void shouldRunLiveTestsWhenTheLabIsAvailable() {
        assertFalse(LiveTestCondition.decide(null, "true").isDisabled());
        assertFalse(LiveTestCondition.decide(null, null).isDisabled());
    }

    @Test
    void shouldSkipWithTheReasonOutsideCi() {
        final ConditionEvaluationResult result =
                LiveTestCondition.decide("cannot create a network namespace (Permission denied)", null);
        assertTrue(result.isDisabled());
        assertEquals(
                "live test skipped: cannot create a network namespace (Permission denied) (run as root to include it)",
                result.getReason().orElseThrow());
    }

    @Test
    void shouldFailInsteadOfSkippingUnderCi() {
        final IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> LiveTestCondition.decide("cannot create a network namespace (Permission denied)", "true"));
        assertTrue(e.getMessage().startsWith("CI=true but live tests cannot run"), e.getMessage());
    }
}
