package io.npflua.tools.cli;

import io.npflua.engine.json.JsonReader;
import io.npflua.engine.json.JsonWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The client side of the control socket for the CLI: newline-delimited JSON, one request and one response per line
 * ({@code docs/control-protocol.md}), every failure turned into a {@link CliFailure} that says what to do.
 */
final class ControlConnection implements AutoCloseable {
    // Stats of many rules and workers fit easily; this only bounds a misbehaving peer.
    private static final int MAX_RESPONSE_BYTES = 64 << 20;

    private final Path socket;
    private final SocketChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(8192);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private ControlConnection(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
        buffer.flip();
    }

    /** Connects to the engine at {@code socket}. */
    static ControlConnection open(Path socket) {
        String what = "cannot reach the engine at " + socket;
        if (!Files.exists(socket)) {
            throw new CliFailure(what, "no control socket there", "start one with 'npflua run ... --control "
                    + socket + "', or pass the --control PATH of the running engine");
        }
        try {
            return new ControlConnection(socket, SocketChannel.open(UnixDomainSocketAddress.of(socket)));
        } catch (IOException e) {
            String why = String.valueOf(e.getMessage());
            if (why.contains("Permission denied")) {
                throw new CliFailure(what, "permission denied", "the control socket is for root and the user"
                        + " running the engine only; run this command as one of them (e.g. with sudo)",
                        ExitCodes.NEEDS_ROOT, e);
            }
            if (why.contains("Connection refused")) {
                throw new CliFailure(what, "nobody is listening (a socket left behind by an engine that stopped)",
                        "start the engine again or pass the --control PATH of the running one",
                        ExitCodes.FAILURE, e);
            }
            throw new CliFailure(what, why, null, ExitCodes.FAILURE, e);
        }
    }

    /** Sends {@code request} and returns the response object when it says {@code "ok": true}. */
    Map<String, Object> call(JsonWriter request) {
        String response = exchange(request.toString());
        Map<String, Object> map;
        try {
            map = JsonReader.parseObject(response);
        } catch (JsonReader.JsonException e) {
            throw new CliFailure("unreadable answer from the engine at " + socket, e.getMessage(),
                    "check that --control names an npflua control socket");
        }
        if (!Boolean.TRUE.equals(map.get("ok"))) {
            String code = String.valueOf(map.get("code"));
            String error = String.valueOf(map.get("error"));
            int exit = "denied".equals(code) ? ExitCodes.NEEDS_ROOT : ExitCodes.FAILURE;
            throw new CliFailure("the engine refused", error + " [" + code + "]", null, exit, null);
        }
        return map;
    }

    private String exchange(String request) {
        IOException writeFailed = null;
        try {
            ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
        } catch (IOException e) {
            // The server may answer at once and hang up (denied, busy, too large) before reading the whole request;
            // its answer is still waiting to be read and says more than "Broken pipe".
            writeFailed = e;
        }
        try {
            line.reset();
            while (true) {
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n') {
                        return line.toString(StandardCharsets.UTF_8);
                    }
                    line.write(b);
                    if (line.size() > MAX_RESPONSE_BYTES) {
                        throw new CliFailure("unreadable answer from the engine at " + socket,
                                "longer than " + MAX_RESPONSE_BYTES + " bytes", null);
                    }
                }
                buffer.clear();
                int n = channel.read(buffer);
                buffer.flip();
                if (n < 0 && writeFailed != null) {
                    throw new CliFailure("control socket " + socket + " failed", String.valueOf(writeFailed.getMessage()),
                            null, ExitCodes.FAILURE, writeFailed);
                }
                if (n < 0) {
                    throw new CliFailure("no answer from the engine at " + socket,
                            "it closed the connection" + (line.size() > 0 ? " mid-answer" : ""),
                            "see the engine's standard error for why");
                }
            }
        } catch (IOException e) {
            IOException cause = writeFailed != null ? writeFailed : e;
            throw new CliFailure("control socket " + socket + " failed", String.valueOf(cause.getMessage()), null,
                    ExitCodes.FAILURE, cause);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a Unix socket we only read from: nothing to report.
        }
    }
}
