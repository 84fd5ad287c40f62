package org.nfqwall.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.nfqwall.control.ControlRequest;
import org.nfqwall.control.ControlResponse;
import org.nfqwall.control.ProtocolException;

/**
 * The daemon's end of the control socket: a UNIX stream socket at a path, one JSON request per
 * line, one JSON response per line (see {@link ControlRequest}, {@link ControlResponse}).
 *
 * <p>The socket file is created with mode 0600, or 0660 and the control group; a stale socket
 * file left by a daemon that died is replaced, a live one (another daemon answers) is not. Each
 * connection's peer is checked with SO_PEERCRED ({@link PeerPolicy}) before anything is read.
 *
 * <p>Threads: one acceptor, and one thread per connection, at most {@value #MAX_CONNECTIONS}
 * at once (beyond, a connection gets an error line and is closed); a connection idle for
 * {@value #IDLE_TIMEOUT_SECONDS} s is closed. None of them touches the packet path: the
 * handler swaps the rule-set reference and reads counters.
 */
final class ControlServer implements AutoCloseable {
    /** Connections served at once: {@value}. */
    public static final int MAX_CONNECTIONS = 8;
    /** A connection without a request this long is closed: {@value} seconds. */
    public static final int IDLE_TIMEOUT_SECONDS = 300;
    private static final int SOCKET_FILE_TYPE = 0140000;

    /** Answers one request; {@code access} says what the peer may do. Called on connection threads. */
    @FunctionalInterface
    interface Handler {
        ControlResponse handle(ControlRequest request, PeerPolicy.Access access);
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final PeerPolicy policy;
    private final Handler handler;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final Thread reaper;
    private volatile boolean closed;

    ControlServer(Path path, ServerSocketChannel server, PeerPolicy policy, Handler handler) {
        this.path = path;
        this.server = server;
        this.policy = policy;
        this.handler = handler;
        this.acceptor = new Thread(this::acceptLoop, "nfqwall-control");
        this.acceptor.setDaemon(true);
        this.reaper = new Thread(this::reapIdle, "nfqwall-control-idle");
        this.reaper.setDaemon(true);
    }

    /**
     * Binds the socket at {@code path} (its directory created if missing), sets its mode and
     * group, and starts serving.
     *
     * @param group the control group's name, or null for mode 0600
     * @throws IOException naming what failed: another daemon listening, a path that is not a
     *     socket, an unknown group, no permission
     */
    static ControlServer start(Path path, String group, Handler handler) throws IOException {
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        GroupPrincipal groupPrincipal = null;
        if (group != null) {
            try {
                groupPrincipal = users.lookupPrincipalByGroupName(group);
            } catch (UserPrincipalNotFoundException e) {
                throw new IOException("--control-group " + group + ": no such group");
            }
        }
        ServerSocketChannel server = bind(path);
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            if (groupPrincipal != null) {
                view.setGroup(groupPrincipal);
            }
            view.setPermissions(PosixFilePermissions.fromString(group != null ? "rw-rw----" : "rw-------"));
            UserPrincipal self = view.getOwner();
            // A set, not Set.of: the daemon's user is usually root itself.
            Set<UserPrincipal> full = new HashSet<>(List.of(users.lookupPrincipalByName("root"), self));
            PeerPolicy policy = new PeerPolicy(full, groupPrincipal, group, Path.of("/etc/group"));
            ControlServer s = new ControlServer(path, server, policy, handler);
            s.startThreads();
            return s;
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /** Binds the socket, replacing a stale socket file; package-private for tests with their own policy. */
    static ServerSocketChannel bind(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if ((mode & 0170000) != SOCKET_FILE_TYPE) {
                throw new IOException(path + " exists and is not a socket; remove it or choose another --control PATH");
            }
            if (answers(path)) {
                throw new IOException("another process (a running nfqwall?) listens on " + path
                        + "; stop it or choose another --control PATH");
            }
            // A stale socket of a daemon that died: nobody listens, so it is safe to replace.
            Files.delete(path);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot create the control socket " + path + ": " + e.getMessage(), e);
        }
        return server;
    }

    private static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    void startThreads() {
        acceptor.start();
        reaper.start();
    }

    /** The socket's path. */
    Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                sleepQuietly(100);
                continue;
            }
            accepted(channel);
        }
    }

    private void accepted(SocketChannel channel) {
        PeerPolicy.Access access;
        UserPrincipal user = null;
        try {
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            user = peer.user();
            access = policy.check(peer.user(), peer.group());
        } catch (IOException | RuntimeException e) {
            access = PeerPolicy.Access.REFUSED;
        }
        if (access == PeerPolicy.Access.REFUSED) {
            refuse(channel, ControlResponse.refused(policy.refusal(user)));
            return;
        }
        if (!slots.tryAcquire()) {
            refuse(channel, ControlResponse.refused("busy: " + MAX_CONNECTIONS + " control connections are open; try again"));
            return;
        }
        Connection c = new Connection(channel, access);
        connections.add(c);
        Thread t = new Thread(c, "nfqwall-control-conn");
        t.setDaemon(true);
        t.start();
    }

    private static void refuse(SocketChannel channel, ControlResponse response) {
        try (channel) {
            writeLine(channel, response.toJson());
        } catch (IOException e) {
            // The peer went away; nothing to tell it.
        }
    }

    private static void writeLine(SocketChannel channel, String line) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    /** One client connection: read a line, answer it, until the client closes or idles out. */
    private final class Connection implements Runnable {
        private final SocketChannel channel;
        private final PeerPolicy.Access access;
        private volatile long lastActive = System.nanoTime();

        Connection(SocketChannel channel, PeerPolicy.Access access) {
            this.channel = channel;
            this.access = access;
        }

        @Override
        public void run() {
            ByteBuffer in = ByteBuffer.allocate(8192);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try (channel) {
                while (!closed) {
                    in.clear();
                    int n = channel.read(in);
                    if (n < 0) {
                        return;
                    }
                    lastActive = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        byte b = in.get(i);
                        if (b != '\n') {
                            line.write(b);
                            continue;
                        }
                        String request = line.toString(StandardCharsets.UTF_8).strip();
                        line.reset();
                        if (!request.isEmpty()) {
                            writeLine(channel, answer(request).toJson());
                            lastActive = System.nanoTime();
                        }
                    }
                    if (line.size() > ControlRequest.MAX_REQUEST_BYTES) {
                        writeLine(channel, ControlResponse.failure("request longer than "
                                + ControlRequest.MAX_REQUEST_BYTES + " bytes; expected one JSON object per line").toJson());
                        return;
                    }
                }
            } catch (IOException e) {
                // Closed by the client, by the idle reaper or by shutdown.
            } finally {
                connections.remove(this);
                slots.release();
            }
        }

        private ControlResponse answer(String line) {
            try {
                return handler.handle(ControlRequest.fromJson(line), access);
            } catch (ProtocolException e) {
                return ControlResponse.failure(e.getMessage());
            } catch (RuntimeException e) {
                return ControlResponse.failure("internal error: " + e);
            }
        }

        void closeIfIdle(long now) {
            if (now - lastActive > IDLE_TIMEOUT_SECONDS * 1_000_000_000L) {
                closeQuietly();
            }
        }

        void closeQuietly() {
            try {
                channel.close();
            } catch (IOException e) {
                // Already closed.
            }
        }
    }

    private void reapIdle() {
        while (!closed) {
            sleepQuietly(1000);
            long now = System.nanoTime();
            for (Connection c : connections) {
                c.closeIfIdle(now);
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting, closes every connection and removes the socket file. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        for (Connection c : connections) {
            c.closeQuietly();
        }
        reaper.interrupt();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // A leftover socket file is replaced at the next start.
        }
    }
}
