package org.nfqwall.lab;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One IPv4 or IPv6 packet from a {@link Capture}, with its TCP or UDP ports and payload.
 *
 * @param seconds the capture timestamp, seconds since the epoch
 * @param protocol the IP protocol (6 TCP, 17 UDP, anything else has ports 0 and no payload)
 * @param tcpFlags the TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10), 0 otherwise
 * @param payload the TCP or UDP payload as captured
 */
public record CapturedPacket(double seconds, InetAddress source, int sourcePort,
                             InetAddress destination, int destinationPort, int protocol,
                             int tcpFlags, byte[] payload) {
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;

    /** Whether this is TCP or UDP from {@code address} (a literal such as Lab.CLIENT_V4) and {@code port}. */
    public boolean isFrom(String address, int port) {
        return source.equals(literal(address)) && sourcePort == port;
    }

    /** Whether this is TCP or UDP to {@code address} and {@code port}. */
    public boolean isTo(String address, int port) {
        return destination.equals(literal(address)) && destinationPort == port;
    }

    /** Whether this is a TCP packet with all of {@code flags} set. */
    public boolean hasTcpFlags(int flags) {
        return protocol == TCP && (tcpFlags & flags) == flags;
    }

    private static InetAddress literal(String address) {
        if (!address.matches("[0-9a-fA-F.:]+")) {
            throw new IllegalArgumentException("not an IP address literal: " + address);
        }
        try {
            return InetAddress.getByName(address);  // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address literal: " + address, e);
        }
    }

    @Override
    public String toString() {
        return String.format("%.6f %s:%d > %s:%d proto %d flags 0x%02x len %d", seconds,
                source.getHostAddress(), sourcePort, destination.getHostAddress(), destinationPort,
                protocol, tcpFlags, payload.length);
    }
}
