package io.npflua.lua.core;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;

/**
 * The per-call step budget of one script call, shared by the VM's instruction hook and by library code that does
 * unbounded work inside one VM instruction (the pattern matcher, {@code rep}, {@code format}).
 *
 * <p>Each thread that runs scripts has one current budget ({@link #current()}); a worker arms it before each call
 * ({@link #arm(long)}) and library code charges it with {@link #charge(long)}. Exceeding it throws
 * {@link BudgetExceededError}, an {@link Error}, so that neither LuaJ's {@code pcall} (which catches
 * {@code LuaError} and {@code Exception}) nor a script can swallow it.
 *
 * <p>Not thread-safe by design: a budget belongs to the thread that runs the call.
 */
public final class InstructionBudget {
    /** Steps allowed when a caller has armed no budget: effectively unlimited. */
    public static final long UNLIMITED = Long.MAX_VALUE / 4;

    /**
     * Steps handed out at a time when a call also has a time or allocation limit: those limits are checked each time
     * a slice is spent, never on the per-instruction path. One slice is some tens of microseconds of script work.
     */
    public static final int SLICE = 10_000;

    private static final ThreadLocal<InstructionBudget> CURRENT = ThreadLocal.withInitial(InstructionBudget::new);
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Which limit a call ran out of. */
    public enum Limit {
        /** The instruction budget (steps). */
        STEPS,
        /** The time limit of one call. */
        TIME,
        /** The allocation limit of one call. */
        ALLOCATION
    }

    /** Steps left before the next check; the VM hook spends it once per instruction ({@link #spend}). */
    private long remaining = UNLIMITED;

    private long limit = UNLIMITED;
    /** Steps of the limit not yet handed out to {@link #remaining} (slices). */
    private long unissued;

    private long timeLimitNanos;
    private long allocationLimitBytes;
    /** Clock and allocation counter at the first slice boundary of the call (0 before it). */
    private long startNanos;

    private long startAllocated;
    private boolean started;
    private Limit exceededLimit;
    /** The hook of the state whose call is running on this thread: told where the budget ran out. */
    private ExhaustionListener hook;

    private boolean exhausted;

    /** Bytes the calling thread has allocated so far (the JVM's per-thread counter). */
    public static long threadAllocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** The budget of the calling thread (one per thread, created on first use). */
    public static InstructionBudget current() {
        return CURRENT.get();
    }

    /** Starts a call with {@code steps} allowed. Allocates nothing. */
    public void arm(long steps) {
        limit = steps <= 0 ? UNLIMITED : steps;
        remaining = limit;
        unissued = 0;
        timeLimitNanos = 0;
        allocationLimitBytes = 0;
        exhausted = false;
    }

    /**
     * Starts a call with {@code steps} allowed, at most {@code timeLimitNanos} of wall-clock time and
     * {@code allocationLimitBytes} of heap allocated by this thread (0 = no such limit). Both are measured from the
     * call's first slice of {@link #SLICE} steps on and checked at each slice boundary, so they cost nothing per
     * instruction and nothing at all for a call shorter than a slice. Allocates nothing.
     */
    public void arm(long steps, long timeLimitNanos, long allocationLimitBytes) {
        arm(steps);
        if (timeLimitNanos > 0 || allocationLimitBytes > 0) {
            this.timeLimitNanos = timeLimitNanos;
            this.allocationLimitBytes = allocationLimitBytes;
            long first = Math.min(limit, SLICE);
            unissued = limit - first;
            remaining = first;
            started = false;
        }
    }

    /** Lifts the limit (outside script calls, e.g. while a script's top-level chunk is loaded without a cap). */
    public void disarm() {
        arm(UNLIMITED);
    }

    /**
     * True once the budget ran out since {@link #arm}: stays true even if some library code swallowed the
     * {@link BudgetExceededError} (LuaJ runs an {@code xpcall} message handler inside {@code catch (Throwable)}).
     */
    public boolean exhausted() {
        return exhausted;
    }

    /**
     * Charges {@code steps}; throws {@link BudgetExceededError} once the budget is spent. Allocates nothing on the
     * non-throwing path.
     */
    public void charge(long steps) {
        spend(steps, -1);
    }

    /**
     * Spends {@code steps} for VM instruction {@code pc} (the hook's per-instruction and per-block path): one
     * subtraction and one compare, inlined into the caller; throws {@link BudgetExceededError} once the budget is
     * spent. Allocates nothing on the non-throwing path.
     */
    public void spend(long steps, int pc) {
        if ((remaining -= steps) < 0) {
            exceeded(pc);
        }
    }

    /**
     * Spends {@code steps} without the check: the next {@link #spend} throws if the budget is gone. For compiled code
     * leaving a function by an error, whose pending steps must be counted without replacing the error.
     */
    public void settle(long steps) {
        remaining -= steps;
    }

    /**
     * Ends the call's budget: library code running outside script calls (tests, Java callers) must not hit the
     * last call's leftovers.
     */
    public void lift() {
        remaining = UNLIMITED;
    }

    /** Marks the budget spent and throws; {@code pc} is the VM instruction that ran out, or -1 for library code. */
    private void exceeded(int pc) {
        while (remaining < 0 && unissued > 0) {
            checkTimeAndAllocation(pc);
            long give = Math.min(unissued, SLICE);
            unissued -= give;
            remaining += give;
        }
        if (remaining >= 0) {
            return; // a new slice: the call goes on
        }
        fail(pc, Limit.STEPS);
    }

    private void checkTimeAndAllocation(int pc) {
        long now = System.nanoTime();
        long allocated = allocationLimitBytes > 0 ? THREADS.getCurrentThreadAllocatedBytes() : 0;
        if (!started) {
            started = true;
            startNanos = now;
            startAllocated = allocated;
            return;
        }
        if (timeLimitNanos > 0 && now - startNanos > timeLimitNanos) {
            fail(pc, Limit.TIME);
        }
        if (allocationLimitBytes > 0 && allocated - startAllocated > allocationLimitBytes) {
            fail(pc, Limit.ALLOCATION);
        }
    }

    private void fail(int pc, Limit which) {
        remaining = 0; // stays spent: every later step throws again
        unissued = 0;
        exhausted = true;
        exceededLimit = which;
        ExhaustionListener h = hook;
        if (h != null) {
            h.recordExhaustion(pc);
        }
        throw switch (which) {
            case STEPS -> new BudgetExceededError(limit);
            case TIME ->
                new BudgetExceededError(
                        "time limit exceeded (" + timeLimitNanos / 1_000_000.0 + " ms per call)", limit);
            case ALLOCATION ->
                new BudgetExceededError(
                        "allocation limit exceeded (" + allocationLimitBytes + " bytes per call)", limit);
        };
    }

    /** The limit the last exhausted call ran out of (null if none since {@link #arm}). */
    public Limit exceededLimit() {
        return exhausted ? exceededLimit : null;
    }

    /** What the last exhausted call ran out of, as a phrase for an error message. */
    public String exhaustion() {
        Limit l = exceededLimit();
        if (l == Limit.TIME) {
            return "time limit exceeded (" + timeLimitNanos / 1_000_000.0 + " ms per call)";
        }
        if (l == Limit.ALLOCATION) {
            return "allocation limit exceeded (" + allocationLimitBytes + " bytes per call)";
        }
        return "instruction budget exceeded (" + limit + " steps per call)";
    }

    /**
     * Binds the state hook of the call about to run. Stores only on change: a reference store into this long-lived
     * object costs a GC write barrier, and a worker calls the same few states over and over.
     */
    public void bind(ExhaustionListener hook) {
        if (this.hook != hook) {
            this.hook = hook;
        }
    }

    /** Steps left in the current call. */
    public long remaining() {
        return remaining + unissued;
    }

    /** The limit the current call was armed with. */
    public long limit() {
        return limit;
    }
}
