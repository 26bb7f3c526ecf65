package io.npflua.lua.sandbox;

import io.npflua.lua.core.BudgetExceededError;
import io.npflua.lua.core.InstructionBudget;
import io.npflua.lua.core.SizeLimitError;
import io.npflua.lua.string.LuaStrings;

/**
 * Limits every sandboxed state shares, in one place so that the string library and the VM hook enforce the same
 * numbers.
 */
public final class SandboxLimits {
    /**
     * Largest string a script may build, in bytes (16 MiB). Enforced before the bytes are allocated by the
     * concatenation operator {@code ..} (VM hook), {@code table.concat}, and by the string library for {@code rep},
     * {@code format} and {@code gsub}. A frame is at most 64 KiB, so 16 MiB leaves scripts ample room while a few
     * concurrent oversized strings cannot exhaust a normally sized heap.
     */
    public static final int MAX_STRING_BYTES = LuaStrings.MAX_STRING_BYTES;

    /** Fields one {@code alert} may carry (they travel in a fixed-size event slot). */
    public static final int MAX_ALERT_FIELDS = 16;

    /** Bytes of an {@code alert} field name. */
    public static final int MAX_ALERT_NAME_BYTES = 64;

    /** Bytes of an {@code alert} string field. */
    public static final int MAX_ALERT_STRING_BYTES = 256;

    /** Bytes of an {@code alert} message. */
    public static final int MAX_ALERT_MESSAGE_BYTES = 512;

    /** Default instruction budget of one call of the entry function. */
    public static final long DEFAULT_CALL_BUDGET = 1_000_000L;

    /**
     * Default wall-clock limit of one call (100 ms): far above what a filter needs per frame (microseconds, or some
     * milliseconds for a first call whose code the JIT has not compiled yet), low enough that a call that builds
     * strings or tables within its step budget cannot stall a worker for long.
     */
    public static final long DEFAULT_CALL_TIME_LIMIT_NANOS = 100_000_000L;

    /**
     * Default heap one call may allocate (32 MiB): a frame is at most 64 KiB, so honest per-frame work stays far
     * below; a call filling a table with a million entries or building 100,000 strings of 10 KiB is cut off.
     */
    public static final long DEFAULT_CALL_ALLOCATION_LIMIT_BYTES = 32L << 20;

    /**
     * Default limit of what one state keeps across calls (64 MiB): tables, strings and closures reachable from its
     * globals. A worker runs a few states; a script that keeps growing a table (a flow cache without expiry, a
     * log it never trims) must not take the worker's heap with it. Measured, not enforced per allocation: see
     * {@link StateMemory}.
     */
    public static final long DEFAULT_STATE_MEMORY_LIMIT_BYTES = 64L << 20;

    /** Calls between two reads of the thread's allocation counter for the state memory limit. */
    public static final int MEMORY_SAMPLE_CALLS = 64;

    /** Default instruction budget of a script's top-level chunk (run once at load time). */
    public static final long DEFAULT_LOAD_BUDGET = 10_000_000L;

    /**
     * Default maximum nesting of Lua function calls (plus {@code pcall} frames) in one call. Each Lua call costs
     * three Java frames in LuaJ; 200 levels stay far below the smallest thread stack the JVM gives by default,
     * so the limit, not the JVM, decides when recursion stops.
     */
    public static final int DEFAULT_MAX_CALL_DEPTH = 200;

    /**
     * Bytes of string a library function may build per budget step. Building strings is work done inside one VM
     * instruction, so it is charged to the instruction budget: with the default budget a call can build at most
     * 64 MiB of strings in total, however it goes about it (without this, {@code t[i] = s:rep(n)} in a loop
     * could allocate a 16 MiB string every six instructions).
     */
    public static final int BYTES_PER_STEP = 64;

    /**
     * Most values one call may produce or receive as multiple results ({@code table.unpack}, {@code string.byte}),
     * Lua's own {@code LUAI_MAXSTACK}: beyond it Lua raises "too many results".
     */
    public static final int MAX_RESULTS = 1_000_000;

    private SandboxLimits() {}

    /**
     * Charges the calling thread's budget for building {@code bytes} bytes of string ({@link #BYTES_PER_STEP}).
     * Call before allocating; throws {@link BudgetExceededError} when the budget is spent.
     */
    public static void chargeBytes(long bytes) {
        InstructionBudget.current().charge(bytes / BYTES_PER_STEP);
    }

    /**
     * The error to throw when a string of {@code length} bytes would exceed {@link #MAX_STRING_BYTES}; throw it
     * before allocating. A Lua error (a {@code pcall} may catch it, as with Lua's "not enough memory").
     */
    public static SizeLimitError stringTooLarge(long length) {
        return new SizeLimitError(
                "string of " + length + " bytes exceeds the sandbox limit of " + MAX_STRING_BYTES + " bytes");
    }

    /** Throws {@link #stringTooLarge(long)} if {@code length} exceeds {@link #MAX_STRING_BYTES}. */
    public static void checkStringLength(long length) {
        if (length > MAX_STRING_BYTES) {
            throw stringTooLarge(length);
        }
    }
}
