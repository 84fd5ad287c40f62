package org.nfqwall.lab;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the classic pcap files tcpdump writes (-w) into {@link CapturedPacket}s: Ethernet or
 * Linux cooked (-i any) links, IPv4 and IPv6, TCP and UDP. Frames it cannot decode (ARP, a
 * truncated header, IPv6 extension headers) are skipped. Stateless.
 */
final class Pcap {
    private static final int GLOBAL_HEADER = 24;
    private static final int RECORD_HEADER = 16;
    private static final int LINK_ETHERNET = 1;
    private static final int LINK_LINUX_SLL = 113;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;

    private Pcap() {
    }

    /**
     * The packets in a pcap file.
     *
     * <pre>
     * global header: magic(4) major(2) minor(2) zone(4) sigfigs(4) snaplen(4) linktype(4)
     * record header: seconds(4) micro-or-nanoseconds(4) captured length(4) original length(4)
     * </pre>
     */
    static List<CapturedPacket> read(byte[] file) {
        if (file.length < GLOBAL_HEADER) {
            throw new IllegalArgumentException("not a pcap file: " + file.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
        }
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            throw new IllegalArgumentException(String.format("not a pcap file: magic 0x%08x", magic));
        }
        double fraction = magic == 0xa1b23c4d ? 1e-9 : 1e-6;
        int link = b.getInt(20);
        if (link != LINK_ETHERNET && link != LINK_LINUX_SLL) {
            throw new IllegalArgumentException("pcap link type " + link + " is not Ethernet (1) "
                    + "or Linux cooked (113)");
        }
        List<CapturedPacket> packets = new ArrayList<>();
        int pos = GLOBAL_HEADER;
        while (file.length - pos >= RECORD_HEADER) {
            double seconds = Integer.toUnsignedLong(b.getInt(pos))
                    + Integer.toUnsignedLong(b.getInt(pos + 4)) * fraction;
            int length = b.getInt(pos + 8);
            pos += RECORD_HEADER;
            if (length < 0 || file.length - pos < length) {
                break;  // tcpdump was stopped while writing the last record
            }
            CapturedPacket p = frame(seconds, Arrays.copyOfRange(file, pos, pos + length), link);
            if (p != null) {
                packets.add(p);
            }
            pos += length;
        }
        return packets;
    }

    private static CapturedPacket frame(double seconds, byte[] f, int link) {
        int ip = link == LINK_ETHERNET ? 14 : 16;
        if (f.length < ip) {
            return null;
        }
        int type = u16(f, ip - 2);
        if (type == ETHERTYPE_IPV4 && f.length - ip >= 20 && (f[ip] & 0xf0) == 0x40) {
            int headerLength = (f[ip] & 0x0f) * 4;
            int end = Math.min(f.length, ip + u16(f, ip + 2));
            return transport(seconds, address(f, ip + 12, 4), address(f, ip + 16, 4),
                    f[ip + 9] & 0xff, f, ip + headerLength, end);
        }
        if (type == ETHERTYPE_IPV6 && f.length - ip >= 40 && (f[ip] & 0xf0) == 0x60) {
            int end = Math.min(f.length, ip + 40 + u16(f, ip + 4));
            return transport(seconds, address(f, ip + 8, 16), address(f, ip + 24, 16),
                    f[ip + 6] & 0xff, f, ip + 40, end);
        }
        return null;
    }

    /** TCP (RFC 9293 section 3.1: data offset in the high nibble of byte 12) or UDP (8 bytes). */
    private static CapturedPacket transport(double seconds, InetAddress src, InetAddress dst,
                                            int protocol, byte[] f, int start, int end) {
        if (protocol == CapturedPacket.TCP && end - start >= 20) {
            int dataStart = start + ((f[start + 12] & 0xf0) >> 4) * 4;
            byte[] payload = dataStart <= end ? Arrays.copyOfRange(f, dataStart, end) : new byte[0];
            return new CapturedPacket(seconds, src, u16(f, start), dst, u16(f, start + 2),
                    protocol, f[start + 13] & 0xff, payload);
        }
        if (protocol == CapturedPacket.UDP && end - start >= 8) {
            return new CapturedPacket(seconds, src, u16(f, start), dst, u16(f, start + 2),
                    protocol, 0, Arrays.copyOfRange(f, start + 8, end));
        }
        if (end < start) {
            return null;
        }
        return new CapturedPacket(seconds, src, 0, dst, 0, protocol, 0, new byte[0]);
    }

    private static int u16(byte[] f, int i) {
        return ((f[i] & 0xff) << 8) | (f[i + 1] & 0xff);
    }

    private static InetAddress address(byte[] f, int i, int length) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(f, i, i + length));
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);  // only thrown for a wrong length
        }
    }
}
