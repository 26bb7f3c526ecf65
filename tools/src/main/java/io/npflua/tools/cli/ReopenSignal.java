package io.npflua.tools.cli;

import io.npflua.engine.event.EventLog;

/**
 * SIGHUP reopens the event log (logrotate's convention). Java has no supported API for catching a signal: the JDK's
 * own shutdown hooks take SIGHUP as a request to exit, and FFM cannot run Java code in a signal handler safely (an
 * upcall from a handler may run while the JVM holds a lock). {@code sun.misc.Signal} (module {@code jdk.unsupported},
 * exported and still present in JDK 25) is the one way that works; it is used here only, in the CLI, never in the
 * engine. The supported ways need no signal: the log follows a moved or deleted file by itself within a second
 * (it compares the open file with what the path names), and {@code npflua reopen} asks over the control socket.
 * Where {@code sun.misc.Signal} is missing, SIGHUP keeps the JVM's meaning.
 */
final class ReopenSignal {
    private ReopenSignal() {}

    /** Installs the handler; closing the result restores the previous one. */
    static AutoCloseable install(EventLog log) {
        try {
            sun.misc.Signal hup = new sun.misc.Signal("HUP");
            sun.misc.SignalHandler previous = sun.misc.Signal.handle(hup, s -> log.reopen());
            return () -> sun.misc.Signal.handle(hup, previous);
        } catch (IllegalArgumentException | LinkageError e) {
            return () -> {};
        }
    }
}
