package io.npflua.engine.agent;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one {@link Agent} on its own daemon thread, on the model of Agrona's {@code AgentRunner}: the runner owns the
 * thread, the idle strategy, the error handler, the restart policy and stop/join; the agent only works.
 *
 * <p>Loop: {@code doWork()}, then {@link IdleStrategy#idle(int)} with the work done, until {@link #requestStop()} or
 * the agent throws {@link AgentTerminationException} (ended on its own). Then {@link Agent#onClose} runs on the same
 * thread.
 *
 * <p><b>Deaths.</b> Anything else the agent throws kills the thread. Every death is counted ({@code onDeath}); it is
 * reported with its cause only when that cause (class and message) differs from the previous death's, so a bug that
 * strikes again and again is shown once. The agent is restarted on a fresh thread (starting it publishes everything
 * the dying thread wrote) unless a stop was requested or more than {@code maxRestarts} deaths came in a row without
 * work done in between; then the runner gives up (said in one line when the cause was already reported), closes the
 * agent as failed and ends {@link State#FAILED}.
 */
public final class AgentRunner {
    /** A runner's life, as reported in snapshots. */
    public enum State {
        NEW,
        RUNNING,
        ENDED,
        STOPPED,
        FAILED
    }

    private final Agent agent;
    private final IdleStrategy idle;
    private final ErrorHandler errors;
    private final int id;
    private final int maxRestarts;
    private final Runnable onDeath;
    /** What the agent is in reports: {@code worker}, {@code event log writer}. */
    private final String what;

    private int deathsInARow;
    /** Class and message of the last death reported, so that the same cause is not reported again. */
    private String reportedDeath;

    private boolean startedAgent;
    private volatile boolean running;
    private volatile State state = State.NEW;
    private volatile Thread thread;

    /**
     * A runner for a worker: its reports say {@code worker thread died}.
     *
     * @param agent       what to run
     * @param idle        how to idle after a cycle without work
     * @param errors      where deaths are reported (as {@link ErrorHandler#onWorkerError} of worker {@code id})
     * @param id          the agent's number in reports
     * @param maxRestarts deaths in a row (without work in between) after which the runner gives up
     * @param onDeath     counts a death (called on the dying thread)
     */
    public AgentRunner(Agent agent, IdleStrategy idle, ErrorHandler errors, int id, int maxRestarts, Runnable onDeath) {
        this(agent, idle, errors, id, maxRestarts, onDeath, "worker");
    }

    /**
     * A runner whose reports name the agent {@code what} ({@code event log writer thread died}); {@code id} is -1 for
     * an agent that is not a worker.
     */
    public AgentRunner(
            Agent agent,
            IdleStrategy idle,
            ErrorHandler errors,
            int id,
            int maxRestarts,
            Runnable onDeath,
            String what) {
        this.what = Objects.requireNonNull(what, "what");
        this.agent = Objects.requireNonNull(agent, "agent");
        this.idle = Objects.requireNonNull(idle, "idle");
        this.errors = Objects.requireNonNull(errors, "errors");
        this.id = id;
        this.maxRestarts = maxRestarts;
        this.onDeath = Objects.requireNonNull(onDeath, "onDeath");
    }

    /** Starts the agent's thread. */
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException(agent.roleName() + " already started");
        }
        running = true;
        state = State.RUNNING;
        launch();
    }

    /** Asks the agent to stop after its current cycle (and wakes a parked thread). Any thread. */
    public void requestStop() {
        running = false;
        wake();
    }

    /** Wakes the agent's thread if it is parked in its idle strategy (something is waiting for it). Any thread. */
    public void wake() {
        final Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Waits until the agent's thread (and any restarted one) has ended; true when it did within the timeout. */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            final Thread t = thread;
            if (t == null) {
                return true;
            }
            final long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            if (!t.isAlive() && thread == t && isTerminal()) {
                return true;
            }
        }
    }

    /** The current state. */
    public State state() {
        return state;
    }

    /** True once the agent will not work any more (ended, stopped or failed). */
    public boolean isTerminal() {
        final State s = state;
        return s == State.ENDED || s == State.STOPPED || s == State.FAILED;
    }

    /** The agent this runner runs. */
    public Agent agent() {
        return agent;
    }

    private void launch() {
        final Thread t = new Thread(this::run, agent.roleName());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** The duty cycle loop of one thread; a death ends the thread (and may launch the next). */
    private void run() {
        try {
            if (!startedAgent) {
                startedAgent = true;
                agent.onStart();
            }
            while (running) {
                final int work;
                try {
                    work = agent.doWork();
                } catch (AgentTerminationException ended) {
                    close(State.ENDED);
                    return;
                }
                if (work > 0) {
                    deathsInARow = 0;
                }
                idle.idle(work);
            }
            close(State.STOPPED);
        } catch (Throwable t) {
            died(t);
        }
    }

    private void died(Throwable t) {
        onDeath.run();
        final boolean restart = running && ++deathsInARow <= maxRestarts;
        final String death = t.getClass().getName() + ": " + t.getMessage();
        if (!death.equals(reportedDeath)) {
            reportedDeath = death;
            report(what + " thread died", t, restart);
        } else if (!restart && running) {
            report(
                    what + " thread died " + deathsInARow + " times in a row, each time with the error reported"
                            + " above; the " + what + " stops",
                    null,
                    false);
        }
        if (restart) {
            // Starting the new thread publishes everything this thread wrote (Thread.start happens-before).
            launch();
        } else {
            close(running ? State.FAILED : State.STOPPED);
        }
    }

    private void close(State end) {
        try {
            agent.onClose(end == State.FAILED);
            state = end;
        } catch (Throwable again) {
            report(what + " failed while stopping", again, false);
            state = State.FAILED;
        }
    }

    private void report(String message, Throwable cause, boolean restarting) {
        try {
            errors.onWorkerError(id, message, cause, restarting);
        } catch (RuntimeException ignored) {
            // The error handler must not take the runner down.
        }
    }
}
