package org.nfqwall.control;

/** A control-protocol line that is not what the protocol allows; the message says what was expected. */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message);
    }
}
