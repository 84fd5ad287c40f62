package org.nfqwall.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.nfqwall.control.ControlClient;
import org.nfqwall.control.ControlRequest;
import org.nfqwall.control.ControlResponse;
import org.nfqwall.control.ProtocolException;
import picocli.CommandLine.Option;

/**
 * The {@code --control PATH} option of the commands that talk to the daemon, and the call
 * itself: one request, one response, or the exit-3 message when the daemon cannot be reached.
 */
final class DaemonCall {
    @Option(names = "--control", paramLabel = "PATH", defaultValue = ControlClient.DEFAULT_SOCKET,
            description = "The daemon's control socket. Default: ${DEFAULT-VALUE}.")
    Path socket;

    /** Thrown when there is no answer; the message is the one line to print (exit 3). */
    static final class UnreachableException extends Exception {
        UnreachableException(String message) {
            super(message);
        }
    }

    /** Connects, sends {@code request}, returns the response; a refused connection counts as unreachable. */
    ControlResponse call(ControlRequest request) throws UnreachableException {
        try (ControlClient client = connect()) {
            return send(client, request);
        }
    }

    /** Opens a connection for several requests ({@code --watch}). */
    ControlClient connect() throws UnreachableException {
        try {
            return ControlClient.connect(socket);
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** One exchange on an open connection. */
    ControlResponse send(ControlClient client, ControlRequest request) throws UnreachableException {
        ControlResponse r;
        try {
            r = client.send(request, ControlClient.DEFAULT_TIMEOUT);
        } catch (IOException e) {
            throw unreachable(e);
        } catch (ProtocolException e) {
            throw new UnreachableException("nfqwall: the daemon at " + socket + " answered something unexpected: "
                    + e.getMessage());
        }
        if (r.refused()) {
            throw new UnreachableException("nfqwall: the daemon at " + socket + " refused the connection: "
                    + String.join("; ", r.errors()));
        }
        return r;
    }

    private UnreachableException unreachable(IOException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (why.startsWith("No such file")) {
            why = "No such file";
        }
        return new UnreachableException("nfqwall: cannot reach the daemon at " + socket + ": " + why
                + " (is it running? --control PATH)");
    }

    /** Prints the message of an unreachable daemon and returns exit code 3. */
    static int unreachable(PrintWriter err, UnreachableException e) {
        err.println(e.getMessage());
        err.flush();
        return Main.EXIT_UNREACHABLE;
    }
}
