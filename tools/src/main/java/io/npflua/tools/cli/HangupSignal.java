package io.npflua.tools.cli;

/**
 * SIGHUP runs an action instead of ending the JVM: {@code npflua run} reads its rule list again and reopens the event
 * log ({@link RuleSync}), {@code npflua replay} reopens the event log (logrotate's convention). Java has no supported
 * API for catching a signal: the JDK's own shutdown hooks take SIGHUP as a request to exit, and FFM cannot run Java
 * code in a signal handler safely (an upcall from a handler may run while the JVM holds a lock).
 * {@code sun.misc.Signal} (module {@code jdk.unsupported}, exported and still present in JDK 25) is the one way that
 * works: its handler runs on an ordinary Java thread the JVM starts per signal, not in signal context. It is used
 * here only, in the CLI, never in the engine. The supported ways need no signal: the log follows a moved or deleted
 * file by itself within a second, and {@code npflua reopen} asks over the control socket. Where
 * {@code sun.misc.Signal} is missing, SIGHUP keeps the JVM's meaning.
 */
final class HangupSignal {
    private HangupSignal() {}

    /**
     * Installs {@code action} as the SIGHUP handler (it runs on the JVM's signal thread, one signal at a time; what it
     * throws is its own to report); closing the result restores the previous handler.
     */
    static AutoCloseable install(Runnable action) {
        try {
            sun.misc.Signal hup = new sun.misc.Signal("HUP");
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(hup, s -> action.run());
            return () -> sun.misc.Signal.handle(hup, previous);
        } catch (IllegalArgumentException | LinkageError e) {
            return () -> {};
        }
    }
}
