package org.nfqwall.nfq;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;

/**
 * Test-only program run by {@link QueueSocketIT} inside a network namespace: counts UDP
 * datagrams arriving at 127.0.0.1:PORT, prints "ready" once bound, and after its stdin closes
 * and no datagram came for {@value #IDLE_MILLIS} ms (or after {@value #MAX_MILLIS} ms in all)
 * prints "received=N".
 */
public final class UdpSink {
    static final int IDLE_MILLIS = 300;
    static final int MAX_MILLIS = 30_000;

    private UdpSink() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        long start = System.nanoTime();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            socket.setReceiveBufferSize(4 << 20);
            socket.setSoTimeout(50);
            Thread stdin = new Thread(() -> drain(System.in), "stdin");
            stdin.setDaemon(true);
            stdin.start();
            System.out.println("ready");
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            long received = 0;
            long lastArrival = System.nanoTime();
            while ((System.nanoTime() - start) / 1_000_000 < MAX_MILLIS) {
                try {
                    socket.receive(packet);
                    received++;
                    lastArrival = System.nanoTime();
                } catch (SocketTimeoutException idle) {
                    if (!stdin.isAlive() && (System.nanoTime() - lastArrival) / 1_000_000 >= IDLE_MILLIS) {
                        break;
                    }
                }
            }
            System.out.println("received=" + received);
        }
    }

    private static void drain(InputStream in) {
        try {
            while (in.read() >= 0) {
                // Only the end of stdin matters.
            }
        } catch (IOException e) {
            // A broken stdin ends the wait as well.
        }
    }
}
