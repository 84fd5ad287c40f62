package org.nfqwall.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A connection to the daemon's control socket: send a request line, read the response line.
 * One connection may carry many requests ({@code stats --watch}).
 *
 * <p>Not thread-safe: one user at a time. Each exchange is bounded by a timeout, so a daemon
 * that stops answering cannot hang the command.
 */
public final class ControlClient implements AutoCloseable {
    /** The socket path when none is given: {@value}. */
    public static final String DEFAULT_SOCKET = "/run/nfqwall/control.sock";
    /** How long a command waits for an answer by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private ControlClient(SocketChannel channel, Selector selector) {
        this.channel = channel;
        this.selector = selector;
    }

    /**
     * Connects to the socket at {@code path}.
     *
     * @throws IOException when there is no daemon there (the message is the system's:
     *     "No such file or directory", "Connection refused", "Permission denied")
     */
    public static ControlClient connect(Path path) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(path));
            channel.configureBlocking(false);
            Selector selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            return new ControlClient(channel, selector);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Sends one request and waits up to {@code timeout} for its response. */
    public ControlResponse send(ControlRequest request, Duration timeout) throws IOException, ProtocolException {
        ByteBuffer out = ByteBuffer.wrap((request.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    if (System.nanoTime() > deadline) {
                        throw new SocketTimeoutException("the daemon did not take the request within " + timeout.toSeconds() + " s");
                    }
                    Thread.onSpinWait();
                }
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            // A daemon that refuses us writes its reason and closes before reading: that line is the answer.
            try {
                return ControlResponse.fromJson(readLine(deadline, timeout));
            } catch (IOException | ProtocolException unread) {
                throw e;
            }
        }
        return ControlResponse.fromJson(readLine(deadline, timeout));
    }

    private String readLine(long deadline, Duration timeout) throws IOException, ProtocolException {
        while (true) {
            // A newline byte never occurs inside a multi-byte UTF-8 sequence: split on bytes, then decode.
            byte[] bytes = pending.toByteArray();
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    pending.reset();
                    pending.write(bytes, i + 1, bytes.length - i - 1);
                    return new String(bytes, 0, i, StandardCharsets.UTF_8);
                }
            }
            if (bytes.length > ControlRequest.MAX_RESPONSE_BYTES) {
                throw new ProtocolException("the daemon's answer is longer than " + ControlRequest.MAX_RESPONSE_BYTES + " bytes");
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("no answer from the daemon within " + timeout.toSeconds() + " s");
            }
            selector.select(left);
            selector.selectedKeys().clear();
            in.clear();
            int n = channel.read(in);
            if (n < 0) {
                throw new IOException("the daemon closed the connection without an answer");
            }
            pending.write(in.array(), 0, n);
        }
    }

    /** Closes the connection; never throws (there is nothing left to tell the daemon). */
    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }
}
