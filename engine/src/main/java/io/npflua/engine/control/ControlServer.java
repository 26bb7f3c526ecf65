package io.npflua.engine.control;

import io.npflua.engine.agent.ErrorHandler;
import io.npflua.engine.json.Json;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The control socket's server: a Unix domain socket speaking newline-delimited JSON ({@code docs/control-protocol.md}),
 * served by one thread of its own ({@code npflua-control}) with a selector; never on a worker.
 *
 * <p><b>Who may connect.</b> The socket is created mode 0600, owned by the user running the engine, without a moment
 * in which it is reachable with a wider mode: it is bound inside a fresh private directory (mode 0700) next to the
 * final path, chmod-ed to 0600 there, then renamed into place (rename(2) is atomic and keeps the inode and its mode).
 * Every accepted connection is then checked with {@code SO_PEERCRED}: anyone but root and the engine's user gets an
 * error reply ({@code denied}) and is disconnected.
 *
 * <p><b>Robustness.</b> A request is at most {@link #MAX_REQUEST_BYTES}; a longer one is answered {@code too_large}
 * and the connection closed (the stream cannot be resynchronized). A request cut off by end of input gets
 * {@code truncated}; invalid UTF-8 or JSON gets {@code malformed}. At most {@link #MAX_CONNECTIONS} clients at once
 * (more are answered {@code busy}); idle connections close after {@link #IDLE_TIMEOUT_MS}. None of this touches the
 * workers: the worst a client can do is keep this thread busy for one request.
 */
public final class ControlServer implements AutoCloseable {
    /**
     * Largest request line accepted, newline excluded (a script's source travels inside it): the document length of
     * the parser's {@link Json#CONTROL_CONSTRAINTS}, so the line buffer and the parser agree on one bound.
     */
    public static final int MAX_REQUEST_BYTES = Math.toIntExact(Json.CONTROL_CONSTRAINTS.getMaxDocumentLength());
    /** Clients served at once. */
    public static final int MAX_CONNECTIONS = 32;
    /** A connection with no traffic for this long is closed. */
    public static final long IDLE_TIMEOUT_MS = 60_000;
    // A client that sends requests but never reads responses is cut off beyond this much pending output.
    private static final int MAX_PENDING_OUTPUT = 16 << 20;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path path;
    private final Function<String, String> handler;
    private final ErrorHandler errors;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final PeerPolicy policy;
    private final Object fileKey;
    private final Thread thread;
    private volatile boolean running = true;
    private int connections;

    private ControlServer(
            Path path, Function<String, String> handler, ErrorHandler errors, Set<PosixFilePermission> mode)
            throws IOException {
        this.path = path.toAbsolutePath();
        this.handler = handler;
        this.errors = errors;
        this.server = bindPrivately(this.path, mode);
        this.fileKey = Files.readAttributes(this.path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .fileKey();
        this.policy = new PeerPolicy(
                Files.getOwner(this.path, LinkOption.NOFOLLOW_LINKS).getName());
        this.selector = Selector.open();
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        this.thread = new Thread(this::run, "npflua-control");
        thread.setDaemon(true);
    }

    /**
     * Binds {@code path} (mode 0600) and starts serving {@code handler} on a thread of its own. Throws an
     * {@link IOException} with an actionable message when the path is taken by another engine, is not a socket, or
     * its directory is missing or not writable.
     */
    public static ControlServer start(Path path, Function<String, String> handler, ErrorHandler errors)
            throws IOException {
        return start(path, handler, errors, OWNER_ONLY);
    }

    // Package-private: tests widen the mode to reach the SO_PEERCRED check as another user.
    static ControlServer start(
            Path path, Function<String, String> handler, ErrorHandler errors, Set<PosixFilePermission> mode)
            throws IOException {
        ControlServer s =
                new ControlServer(path, Objects.requireNonNull(handler), Objects.requireNonNull(errors), mode);
        s.thread.start();
        return s;
    }

    private static ServerSocketChannel bindPrivately(Path path, Set<PosixFilePermission> mode) throws IOException {
        Path parent = path.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IOException("cannot create control socket " + path + ": directory " + parent
                    + " does not exist (create it or choose another --control path)");
        }
        clearStale(path);
        Path dir;
        try {
            dir = Files.createTempDirectory(
                    parent,
                    ".npflua-control-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new IOException(
                    "cannot create control socket in " + parent + ": " + e.getMessage()
                            + " (is the directory writable by this user?)",
                    e);
        }
        Path staging = dir.resolve("s");
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(staging));
            // Inside a 0700 directory nobody else can reach the socket while its mode is still the umask's.
            Files.setPosixFilePermissions(staging, mode);
            try {
                Files.move(staging, path, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                throw new IOException(
                        "control socket " + path + " appeared while binding: another engine is"
                                + " starting with the same --control path",
                        e);
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(staging);
            if (e instanceof IOException io
                    && io.getMessage() != null
                    && io.getMessage().contains("too long")) {
                throw new IOException(
                        "control socket path " + path + " is too long for a Unix socket (108 bytes"
                                + " including a temporary name): choose a shorter --control path",
                        e);
            }
            throw e;
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    @SuppressWarnings("try") // the probe connection is only opened to see whether anyone listens
    private static void clearStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isOther()) {
            throw new IOException(path + " exists and is not a socket; refusing to replace it (remove it or choose"
                    + " another --control path)");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new IOException(
                    "another engine is listening on " + path + " (stop it or choose another" + " --control path)");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("another engine")) {
                throw e;
            }
            // Nobody listens: a socket left behind by an engine that died. Replace it.
            Files.deleteIfExists(path);
        }
    }

    /** The socket's path. */
    public Path path() {
        return path;
    }

    /** The user (besides root) allowed to connect. */
    public String engineUser() {
        return policy.engineUser();
    }

    private static final class Connection {
        final SocketChannel channel;
        ByteBuffer in = ByteBuffer.allocate(4096);
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        long pendingOut;
        int scanned;
        boolean closeAfterWrite;
        long lastActivityNs = System.nanoTime();

        Connection(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private void run() {
        try {
            while (running) {
                selector.select(1000);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    try {
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isAcceptable()) {
                            accept();
                            continue;
                        }
                        Connection c = (Connection) key.attachment();
                        if (key.isReadable()) {
                            read(key, c);
                        }
                        if (key.isValid() && key.isWritable()) {
                            write(key, c);
                        }
                    } catch (IOException | RuntimeException e) {
                        if (key.channel() == server) {
                            // accept failed (e.g. out of file descriptors): keep listening, say why.
                            errors.onWorkerError(-1, "control socket accept failed", e, false);
                        } else {
                            drop(key);
                        }
                    }
                }
                expireIdle();
            }
        } catch (ClosedSelectorException e) {
            // close() raced with select: we are done.
        } catch (IOException | RuntimeException e) {
            errors.onWorkerError(-1, "control socket " + path + " stopped", e, false);
        }
    }

    private void accept() throws IOException {
        SocketChannel ch = server.accept();
        if (ch == null) {
            return;
        }
        ch.configureBlocking(false);
        Connection c = new Connection(ch);
        SelectionKey key = ch.register(selector, SelectionKey.OP_READ, c);
        connections++;
        String refusal;
        try {
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            refusal = policy.refusal(peer.user().getName());
        } catch (IOException | UnsupportedOperationException e) {
            refusal = "permission denied: cannot read the peer's credentials (" + e.getMessage() + ")";
        }
        if (refusal != null) {
            reply(key, c, ControlProtocol.error(null, "denied", refusal), true);
        } else if (connections > MAX_CONNECTIONS) {
            reply(
                    key,
                    c,
                    ControlProtocol.error(
                            null, "busy", "too many control connections (" + MAX_CONNECTIONS + "); try again"),
                    true);
        }
    }

    private void read(SelectionKey key, Connection c) throws IOException {
        if (c.closeAfterWrite) {
            // Discard whatever else arrives: the answer is already on its way and the connection will close.
            c.in.clear();
            if (c.channel.read(c.in) < 0) {
                key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
            }
            c.in.clear();
            return;
        }
        if (!c.in.hasRemaining()) {
            grow(c);
        }
        int n = c.channel.read(c.in);
        c.lastActivityNs = System.nanoTime();
        if (n > 0) {
            lines(key, c);
            return;
        }
        if (n < 0) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
            if (c.in.position() > 0) {
                reply(
                        key,
                        c,
                        ControlProtocol.error(
                                null,
                                "truncated",
                                "request ended without a newline after " + c.in.position()
                                        + " bytes; each request is one JSON object followed by \\n"),
                        true);
            } else if (c.out.isEmpty()) {
                drop(key);
            } else {
                c.closeAfterWrite = true;
            }
        }
    }

    private void grow(Connection c) {
        int limit = MAX_REQUEST_BYTES + 1;
        if (c.in.capacity() >= limit) {
            return;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.min(limit, c.in.capacity() * 2));
        c.in.flip();
        bigger.put(c.in);
        c.in = bigger;
    }

    private void lines(SelectionKey key, Connection c) throws IOException {
        ByteBuffer in = c.in;
        int start = 0;
        for (int i = c.scanned; i < in.position(); i++) {
            if (in.get(i) != '\n') {
                continue;
            }
            int end = i > start && in.get(i - 1) == '\r' ? i - 1 : i;
            if (end > start) {
                reply(key, c, answer(in, start, end), false);
            }
            start = i + 1;
        }
        if (start > 0) {
            in.flip().position(start);
            in.compact();
        }
        c.scanned = in.position();
        if (in.position() > MAX_REQUEST_BYTES) {
            reply(
                    key,
                    c,
                    ControlProtocol.error(
                            null,
                            "too_large",
                            "request longer than " + MAX_REQUEST_BYTES + " bytes; closing the connection"),
                    true);
        }
    }

    private String answer(ByteBuffer in, int start, int end) {
        CharBuffer text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(in.duplicate().position(start).limit(end));
        } catch (CharacterCodingException e) {
            return ControlProtocol.error(null, "malformed", "request is not valid UTF-8");
        }
        try {
            return handler.apply(text.toString());
        } catch (RuntimeException e) {
            return ControlProtocol.error(null, "internal", "internal error: " + e);
        }
    }

    private void reply(SelectionKey key, Connection c, String response, boolean thenClose) throws IOException {
        byte[] bytes = (response + "\n").getBytes(StandardCharsets.UTF_8);
        c.out.add(ByteBuffer.wrap(bytes));
        c.pendingOut += bytes.length;
        if (thenClose) {
            c.closeAfterWrite = true;
        }
        if (c.pendingOut > MAX_PENDING_OUTPUT) {
            drop(key);
            return;
        }
        write(key, c);
    }

    private void write(SelectionKey key, Connection c) throws IOException {
        while (!c.out.isEmpty()) {
            ByteBuffer b = c.out.peek();
            c.pendingOut -= c.channel.write(b);
            if (b.hasRemaining()) {
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
                return;
            }
            c.out.poll();
        }
        key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        if (c.closeAfterWrite) {
            drop(key);
        }
    }

    private void expireIdle() {
        long now = System.nanoTime();
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Connection c
                    && now - c.lastActivityNs > TimeUnit.MILLISECONDS.toNanos(IDLE_TIMEOUT_MS)) {
                drop(key);
            }
        }
    }

    private void drop(SelectionKey key) {
        if (key.attachment() instanceof Connection c) {
            key.attach(null);
            connections--;
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // Closing a socket we are done with: nothing to do about a failure.
            }
        }
        key.cancel();
    }

    /** Stops serving, closes every connection and removes the socket file (if it is still ours). Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (!selector.isOpen()) {
            return;
        }
        running = false;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            drop(key);
        }
        selector.close();
        server.close();
        try {
            if (Objects.equals(
                    fileKey,
                    Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                            .fileKey())) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // Already gone.
        }
    }
}
