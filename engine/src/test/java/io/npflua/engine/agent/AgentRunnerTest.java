package io.npflua.engine.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.npflua.lua.sandbox.CallOutcome;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The runner's end states and reports, with agents that end, die and fail to close. */
class AgentRunnerTest {
    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final ErrorHandler errors = new ErrorHandler() {
        @Override
        public void onRuleError(int worker, String rule, CallOutcome kind, String message, long suppressed) {}

        @Override
        public void onWorkerError(int worker, String what, Throwable cause, boolean restarting) {
            reports.add(what + (cause == null ? "" : ": " + cause.getMessage()) + (restarting ? " (restarting)" : ""));
        }
    };
    private final IdleStrategy noIdle = new IdleStrategy() {
        @Override
        public void idle(int workCount) {}

        @Override
        public void reset() {}
    };

    private AgentRunner run(Agent agent, int maxRestarts, AtomicInteger deaths) throws InterruptedException {
        AgentRunner r = new AgentRunner(agent, noIdle, errors, 7, maxRestarts, deaths::incrementAndGet);
        r.start();
        assertTrue(r.awaitTermination(10, TimeUnit.SECONDS), "the runner ends");
        return r;
    }

    @Test
    void shouldEndQuietlyWhenTheAgentSaysItIsDone() throws Exception {
        AtomicInteger deaths = new AtomicInteger();
        AgentRunner r = run(
                new Agent() {
                    @Override
                    public int doWork() {
                        throw new AgentTerminationException();
                    }

                    @Override
                    public String roleName() {
                        return "test";
                    }
                },
                3,
                deaths);
        assertEquals(AgentRunner.State.ENDED, r.state());
        assertEquals(List.of(), reports);
        assertEquals(0, deaths.get());
    }

    @Test
    void shouldReportAFailedCloseOnceAndEndFailed() throws Exception {
        AtomicInteger deaths = new AtomicInteger();
        AtomicInteger closes = new AtomicInteger();
        AgentRunner r = run(
                new Agent() {
                    @Override
                    public int doWork() {
                        throw new AgentTerminationException();
                    }

                    @Override
                    public void onClose(boolean failed) {
                        closes.incrementAndGet();
                        throw new IllegalStateException("cannot release the ring");
                    }

                    @Override
                    public String roleName() {
                        return "test";
                    }
                },
                3,
                deaths);
        assertEquals(AgentRunner.State.FAILED, r.state());
        assertEquals(List.of("worker failed while stopping: cannot release the ring"), reports);
        assertEquals(1, closes.get(), "close is not tried again");
        assertEquals(0, deaths.get(), "a failed close is not a death");
    }

    @Test
    void shouldReportARepeatedDeathOnceThenGiveUp() throws Exception {
        AtomicInteger deaths = new AtomicInteger();
        AtomicInteger failedCloses = new AtomicInteger();
        AgentRunner r = run(
                new Agent() {
                    @Override
                    public int doWork() {
                        throw new IllegalStateException("bug");
                    }

                    @Override
                    public void onClose(boolean failed) {
                        if (failed) {
                            failedCloses.incrementAndGet();
                        }
                    }

                    @Override
                    public String roleName() {
                        return "test";
                    }
                },
                2,
                deaths);
        assertEquals(AgentRunner.State.FAILED, r.state());
        assertEquals(3, deaths.get(), "every death counted: the first and two restarts");
        assertEquals(2, reports.size(), reports.toString());
        assertEquals("worker thread died: bug (restarting)", reports.get(0));
        assertTrue(reports.get(1).startsWith("worker thread died 3 times in a row"), reports.get(1));
        assertEquals(1, failedCloses.get(), "closed once, told that it failed");
    }
}
