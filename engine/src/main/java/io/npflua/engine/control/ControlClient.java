package io.npflua.engine.control;

import io.npflua.engine.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;

/**
 * The CLI's side of the control socket: one connection, one request at a time, blocking.
 *
 * <pre>{@code
 * try (ControlClient c = ControlClient.connect(Path.of("/run/npflua.sock"))) {
 *     c.load("ssh", Files.readString(file), "filter", "pass", 0);
 *     Map<String, Object> stats = c.stats();
 * }
 * }</pre>
 * Every command method returns the parsed response object (with {@code "ok": true}) or throws
 * {@link ControlException} carrying the engine's error code and message.
 */
public final class ControlClient implements AutoCloseable {
    // Stats of many rules and workers fit easily; this only bounds a misbehaving server.
    private static final int MAX_RESPONSE_BYTES = 64 << 20;

    private final SocketChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(8192);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private ControlClient(SocketChannel channel) {
        this.channel = channel;
        buffer.flip();
    }

    /** Connects to the engine's socket; the exception says whether it is missing or forbidden. */
    public static ControlClient connect(Path socket) throws ControlException {
        try {
            return new ControlClient(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
        } catch (AccessDeniedException | SecurityException e) {
            throw new ControlException(
                    "io",
                    "permission denied on " + socket + ": the control socket is for root"
                            + " and the engine's user only",
                    e);
        } catch (IOException e) {
            String why = String.valueOf(e.getMessage());
            String hint = why.contains("Permission denied")
                    ? ": the control socket is for root and the engine's user only"
                    : why.contains("No such file") || why.contains("Connection refused")
                            ? ": is an engine running with --control " + socket + "?"
                            : "";
            throw new ControlException("io", "cannot connect to " + socket + ": " + why + hint, e);
        }
    }

    /** Sends one raw request line (no newline) and returns the raw response line. */
    public String exchange(String request) throws ControlException {
        if (request.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a request is one line; JSON-escape newlines inside strings");
        }
        IOException writeFailed = null;
        try {
            ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
        } catch (IOException e) {
            // The server may answer at once and hang up (denied, busy, too large) before reading the whole request:
            // read that answer rather than report "Broken pipe".
            writeFailed = e;
        }
        try {
            return readLine();
        } catch (IOException | ControlException e) {
            if (writeFailed != null) {
                throw new ControlException("io", "control socket failed: " + writeFailed.getMessage(), writeFailed);
            }
            if (e instanceof ControlException ce) {
                throw ce;
            }
            throw new ControlException("io", "control socket failed: " + e.getMessage(), e);
        }
    }

    private String readLine() throws IOException, ControlException {
        line.reset();
        while (true) {
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
                if (line.size() > MAX_RESPONSE_BYTES) {
                    throw new ControlException("io", "response longer than " + MAX_RESPONSE_BYTES + " bytes");
                }
            }
            buffer.clear();
            int n = channel.read(buffer);
            buffer.flip();
            if (n < 0) {
                throw new ControlException("io", "the engine closed the connection without a complete answer");
            }
        }
    }

    /**
     * Sends a request object whose members {@code members} writes (after {@code "cmd"}) and returns the response
     * when {@code ok}, else throws with its error.
     */
    public Map<String, Object> call(String cmd, Consumer<JsonGenerator> members) throws ControlException {
        String response = exchange(Json.write(g -> {
            g.writeStartObject();
            g.writeStringProperty("cmd", cmd);
            members.accept(g);
            g.writeEndObject();
        }));
        Map<String, Object> map;
        try {
            map = Json.parseObject(response);
        } catch (Json.JsonException e) {
            throw new ControlException("io", "unreadable response from the engine: " + e.getMessage());
        }
        if (!Boolean.TRUE.equals(map.get("ok"))) {
            throw new ControlException(String.valueOf(map.get("code")), String.valueOf(map.get("error")));
        }
        return map;
    }

    /** Loads a script; {@code entry} and {@code onError} may be null, {@code maxInstructions} 0 for defaults. */
    public Map<String, Object> load(String name, String source, String entry, String onError, long maxInstructions)
            throws ControlException {
        return call("load", g -> {
            g.writeStringProperty("name", name);
            g.writeStringProperty("source", source);
            if (entry != null) {
                g.writeStringProperty("entry", entry);
            }
            if (onError != null) {
                g.writeStringProperty("on_error", onError);
            }
            if (maxInstructions > 0) {
                g.writeNumberProperty("max_instructions", maxInstructions);
            }
        });
    }

    /** Reloads a script with new source, or recompiles its current source when {@code source} is null. */
    public Map<String, Object> reload(String name, String source) throws ControlException {
        return call("reload", g -> {
            g.writeStringProperty("name", name);
            if (source != null) {
                g.writeStringProperty("source", source);
            }
        });
    }

    /** Unloads a rule. */
    public Map<String, Object> unload(String name) throws ControlException {
        return call("unload", g -> g.writeStringProperty("name", name));
    }

    /** The loaded rules: the response's {@code rules} array. */
    public Map<String, Object> list() throws ControlException {
        return call("list", g -> {});
    }

    /** The counters: the response's {@code stats} object (see {@code SnapshotJson}). */
    public Map<String, Object> stats() throws ControlException {
        return call("stats", g -> {});
    }

    /** Asks the engine to open its event log file anew (after logrotate moved it). */
    public Map<String, Object> reopen() throws ControlException {
        return call("reopen", g -> {});
    }

    /** Up to {@code limit} flows per worker: the response's {@code flows} array and {@code unanswered} count. */
    public Map<String, Object> flows(long limit) throws ControlException {
        return call("flows", g -> g.writeNumberProperty("limit", limit));
    }

    /** Checks that the engine answers. */
    public Map<String, Object> ping() throws ControlException {
        return call("ping", g -> {});
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing useful to do.
        }
    }

    /**
     * A minimal command line for scripted checks: {@code ControlClient SOCKET 'JSON-REQUEST'} prints the response
     * line; exit 0 when ok, 1 when the engine refused, 2 on a socket failure.
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: ControlClient SOCKET REQUEST-JSON");
            System.exit(2);
        }
        try (ControlClient c = connect(Path.of(args[0]))) {
            String response = c.exchange(args[1]);
            System.out.println(response);
            System.exit(response.startsWith("{\"ok\":true") ? 0 : 1);
        } catch (ControlException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }
}
