package org.nfqwall.packet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071) over a buffer, and the TCP/UDP check with its pseudo header.
 * Stateless and allocation-free.
 */
final class InternetChecksum {
    private InternetChecksum() {
    }

    /**
     * One's complement sum of {@code buf[from, to)} as big-endian 16-bit words (an odd last byte
     * padded with zero), folded to 16 bits. Reads eight bytes at a time: adding both 32-bit halves
     * of each long into a 64-bit accumulator cannot overflow for any IP packet, and folding the
     * carries at the end gives the same one's complement sum as adding 16-bit words. A
     * little-endian buffer reads every word byte-swapped, which byte-swaps the sum
     * (RFC 1071 section 2(B)), so the result is swapped back.
     */
    static int sum(ByteBuffer buf, int from, int to) {
        boolean swapped = buf.order() == ByteOrder.LITTLE_ENDIAN;
        long sum = 0;
        int at = from;
        for (; to - at >= 8; at += 8) {
            long word = buf.getLong(at);
            sum += (word >>> 32) + (word & 0xFFFF_FFFFL);
        }
        if (to - at >= 4) {
            sum += buf.getInt(at) & 0xFFFF_FFFFL;
            at += 4;
        }
        if (to - at >= 2) {
            sum += buf.getShort(at) & 0xFFFF;
            at += 2;
        }
        if (to - at == 1) {
            int last = buf.get(at) & 0xFF;
            sum += swapped ? last : last << 8;
        }
        int folded = fold(sum);
        return swapped ? Integer.reverseBytes(folded) >>> 16 : folded;
    }

    /**
     * Whether the TCP or UDP segment of a decoded, complete, unfragmented packet sums to all ones
     * together with its pseudo header: RFC 9293 section 3.1 and RFC 768 (IPv4: source, destination,
     * zero, protocol, length) or RFC 8200 section 8.1 (IPv6: source, destination, 32-bit length,
     * zeros, next header).
     */
    static boolean transportValid(ByteBuffer buf, PacketView view) {
        int length = view.checksumEnd - view.l4Offset;
        long sum = sum(buf, view.l4Offset, view.checksumEnd) + view.l4Protocol + length;
        if (view.ipVersion == 4) {
            sum += (view.srcLo & 0xFFFF_FFFFL) + (view.dstLo & 0xFFFF_FFFFL);
        } else {
            sum += halves(view.srcHi) + halves(view.srcLo) + halves(view.dstHi) + halves(view.dstLo);
        }
        return fold(sum) == 0xFFFF;
    }

    private static long halves(long value) {
        return (value >>> 32) + (value & 0xFFFF_FFFFL);
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
