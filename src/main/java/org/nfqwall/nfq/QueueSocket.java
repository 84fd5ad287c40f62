package org.nfqwall.nfq;

import static org.nfqwall.nfq.Netlink.NETLINK_NETFILTER;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One bound NFQUEUE: receives packets in batches and sends their verdicts in batches, two native
 * calls per batch ({@code recvmmsg} and {@code sendto}) and no allocation per packet.
 *
 * <p>Owned by one thread, which calls {@link #receive}, then {@link #verdict} for each packet,
 * then {@link #flushVerdicts}; not thread-safe. Every received packet needs a verdict: the kernel
 * holds it until then (or until the socket closes, which drops it).
 */
public final class QueueSocket implements AutoCloseable {
    private static final int MSG_WAITFORONE = 0x10000;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENOBUFS = 105;
    /** Sends of a verdict batch that met ENOBUFS before its verdicts are given up: {@value}. */
    static final int SEND_ATTEMPTS = 3;

    private final QueueConfig config;
    private final Native.LibC libc;
    private final Native.LibMnl mnl;
    private final long socket;
    private final int fd;
    private final ByteBuffer pending;
    private final long pendingAddress;
    private final VerdictWriter writer;
    private boolean receiveBufferForced;
    private int receiveBufferBytes;
    private String gsoRefusal;
    private boolean closed;

    /** Rare, and read by metrics from another thread: atomic. */
    private final AtomicLong enobufs = new AtomicLong();
    private long receiveCalls;
    private long packetsReceived;
    private long netlinkErrors;

    private QueueSocket(QueueConfig config, Native.LibC libc, Native.LibMnl mnl, long socket) {
        this.config = config;
        this.libc = libc;
        this.mnl = mnl;
        this.socket = socket;
        this.fd = mnl.mnl_socket_get_fd(socket);
        this.pending = ByteBuffer.allocateDirect(config.batchSize() * VerdictWriter.VERDICT_WITH_MARK_LENGTH)
                .order(ByteOrder.BIG_ENDIAN);
        this.pendingAddress = Native.addressOf(pending);
        this.writer = new VerdictWriter(pending, config.queueNumber());
    }

    /**
     * Opens a netlink socket, sizes its receive buffer ({@code SO_RCVBUFFORCE}, else
     * {@code SO_RCVBUF}: see {@link #receiveBufferForced()}), sets the receive timeout, binds the
     * queue and sets copy-packet mode, the queue length, the fail-open flag and NFQA_CFG_F_GSO
     * (GSO/GRO super-packets queued whole; see {@link #gsoRefusal()}), each acknowledged by the
     * kernel.
     *
     * @throws NfqException "could not bind to queue N: ..." with the failing call and errno, or
     *                      the one-line reason a native library is missing
     */
    public static QueueSocket open(QueueConfig config) throws NfqException {
        Native.LibC libc = Native.libc();
        Native.LibMnl mnl = Native.mnl();
        Native.LibNfq nfq = Native.nfq();
        long socket = mnl.mnl_socket_open(NETLINK_NETFILTER);
        if (socket == 0) {
            throw new NfqException("could not bind to queue " + config.queueNumber(), failure(libc, "mnl_socket_open"));
        }
        QueueSocket queue = null;
        try {
            if (mnl.mnl_socket_bind(socket, 0, 0) < 0) {
                throw failure(libc, "mnl_socket_bind");
            }
            queue = new QueueSocket(config, libc, mnl, socket);
            new QueueSetup(queue, nfq).run();
            return queue;
        } catch (NfqException e) {
            if (queue != null) {
                queue.closed = true;
            }
            mnl.mnl_socket_close(socket);
            throw new NfqException("could not bind to queue " + config.queueNumber(), e);
        }
    }

    /**
     * Receives with ONE {@code recvmmsg(MSG_WAITFORONE)}: waits up to the receive timeout for the
     * first message, then takes whatever else is queued, up to the batch's capacity, and parses
     * the packets into {@code batch} (which it empties first).
     *
     * @return the packets now in {@code batch}; 0 on timeout, on a signal, or on ENOBUFS (the
     *         socket overflowed and packets were lost; counted in {@link #enobufs()})
     * @throws NfqException when the socket is unusable (errno other than EAGAIN, EINTR, ENOBUFS)
     * @throws IllegalArgumentException when the batch's slots are smaller than this queue's copy range
     */
    public int receive(PacketBatch batch) throws NfqException {
        ensureOpen();
        if (batch.copyRange() < config.copyRange()) {
            // A cut message loses its tail, and a packet we cannot read never gets its verdict.
            throw new IllegalArgumentException("a batch for copy range " + batch.copyRange()
                    + " cannot hold the packets of queue " + config.queueNumber() + " (copy range "
                    + config.copyRange() + "): allocate it with this queue's config");
        }
        batch.reset();
        receiveCalls++;
        int messages = libc.recvmmsg(fd, batch.mmsghdrAddress(), batch.slots(), MSG_WAITFORONE, 0L);
        if (messages < 0) {
            int errno = Native.lastErrno();
            if (errno == EAGAIN || errno == EINTR) {
                return 0;
            }
            if (errno == ENOBUFS) {
                enobufs.incrementAndGet();
                return 0;
            }
            throw failure(libc, "recvmmsg", errno);
        }
        ByteBuffer buffer = batch.buffer();
        for (int slot = 0; slot < messages; slot++) {
            NfqMessageParser.parseDatagram(buffer, batch.slotOffset(slot), batch.receivedLength(slot), batch);
        }
        packetsReceived += batch.size;
        netlinkErrors += batch.errorReplies + batch.malformed;
        return batch.size;
    }

    /**
     * Appends a verdict for {@code packetId} to the pending messages; no native call unless
     * {@code batchSize} verdicts are already pending, in which case they are flushed first.
     */
    public void verdict(int packetId, int verdict) throws NfqException {
        if (!writer.hasRoom()) {
            flushVerdicts();
        }
        writer.add(packetId, verdict);
    }

    /** As {@link #verdict(int, int)}, also setting the packet's fwmark to {@code mark}. */
    public void verdict(int packetId, int verdict, int mark) throws NfqException {
        if (!writer.hasRoom()) {
            flushVerdicts();
        }
        writer.add(packetId, verdict, mark);
    }

    /**
     * Sends every pending verdict in ONE {@code sendto}, retrying on EINTR; ENOBUFS is counted
     * and retried up to {@value #SEND_ATTEMPTS} sends in all, since an unsent verdict leaves its
     * packet held by the kernel.
     *
     * @throws NfqException when the socket is unusable; the pending verdicts are discarded
     */
    public void flushVerdicts() throws NfqException {
        ensureOpen();
        int length = writer.length();
        if (length == 0) {
            return;
        }
        try {
            int attempts = 0;
            while (true) {
                long sent = mnl.mnl_socket_sendto(socket, pendingAddress, length);
                if (sent >= 0) {
                    return;
                }
                int errno = Native.lastErrno();
                if (errno == ENOBUFS) {
                    enobufs.incrementAndGet();
                    if (++attempts == SEND_ATTEMPTS) {
                        return;
                    }
                } else if (errno != EINTR) {
                    throw failure(libc, "sendto", errno);
                }
            }
        } finally {
            writer.clear();
        }
    }

    /** Verdicts appended and not yet sent. */
    public int pendingVerdicts() {
        return writer.count();
    }

    /** ENOBUFS met by receives (the socket buffer overflowed: packets lost) and by verdict sends. */
    public long enobufs() {
        return enobufs.get();
    }

    /** Calls of {@code recvmmsg} made by {@link #receive}. */
    public long receiveCalls() {
        return receiveCalls;
    }

    /** Packets parsed by {@link #receive}. */
    public long packetsReceived() {
        return packetsReceived;
    }

    /** Error replies from the kernel (e.g. a verdict for an unknown packet id) and unreadable messages. */
    public long netlinkErrors() {
        return netlinkErrors;
    }

    /** The configuration this queue was opened with. */
    public QueueConfig config() {
        return config;
    }

    /**
     * True when SO_RCVBUFFORCE set the requested buffer; false when it was refused (no
     * CAP_NET_ADMIN) and SO_RCVBUF, capped by net.core.rmem_max, was used instead.
     */
    public boolean receiveBufferForced() {
        return receiveBufferForced;
    }

    /**
     * Null when the queue takes GSO/GRO super-packets whole (NFQA_CFG_F_GSO); otherwise why the
     * kernel refused the flag: it then segments them before queueing, one queued packet each.
     */
    public String gsoRefusal() {
        return gsoRefusal;
    }

    /** The receive buffer the kernel reports (SO_RCVBUF; the kernel doubles what was asked). */
    public int receiveBufferBytes() {
        return receiveBufferBytes;
    }

    /**
     * Sends pending verdicts, unbinds the queue (the kernel drops packets still waiting for a
     * verdict) and closes the socket; errors are ignored, since nothing more can be done with the
     * socket. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            flushVerdicts();
        } catch (NfqException ignored) {
            // The socket is going away; its held packets are dropped by the kernel on unbind.
        }
        try {
            new QueueSetup(this, Native.nfq()).unbind();
        } catch (NfqException ignored) {
            // Closing the socket releases the queue too.
        }
        closed = true;
        mnl.mnl_socket_close(socket);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("queue " + config.queueNumber() + " is closed");
        }
    }

    // Setup helpers used by QueueSetup.

    long socket() {
        return socket;
    }

    int fd() {
        return fd;
    }

    Native.LibC libc() {
        return libc;
    }

    Native.LibMnl mnl() {
        return mnl;
    }

    void setReceiveBuffer(boolean forced, int bytes) {
        this.receiveBufferForced = forced;
        this.receiveBufferBytes = bytes;
    }

    void setGsoRefusal(String reason) {
        this.gsoRefusal = reason;
    }

    static NfqException failure(Native.LibC libc, String function) {
        return failure(libc, function, Native.lastErrno());
    }

    static NfqException failure(Native.LibC libc, String function, int errno) {
        return new NfqException(function, errno, libc.strerror(errno));
    }
}
