package io.npflua.tools.cli;

import io.npflua.engine.control.ControlClient;
import io.npflua.engine.control.ControlException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The control commands' one way to a running engine: the engine's {@link ControlClient}, with every failure turned
 * into a {@link CliFailure} that says what to do (exit 3 when the socket or the engine refuses this user).
 */
final class ControlCalls {
    private ControlCalls() {}

    /** One request on a connection of its own. */
    @FunctionalInterface
    interface Request {
        /** Sends the request on {@code client} and returns the engine's {@code "ok": true} reply. */
        Map<String, Object> send(ControlClient client) throws ControlException;
    }

    /** Connects to the engine at {@code socket}, sends {@code request} and returns the reply. */
    static Map<String, Object> send(Path socket, Request request) {
        try (ControlClient client = connect(socket)) {
            return request.send(client);
        } catch (ControlException e) {
            if ("io".equals(e.code())) {
                // The socket failed, the engine hung up mid-answer, or the answer was not one JSON line.
                throw new CliFailure(
                        "no usable answer from the engine at " + socket,
                        e.getMessage(),
                        "see the engine's standard error for why",
                        ExitCodes.FAILURE,
                        e);
            }
            int exit = "denied".equals(e.code()) ? ExitCodes.NEEDS_ROOT : ExitCodes.FAILURE;
            throw new CliFailure("the engine refused", e.getMessage() + " [" + e.code() + "]", null, exit, null);
        }
    }

    private static ControlClient connect(Path socket) {
        String what = "cannot reach the engine at " + socket;
        if (!Files.exists(socket)) {
            throw new CliFailure(
                    what,
                    "no control socket there",
                    "start one with 'npflua run ... --control " + socket
                            + "', or pass the --control PATH of the running engine");
        }
        try {
            return ControlClient.connect(socket);
        } catch (ControlException e) {
            String why = String.valueOf(
                    e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            if (why.contains("Permission denied") || e.getCause() instanceof AccessDeniedException) {
                throw new CliFailure(
                        what,
                        "permission denied",
                        "the control socket is for root and the user"
                                + " running the engine only; run this command as one of them (e.g. with sudo)",
                        ExitCodes.NEEDS_ROOT,
                        e);
            }
            if (why.contains("Connection refused")) {
                throw new CliFailure(
                        what,
                        "nobody is listening (a socket left behind by an engine that stopped)",
                        "start the engine again or pass the --control PATH of the running one",
                        ExitCodes.FAILURE,
                        e);
            }
            throw new CliFailure(what, why, null, ExitCodes.FAILURE, e);
        }
    }
}
