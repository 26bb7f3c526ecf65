package io.npflua.lua.string.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.npflua.lua.core.BudgetExceededError;
import io.npflua.lua.core.InstructionBudget;
import io.npflua.lua.string.LuaStrings;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The pattern engine under a step budget: every generated case either completes with the result it has without a
 * budget or stops with {@link BudgetExceededError}, never another exception; pattern bombs are cut off.
 */
class PatternBudgetPropertyTest {
    /** Every error a case may end with: the pattern and gsub errors of Lua 5.4, nothing from Java. */
    private static final Set<String> LUA_ERRORS = Set.of(
            "malformed pattern (ends with '%')",
            "malformed pattern (missing ']')",
            "malformed pattern (missing arguments to '%b')",
            "missing '[' after '%f' in pattern",
            "invalid pattern capture",
            "unfinished capture",
            "too many captures",
            "pattern too complex",
            "invalid use of '%' in replacement string",
            "invalid replacement value (a table)",
            "invalid replacement value (a boolean)");

    @AfterEach
    void liftBudget() {
        InstructionBudget.current().disarm();
    }

    @Test
    void shouldCompleteWithTheUnbudgetedResultOrExceedTheBudgetOnEveryGeneratedCase() {
        List<String> cases = new PatternCaseGenerator(20261125L)
                .cases(3000).stream().map(PatternCase::toLua).toList();
        PatternEngine engine = new PatternEngine();
        String[] unbudgeted = new String[cases.size()];
        for (int i = 0; i < cases.size(); i++) {
            unbudgeted[i] = engine.run(cases.get(i));
            assertKnownOutcome(cases.get(i), unbudgeted[i]);
        }
        for (long steps : new long[] {1, 64, 300, 2_000}) {
            int cut = 0;
            for (int i = 0; i < cases.size(); i++) {
                String r = engine.run(cases.get(i), steps);
                if (r.equals("budget exceeded")) {
                    cut++;
                } else if (!r.equals(unbudgeted[i])) {
                    fail("with " + steps + " steps " + cases.get(i) + "\n  gave " + r + "\n  not " + unbudgeted[i]);
                }
            }
            // the property means something only if some cases complete and some are cut off
            assertTrue(cut > 0 && cut < cases.size(), steps + " steps cut off " + cut + " of " + cases.size());
        }
    }

    @Test
    void shouldGiveTheUnbudgetedResultWhenAPatternRunsAgainAfterACutOff() {
        // a cut-off in the middle of a match must leave no half-built state in the cached pattern
        List<String> cases = new PatternCaseGenerator(7L)
                .cases(3000).stream().map(PatternCase::toLua).toList();
        PatternEngine engine = new PatternEngine();
        InstructionBudget budget = InstructionBudget.current();
        int cut = 0;
        for (String c : cases) {
            String expected = engine.run(c);
            LuaValue hot = engine.load(c);
            for (long steps : new long[] {64, 150, 500}) {
                budget.arm(steps);
                try {
                    hot.call();
                } catch (BudgetExceededError e) {
                    cut++;
                }
                budget.disarm();
                assertEquals(expected, hot.call().tojstring(), c + " after a run with " + steps + " steps");
            }
        }
        assertTrue(cut > 0, "no run was cut off");
    }

    private static void assertKnownOutcome(String c, String result) {
        if (result.startsWith("ok ")) {
            return;
        }
        assertTrue(result.startsWith("error: "), c + " gave " + result);
        String msg = result.substring("error: ".length());
        assertTrue(
                LUA_ERRORS.contains(msg) || msg.matches("invalid capture index %\\d+( in .*)?"),
                c + " failed with an error lua5.4 does not raise: " + msg);
    }

    /** Each of these runs for minutes or more (exponential or high-polynomial backtracking) without a budget. */
    private static final String[] PATTERN_BOMBS = {
        "string.find(string.rep('a', 30), string.rep('a?', 30) .. string.rep('a', 30))",
        "string.match(string.rep('a', 40), string.rep('.-', 20) .. 'x')",
        "string.find(string.rep('a', 100000), '.-.-.-.-.-b')",
        "string.find(string.rep('a', 100000), string.rep('a*', 10) .. 'b')",
        "string.gsub(string.rep('(', 200000), '%b()', '')",
        "string.find(string.rep('(', 100000), '%b()%b()%b()')",
        "string.find(string.rep('a', 20000), '(a*)%1%1b')",
        "string.find(string.rep(' a', 50000), string.rep('%f[%a].-', 8) .. 'x')",
        "string.match(string.rep('ab', 50000), string.rep('[ab]-', 12) .. '$x')",
        "(function() local n = 0 for _ in string.gmatch(string.rep('a', 100000), string.rep('a?', 40) .. 'b') do"
                + " n = n + 1 end return n end)()",
    };

    @Test
    void shouldCutOffEveryPatternBombWithinTheBudget() {
        Globals g = JsePlatform.standardGlobals();
        LuaStrings.install(g);
        InstructionBudget budget = InstructionBudget.current();
        for (String bomb : PATTERN_BOMBS) {
            LuaValue f = g.load("return " + bomb, "=bomb", g);
            budget.arm(1_000_000);
            BudgetExceededError e = assertThrows(BudgetExceededError.class, f::call, bomb);
            assertEquals(1_000_000, e.limit());
            assertTrue(budget.exhausted(), bomb);
            // pcall in the script cannot swallow the cut-off either
            LuaValue guarded = g.load("return pcall(function() return " + bomb + " end)", "=bomb", g);
            budget.arm(1_000_000);
            assertThrows(BudgetExceededError.class, guarded::call, "pcall(" + bomb + ")");
            budget.disarm();
        }
    }
}
