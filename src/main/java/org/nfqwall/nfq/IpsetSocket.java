package org.nfqwall.nfq;

import static org.nfqwall.nfq.Netlink.NETLINK_NETFILTER;
import static org.nfqwall.nfq.Netlink.NLMSG_ERROR;
import static org.nfqwall.nfq.Netlink.NLMSG_HDRLEN;
import static org.nfqwall.nfq.Netlink.align4;
import static org.nfqwall.nfq.Netlink.getHostInt;
import static org.nfqwall.nfq.Netlink.getHostShort;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Adds addresses to kernel ipsets over netlink (NETLINK_NETFILTER, subsystem NFNL_SUBSYS_IPSET),
 * as {@code ipset add SET ADDRESS timeout T -exist} would, without a process per add: one
 * request ({@link IpsetMessages}), one wait for the kernel's answer, a few microseconds.
 *
 * <p>An address already in the set has its timeout renewed. The kernel's refusals that an admin
 * can fix are results, not exceptions, so the packet path counts them and goes on:
 * {@link #NO_SUCH_SET} (the set was never created or was destroyed), {@link #SET_FULL}
 * ({@code maxelem} reached; new addresses wait for old ones to expire) and {@link #FAILED}
 * (anything else; {@link #lastError()} says what).
 *
 * <p>Owned by one thread (each queue worker opens its own: nothing is shared, nothing locked);
 * not thread-safe. {@link #add} allocates nothing: the request and answer buffers are reused.
 * A wait for the answer is bounded by the socket's receive timeout
 * ({@value #RECEIVE_TIMEOUT_MILLIS} ms), so a kernel that never answers cannot hold a worker.
 */
public final class IpsetSocket implements AutoCloseable {
    /** {@link #add}: the address is in the set now, its timeout (re)started. */
    public static final int ADDED = 0;
    /** {@link #add}: no set of that name (ENOENT). */
    public static final int NO_SUCH_SET = 1;
    /** {@link #add}: the set holds {@code maxelem} entries (IPSET_ERR_HASH_FULL). */
    public static final int SET_FULL = 2;
    /** {@link #add}: any other failure; see {@link #lastError()}. */
    public static final int FAILED = 3;

    /** Longest wait for the kernel's answer to one add: {@value} ms. */
    static final int RECEIVE_TIMEOUT_MILLIS = 1000;
    static final int ENOENT = 2;
    static final int IPSET_ERR_PRIVATE = 4096;
    static final int IPSET_ERR_PROTOCOL = 4097;
    static final int IPSET_ERR_INVALID_FAMILY = 4106;
    static final int IPSET_ERR_TIMEOUT = 4107;
    static final int IPSET_ERR_IPADDR_IPV4 = 4109;
    static final int IPSET_ERR_IPADDR_IPV6 = 4110;
    /** IPSET_ERR_TYPE_SPECIFIC, which hash types use as IPSET_ERR_HASH_FULL. */
    static final int IPSET_ERR_HASH_FULL = 4352;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    /** Datagrams read while waiting for one answer (older answers, signals) before giving up: {@value}. */
    private static final int MAX_DATAGRAMS_PER_ANSWER = 16;
    private static final int ANSWER_BYTES = 1024;

    private final Native.LibC libc;
    private final Native.LibMnl mnl;
    private final long socket;
    private final ByteBuffer request = ByteBuffer.allocateDirect(IpsetMessages.MAX_ADD_BYTES).order(ByteOrder.BIG_ENDIAN);
    private final long requestAddress;
    private final ByteBuffer answer = ByteBuffer.allocateDirect(ANSWER_BYTES).order(ByteOrder.BIG_ENDIAN);
    private final long answerAddress;
    private int sequence;
    private int lastError;
    private boolean closed;

    private IpsetSocket(Native.LibC libc, Native.LibMnl mnl, long socket) {
        this.libc = libc;
        this.mnl = mnl;
        this.socket = socket;
        this.requestAddress = Native.addressOf(request);
        this.answerAddress = Native.addressOf(answer);
    }

    /**
     * Opens and binds a netlink socket for ipset requests in the caller's network namespace.
     *
     * @throws NfqException "could not open an ipset socket: ..." with the failing call and errno,
     *                      or the one-line reason a native library is missing
     */
    public static IpsetSocket open() throws NfqException {
        Native.LibC libc = Native.libc();
        Native.LibMnl mnl = Native.mnl();
        long socket = mnl.mnl_socket_open(NETLINK_NETFILTER);
        if (socket == 0) {
            throw new NfqException("could not open an ipset socket", QueueSocket.failure(libc, "mnl_socket_open"));
        }
        try {
            if (mnl.mnl_socket_bind(socket, 0, 0) < 0) {
                throw QueueSocket.failure(libc, "mnl_socket_bind");
            }
            IpsetSocket s = new IpsetSocket(libc, mnl, socket);
            s.setReceiveTimeout();
            return s;
        } catch (NfqException e) {
            mnl.mnl_socket_close(socket);
            throw new NfqException("could not open an ipset socket", e);
        }
    }

    /**
     * Adds the address {@code hi}/{@code lo} (128 bits; IPv4 in the low 32 bits of {@code lo}) to
     * the set {@code setName} of that family with a timeout of {@code timeoutSeconds}, renewing
     * it when the address is there already, and waits for the kernel's answer.
     *
     * @return {@link #ADDED}, {@link #NO_SUCH_SET}, {@link #SET_FULL} or {@link #FAILED}
     */
    public int add(String setName, boolean ipv6, long hi, long lo, long timeoutSeconds) {
        if (closed) {
            throw new IllegalStateException("the ipset socket is closed");
        }
        int seq = ++sequence;
        int length = IpsetMessages.putAdd(request, seq, setName, ipv6, hi, lo, timeoutSeconds);
        long sent;
        do {
            sent = mnl.mnl_socket_sendto(socket, requestAddress, length);
        } while (sent < 0 && Native.lastErrno() == QueueSocket.EINTR);
        if (sent < 0) {
            return failed(Native.lastErrno());
        }
        return awaitAnswer(seq);
    }

    /**
     * The kernel's code for the last {@link #FAILED} (or other refused) add: an errno
     * ({@code 11} EAGAIN when no answer came in time) or an IPSET_ERR_* value (4096 and up).
     */
    public int lastError() {
        return lastError;
    }

    /** Words for an error code of {@link #lastError()}, for a log line (allocates). */
    public String describe(int error) {
        return switch (error) {
            case ENOENT -> "no such set";
            case IPSET_ERR_HASH_FULL -> "set is full (maxelem reached)";
            case IPSET_ERR_PROTOCOL -> "ipset protocol error (kernel too old?)";
            case IPSET_ERR_INVALID_FAMILY, IPSET_ERR_IPADDR_IPV4, IPSET_ERR_IPADDR_IPV6 ->
                    "the set is of the other address family";
            case IPSET_ERR_TIMEOUT -> "the set was created without timeout support";
            case QueueSocket.EAGAIN -> "no answer from the kernel within " + RECEIVE_TIMEOUT_MILLIS + " ms";
            default -> error >= IPSET_ERR_PRIVATE ? "ipset error " + error : "errno " + error + " (" + libc.strerror(error) + ")";
        };
    }

    /** Closes the socket. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            mnl.mnl_socket_close(socket);
        }
    }

    /**
     * Reads answers until the NLMSG_ERROR (error 0: the ACK) for {@code seq}. Answers to older
     * requests (one that timed out, answered late) are skipped, a bounded number of them.
     */
    private int awaitAnswer(int seq) {
        for (int datagram = 0; datagram < MAX_DATAGRAMS_PER_ANSWER; datagram++) {
            long received = mnl.mnl_socket_recvfrom(socket, answerAddress, ANSWER_BYTES);
            if (received < 0) {
                int errno = Native.lastErrno();
                if (errno == QueueSocket.EINTR) {
                    continue;
                }
                return failed(errno);
            }
            for (int pos = 0; received - pos >= NLMSG_HDRLEN; ) {
                int len = getHostInt(answer, pos);
                if (len < NLMSG_HDRLEN || len > received - pos) {
                    break;
                }
                if (getHostShort(answer, pos + 4) == NLMSG_ERROR && getHostInt(answer, pos + 8) == seq
                        && len >= NLMSG_HDRLEN + 4) {
                    return result(-getHostInt(answer, pos + NLMSG_HDRLEN));
                }
                pos += align4(len);
            }
        }
        return failed(QueueSocket.EAGAIN);
    }

    private int result(int error) {
        if (error == 0) {
            return ADDED;
        }
        lastError = error;
        return switch (error) {
            case ENOENT -> NO_SUCH_SET;
            case IPSET_ERR_HASH_FULL -> SET_FULL;
            default -> FAILED;
        };
    }

    private int failed(int errno) {
        lastError = errno;
        return FAILED;
    }

    /** struct timeval { long tv_sec; long tv_usec; }: bounds every wait for an answer. */
    private void setReceiveTimeout() throws NfqException {
        ByteBuffer tv = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        tv.putLong(0, RECEIVE_TIMEOUT_MILLIS / 1000);
        tv.putLong(8, (RECEIVE_TIMEOUT_MILLIS % 1000) * 1000L);
        if (libc.setsockopt(mnl.mnl_socket_get_fd(socket), SOL_SOCKET, SO_RCVTIMEO, Native.addressOf(tv), 16) != 0) {
            throw QueueSocket.failure(libc, "setsockopt(SO_RCVTIMEO)");
        }
    }
}
