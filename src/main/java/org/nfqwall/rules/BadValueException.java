package org.nfqwall.rules;

/**
 * A value in a rules file is wrong; the message says what is wrong and what is expected, and the
 * reader that caught it adds the file, line and column of the node.
 */
public final class BadValueException extends Exception {
    private static final long serialVersionUID = 1L;

    BadValueException(String message) {
        // No stack trace: this is a user error, reported by position, not a program fault.
        super(message, null, false, false);
    }
}
