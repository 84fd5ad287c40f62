package org.nfqwall.nfq;

/**
 * A native call of the queue binding failed, or the kernel refused a request; carries the function
 * and errno as data and says them in the message, e.g.
 * {@code nfq_nlmsg_cfg_put_cmd(..) failed: errno 1 (Operation not permitted)}.
 */
public final class NfqException extends Exception {
    private final String function;
    private final int errno;

    /** A failed call: {@code function} is the C function (or the builder of the refused message). */
    public NfqException(String function, int errno, String description) {
        super(function + "(..) failed: errno " + errno + " (" + description + ")");
        this.function = function;
        this.errno = errno;
    }

    /** A failure that is not one call's errno, such as a missing library; errno is 0. */
    public NfqException(String message) {
        super(message);
        this.function = "";
        this.errno = 0;
    }

    /** Wraps {@code cause} with what was being done, keeping its function and errno. */
    NfqException(String doing, NfqException cause) {
        super(doing + ": " + cause.getMessage(), cause);
        this.function = cause.function;
        this.errno = cause.errno;
    }

    /** The C function that failed, or "" when the failure was not a call. */
    public String function() {
        return function;
    }

    /** The errno of the failure, or 0 when there is none. */
    public int errno() {
        return errno;
    }
}
