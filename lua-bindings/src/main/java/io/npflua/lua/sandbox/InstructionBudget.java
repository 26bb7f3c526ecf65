package io.npflua.lua.sandbox;

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

    private static final ThreadLocal<InstructionBudget> CURRENT = ThreadLocal.withInitial(InstructionBudget::new);

    /** Package-private: the VM hook decrements it inline, once per instruction. */
    long remaining = UNLIMITED;
    private long limit = UNLIMITED;
    /** The hook of the state whose call is running on this thread: told where the budget ran out. */
    private BudgetHook hook;
    private boolean exhausted;

    /** The budget of the calling thread (one per thread, created on first use). */
    public static InstructionBudget current() {
        return CURRENT.get();
    }

    /** Starts a call with {@code steps} allowed. Allocates nothing. */
    public void arm(long steps) {
        limit = steps <= 0 ? UNLIMITED : steps;
        remaining = limit;
        exhausted = false;
    }

    /** Lifts the limit (outside script calls, e.g. while a script's top-level chunk is loaded without a cap). */
    public void disarm() {
        limit = UNLIMITED;
        remaining = UNLIMITED;
        exhausted = false;
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
        if ((remaining -= steps) < 0) {
            exceeded(-1);
        }
    }

    /** Marks the budget spent and throws; {@code pc} is the VM instruction that ran out, or -1 for library code. */
    void exceeded(int pc) {
        remaining = 0; // stays spent: every later step throws again
        exhausted = true;
        BudgetHook h = hook;
        if (h != null) {
            h.recordExhaustion(pc);
        }
        throw new BudgetExceededError(limit);
    }

    /**
     * Binds the state hook of the call about to run. Stores only on change: a reference store into this long-lived
     * object costs a GC write barrier, and a worker calls the same few states over and over.
     */
    void bind(BudgetHook hook) {
        if (this.hook != hook) {
            this.hook = hook;
        }
    }

    /** Steps left in the current call. */
    public long remaining() {
        return remaining;
    }

    /** The limit the current call was armed with. */
    public long limit() {
        return limit;
    }
}
