package org.nfqwall.nfq;

import java.nio.ByteBuffer;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * Every native declaration of the package: libc, libmnl and libnetfilter_queue, loaded once, on
 * first use. Pointers are passed as {@code @intptr_t long} addresses (of direct buffers), so no
 * call allocates.
 *
 * <p>{@code @IgnoreError} marks every call whose errno we never read. The two calls made once per
 * batch, {@code recvmmsg} and {@code mnl_socket_sendto}, keep errno saved: it alone tells a
 * timeout, a signal or an overflow (go on) from a dead socket (fail), and errno read after an
 * {@code @IgnoreError} call may already be overwritten by the JVM (a safepoint between the call
 * and the read makes system calls). Measured here: saving costs about 15 ns a call, under 0.3 ns
 * a packet in a batch of 64, and allocates nothing either way.
 *
 * <p>The nested interfaces are public only because JNR implements them; nothing outside this
 * package sees a native type.
 */
final class Native {
    static final String LIBC = "libc.so.6";
    static final String LIBMNL = "libmnl.so.0";
    static final String LIBNFQ = "libnetfilter_queue.so.1";

    private Native() {
    }

    /** The C library: the two calls of the data path and the socket options. */
    public interface LibC {
        // int recvmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags, struct timespec *timeout);
        int recvmmsg(int sockfd, @intptr_t long msgvec, int vlen, int flags, @intptr_t long timeout);

        // int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);
        int setsockopt(int sockfd, int level, int optname, @intptr_t long optval, int optlen);

        // int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);
        int getsockopt(int sockfd, int level, int optname, @intptr_t long optval, @intptr_t long optlen);

        // char *strerror(int errnum);
        @IgnoreError
        String strerror(int errnum);
    }

    /** libmnl: the netlink socket. */
    public interface LibMnl {
        // struct mnl_socket *mnl_socket_open(int bus);
        @intptr_t long mnl_socket_open(int bus);

        // int mnl_socket_bind(struct mnl_socket *nl, unsigned int groups, pid_t pid);
        int mnl_socket_bind(@intptr_t long nl, int groups, int pid);

        // int mnl_socket_get_fd(const struct mnl_socket *nl);
        @IgnoreError
        int mnl_socket_get_fd(@intptr_t long nl);

        // unsigned int mnl_socket_get_portid(const struct mnl_socket *nl);
        @IgnoreError
        int mnl_socket_get_portid(@intptr_t long nl);

        // ssize_t mnl_socket_sendto(const struct mnl_socket *nl, const void *req, size_t siz);
        @ssize_t long mnl_socket_sendto(@intptr_t long nl, @intptr_t long req, @size_t long siz);

        // ssize_t mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t siz);
        @ssize_t long mnl_socket_recvfrom(@intptr_t long nl, @intptr_t long buf, @size_t long siz);

        // int mnl_socket_close(struct mnl_socket *nl);
        int mnl_socket_close(@intptr_t long nl);

        // void mnl_attr_put_u32(struct nlmsghdr *nlh, uint16_t type, uint32_t data);
        @IgnoreError
        void mnl_attr_put_u32(@intptr_t long nlh, short type, int data);
    }

    /** libnetfilter_queue, libmnl-style API: builders of the setup messages. */
    public interface LibNfq {
        // struct nlmsghdr *nfq_nlmsg_put(char *buf, int type, uint32_t queue_num);
        @IgnoreError
        @intptr_t long nfq_nlmsg_put(@intptr_t long buf, int type, int queue_num);

        // void nfq_nlmsg_cfg_put_cmd(struct nlmsghdr *nlh, uint16_t pf, uint8_t cmd);
        @IgnoreError
        void nfq_nlmsg_cfg_put_cmd(@intptr_t long nlh, short pf, byte cmd);

        // void nfq_nlmsg_cfg_put_params(struct nlmsghdr *nlh, uint8_t mode, int range);
        @IgnoreError
        void nfq_nlmsg_cfg_put_params(@intptr_t long nlh, byte mode, int range);

        // void nfq_nlmsg_cfg_put_qmaxlen(struct nlmsghdr *nlh, uint32_t qmaxlen);
        @IgnoreError
        void nfq_nlmsg_cfg_put_qmaxlen(@intptr_t long nlh, int qmaxlen);
    }

    /** The loaded libraries, or the one-line reason they could not be loaded. */
    private static final class Holder {
        static final LibC LIBC_INSTANCE;
        static final LibMnl LIBMNL_INSTANCE;
        static final LibNfq LIBNFQ_INSTANCE;
        static final String FAILURE;

        static {
            LibC c = null;
            LibMnl mnl = null;
            LibNfq nfq = null;
            String failure = null;
            try {
                if (Runtime.getSystemRuntime().addressSize() != 8) {
                    throw new UnsatisfiedLinkError("nfqwall needs a 64-bit Linux (the mmsghdr layout is LP64)");
                }
                c = load(LibC.class, LIBC, "libc6");
                mnl = load(LibMnl.class, LIBMNL, "libmnl0");
                nfq = load(LibNfq.class, LIBNFQ, "libnetfilter-queue1");
            } catch (UnsatisfiedLinkError e) {
                failure = e.getMessage();
            }
            LIBC_INSTANCE = c;
            LIBMNL_INSTANCE = mnl;
            LIBNFQ_INSTANCE = nfq;
            FAILURE = failure;
        }
    }

    /** Loads {@code soname} by its runtime name; a missing library throws one line saying what to install. */
    static <T> T load(Class<T> type, String soname, String debianPackage) {
        try {
            return LibraryLoader.create(type).failImmediately().load(soname);
        } catch (UnsatisfiedLinkError e) {
            throw new UnsatisfiedLinkError(soname + " not found: install it with 'apt-get install "
                    + debianPackage + "'");
        }
    }

    static LibC libc() throws NfqException {
        check();
        return Holder.LIBC_INSTANCE;
    }

    static LibMnl mnl() throws NfqException {
        check();
        return Holder.LIBMNL_INSTANCE;
    }

    static LibNfq nfq() throws NfqException {
        check();
        return Holder.LIBNFQ_INSTANCE;
    }

    private static void check() throws NfqException {
        if (Holder.FAILURE != null) {
            throw new NfqException(Holder.FAILURE);
        }
    }

    /** The errno that the last non-{@code @IgnoreError} call of this thread saved. */
    static int lastErrno() {
        return jnr.ffi.LastError.getLastError(Runtime.getSystemRuntime());
    }

    /** The native address of a direct buffer's first byte (setup only: allocates a wrapper). */
    static long addressOf(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return Pointer.wrap(Runtime.getSystemRuntime(), direct).address();
    }
}
