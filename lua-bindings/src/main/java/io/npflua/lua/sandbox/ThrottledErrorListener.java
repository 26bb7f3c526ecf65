package io.npflua.lua.sandbox;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Passes at most one error report per script and interval to a delegate, and says how many were suppressed: a
 * script failing on every frame at a million frames per second must not flood the log. Counting is unaffected
 * (counters live in the state). Thread-safe.
 */
final class ThrottledErrorListener implements ScriptErrorListener {
    private final ScriptErrorListener delegate;
    private final long intervalNs;
    private final LongSupplier clockNs;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        final AtomicLong nextReportNs;
        final AtomicLong suppressed = new AtomicLong();

        Window(long now) {
            nextReportNs = new AtomicLong(now);
        }
    }

    /**
     * @param delegate   where reports that pass go
     * @param intervalNs least time between two reports of one script
     * @param clockNs    monotonic nanoseconds ({@code System::nanoTime})
     */
    public ThrottledErrorListener(ScriptErrorListener delegate, long intervalNs, LongSupplier clockNs) {
        this.delegate = delegate;
        this.intervalNs = intervalNs;
        this.clockNs = clockNs;
    }

    @Override
    public void onError(String scriptName, CallOutcome outcome, String message) {
        long now = clockNs.getAsLong();
        Window w = windows.computeIfAbsent(scriptName, k -> new Window(now));
        long next = w.nextReportNs.get();
        if (now - next < 0 || !w.nextReportNs.compareAndSet(next, now + intervalNs)) {
            w.suppressed.incrementAndGet();
            return;
        }
        long suppressed = w.suppressed.getAndSet(0);
        delegate.onError(
                scriptName,
                outcome,
                suppressed == 0 ? message : message + " (" + suppressed + " similar reports suppressed)");
    }
}
