package org.nfqwall.inspect.quic;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.List;

/**
 * Prints the hex of the client Initial datagrams that carry a ClientHello for a name, one
 * datagram per line, for kernel-level tests to send (with python, netcat, ...):
 *
 * <pre>
 * java -cp target/classes:target/test-classes org.nfqwall.inspect.quic.QuicInitialTool \
 *     --sni www.example.com [--version 1|2] [--packets N] [--alpn h3]
 * </pre>
 *
 * A fresh random 8-byte Destination Connection ID each run; each datagram is 1200 bytes. Exit
 * status 0, or 2 with a usage line on bad arguments.
 */
public final class QuicInitialTool {
    private static final String USAGE =
            "usage: QuicInitialTool --sni NAME [--version 1|2] [--packets N] [--alpn ID]";

    private QuicInitialTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the tool; returns its exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String sni = null;
        String alpn = "h3";
        int version = QuicInitialBuilder.V1;
        int packets = 1;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--sni" -> sni = require(value, args[i]);
                    case "--alpn" -> alpn = require(value, args[i]);
                    case "--version" -> version = switch (require(value, args[i])) {
                        case "1" -> QuicInitialBuilder.V1;
                        case "2" -> QuicInitialBuilder.V2;
                        default -> throw new IllegalArgumentException("--version must be 1 or 2, got " + value);
                    };
                    case "--packets" -> {
                        packets = Integer.parseInt(require(value, args[i]));
                        if (packets < 1 || packets > 64) {
                            throw new IllegalArgumentException("--packets must be from 1 to 64, got " + packets);
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
                i++;
            }
            if (sni == null) {
                throw new IllegalArgumentException("--sni is required");
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        byte[] dcid = new byte[8];
        new SecureRandom().nextBytes(dcid);
        byte[] hello = ClientHellos.tls13(sni, List.of(alpn), 0);
        for (byte[] datagram : new QuicInitialBuilder(version, dcid).datagrams(hello, packets)) {
            out.println(QuicVectors.toHex(datagram));
        }
        out.flush();
        return 0;
    }

    private static String require(String value, String option) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
