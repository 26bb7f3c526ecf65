package io.npflua.lua.vm.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The harness's output conventions, checked on the interpreter runner. */
class DifferentialHarnessTest {
    private final LuaRunner interpreter = Runners.interpreter();

    @Test
    void shouldReportPrintedLinesAndOkWhenTheChunkReturns() {
        assertEquals("1\t2\nx\nok\n".strip(), DifferentialHarness.run(interpreter, "t", "print(1, 2) print('x')"));
    }

    @Test
    void shouldReportAnUncaughtErrorWithoutItsPosition() {
        assertEquals("a\nerror: boom", DifferentialHarness.run(interpreter, "t", "print('a')\nerror('boom')"));
        assertEquals("error: plain", DifferentialHarness.run(interpreter, "t", "error('plain', 0)"));
        assertEquals("error: (error object is a table value)", DifferentialHarness.run(interpreter, "t", "error({})"));
    }

    @Test
    void shouldStripBothPositionStyles() {
        assertEquals("msg", DifferentialHarness.stripPosition("/tmp/x/program.lua:12: msg"));
        assertEquals("msg", DifferentialHarness.stripPosition("seed7:12 msg "));
        assertEquals("no position: here", DifferentialHarness.stripPosition("no position: here"));
    }

    @Test
    void shouldNormaliseErrorValuesInsideGeneratedPrograms() {
        String out = DifferentialHarness.run(
                interpreter,
                "t",
                LuaProgramGenerator.PRELUDE
                        + "print(errtext(select(2, pcall(error, 'e1'))), errtext(select(2, pcall(function() error(7) end))),"
                        + " errtext(select(2, pcall(error, {code = 3}))), errtext(select(2, pcall(error))))");
        assertEquals("string:e1\tstring:7\ttable:3\tnil\nok", out);
    }

    @Test
    void shouldGiveEveryIterationOfALoopItsOwnUpvalue() {
        String out = DifferentialHarness.run(
                interpreter,
                "t",
                "local fs = {} for i = 1, 3 do fs[i] = function() return i end end print(fs[1](), fs[3]())");
        assertTrue(out.startsWith("1\t3\n"), out);
    }
}
