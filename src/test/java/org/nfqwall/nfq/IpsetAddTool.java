package org.nfqwall.nfq;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Runs {@link IpsetSocket} inside a test namespace for {@link IpsetSocketIT}: prints
 * {@code ready}, then for each input line {@code add SET ADDRESS TIMEOUT} prints
 * {@code result CODE ERROR}, and for {@code repeat N SET ADDRESS TIMEOUT} adds N times and prints
 * {@code allocated BYTES} (what the adds after the first allocated).
 */
public final class IpsetAddTool {
    private IpsetAddTool() {
    }

    public static void main(String[] args) throws Exception {
        try (IpsetSocket socket = IpsetSocket.open();
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            System.out.println("ready");
            for (String line; (line = in.readLine()) != null; ) {
                String[] w = line.trim().split(" ");
                if (w[0].equals("add")) {
                    long[] a = address(w[2]);
                    int code = socket.add(w[1], w[2].indexOf(':') >= 0, a[0], a[1], Long.parseLong(w[3]));
                    System.out.println("result " + code + " " + socket.lastError() + " " + socket.describe(socket.lastError()));
                } else if (w[0].equals("repeat")) {
                    int n = Integer.parseInt(w[1]);
                    long[] a = address(w[3]);
                    boolean v6 = w[3].indexOf(':') >= 0;
                    long timeout = Long.parseLong(w[4]);
                    socket.add(w[2], v6, a[0], a[1], timeout);
                    com.sun.management.ThreadMXBean mx =
                            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
                    long tid = Thread.currentThread().getId();
                    long before = mx.getThreadAllocatedBytes(tid);
                    for (int i = 0; i < n; i++) {
                        socket.add(w[2], v6, a[0], a[1], timeout);
                    }
                    System.out.println("allocated " + (mx.getThreadAllocatedBytes(tid) - before));
                }
            }
        } catch (NfqException e) {
            System.out.println("error " + e.getMessage());
        }
    }

    /** The address as 128 bits, IPv4 mapped (::ffff:a.b.c.d) as the engine holds it. */
    static long[] address(String text) throws Exception {
        byte[] b = InetAddress.getByName(text).getAddress();
        ByteBuffer buf = ByteBuffer.allocate(16);
        if (b.length == 4) {
            buf.putLong(0).putInt(0xFFFF).put(b);
        } else {
            buf.put(b);
        }
        return new long[] {buf.getLong(0), buf.getLong(8)};
    }
}
