package org.nfqwall.inspect.dns;

import java.nio.ByteBuffer;

/**
 * Reads a DNS response from a UDP payload (RFC 1035 section 4.1) into a {@link DnsAnswer}: the
 * question, and the A, AAAA and CNAME records of the answer section. Authority and additional
 * sections are not read: an address there was not asked for.
 *
 * <p>The payload comes from the network, so every read is checked against the end first, and
 * every loop is bounded: at most {@value DnsAnswer#MAX_RECORDS} answer records, at most
 * {@value #MAX_POINTERS} compression pointers per name, names at most {@value #MAX_NAME_BYTES}
 * bytes, and a compression pointer must point before the labels being read, so a pointer to
 * itself, a loop or a forward pointer is malformed instead of a hang. Stateless; allocates one
 * string per name read.
 */
public final class DnsResponseParser {
    /** {@link #parse}: a response with one question, read (its answers may be none). */
    public static final int RESPONSE = 0;
    /** {@link #parse}: a query, another opcode, or not exactly one question: nothing to read. */
    public static final int NOT_A_RESPONSE = 1;
    /** {@link #parse}: not a well-formed DNS message. */
    public static final int MALFORMED = 2;
    /** Compression pointers followed in one name at most: {@value}. */
    public static final int MAX_POINTERS = 16;
    /** Longest name on the wire, length bytes included (RFC 1035 section 2.3.4): {@value}. */
    public static final int MAX_NAME_BYTES = 255;
    static final int HEADER_BYTES = 12;
    private static final int CLASS_IN = 1;

    private DnsResponseParser() {
    }

    /**
     * Parses the DNS message at {@code buf[offset, offset+length)} (a big-endian buffer, as the
     * queue's) into {@code out} (cleared first). Header, RFC 1035 section 4.1.1:
     *
     * <pre>
     *                                 1  1  1  1  1  1
     *   0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
     * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
     * |                      ID                       |
     * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
     * |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |
     * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
     * |                    QDCOUNT                    |
     * |                    ANCOUNT                    |
     * |                    NSCOUNT                    |
     * |                    ARCOUNT                    |
     * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
     * then the question (QNAME, QTYPE, QCLASS) and ANCOUNT resource records:
     * NAME, TYPE (2), CLASS (2), TTL (4), RDLENGTH (2), RDATA (RDLENGTH bytes)
     * </pre>
     *
     * Answers are read only when RCODE is 0. With TC set, the records before the cut are read
     * and the cut one is not (the rest are {@link DnsAnswer#recordsNotRead}); without TC, a cut
     * record makes the message malformed.
     *
     * @return {@link #RESPONSE}, {@link #NOT_A_RESPONSE} or {@link #MALFORMED}
     */
    public static int parse(ByteBuffer buf, int offset, int length, DnsAnswer out) {
        out.clear();
        int limit = offset + length;
        if (length < HEADER_BYTES) {
            return MALFORMED;
        }
        int flags = buf.getShort(offset + 2) & 0xFFFF;
        boolean response = (flags & 0x8000) != 0;
        int opcode = (flags >> 11) & 0xF;
        int questions = buf.getShort(offset + 4) & 0xFFFF;
        if (!response || opcode != 0 || questions != 1) {
            return NOT_A_RESPONSE;
        }
        out.truncated = (flags & 0x0200) != 0;
        out.rcode = flags & 0xF;
        int answers = buf.getShort(offset + 6) & 0xFFFF;
        int p = readName(buf, offset, offset + HEADER_BYTES, limit, limit, out);
        if (p < 0 || limit - p < 4) {
            return MALFORMED;
        }
        out.question = out.name;
        out.questionType = buf.getShort(p) & 0xFFFF;
        p += 4;
        if (out.rcode != 0) {
            return RESPONSE;
        }
        for (int i = 0; i < answers; i++) {
            if (i == DnsAnswer.MAX_RECORDS) {
                out.recordsNotRead = answers - i;
                return RESPONSE;
            }
            p = readRecord(buf, offset, p, limit, out);
            if (p < 0) {
                if (!out.truncated) {
                    return MALFORMED;
                }
                out.recordsNotRead = answers - i;
                return RESPONSE;
            }
        }
        return RESPONSE;
    }

    /** Reads one resource record at {@code p}; keeps it when it is an IN A, AAAA or CNAME. Returns the next position, or -1. */
    private static int readRecord(ByteBuffer buf, int base, int p, int limit, DnsAnswer out) {
        p = readName(buf, base, p, limit, limit, out);
        if (p < 0 || limit - p < 10) {
            return -1;
        }
        String owner = out.name;
        int type = buf.getShort(p) & 0xFFFF;
        int rrClass = buf.getShort(p + 2) & 0xFFFF;
        int dataLength = buf.getShort(p + 8) & 0xFFFF;
        int data = p + 10;
        if (limit - data < dataLength) {
            return -1;
        }
        int next = data + dataLength;
        if (rrClass != CLASS_IN) {
            return next;
        }
        int k = out.count;
        switch (type) {
            case DnsAnswer.TYPE_A -> {
                if (dataLength != 4) {
                    return -1;
                }
                out.addressHi[k] = 0;
                out.addressLo[k] = 0xFFFF_0000_0000L | (buf.getInt(data) & 0xFFFF_FFFFL);
            }
            case DnsAnswer.TYPE_AAAA -> {
                if (dataLength != 16) {
                    return -1;
                }
                out.addressHi[k] = buf.getLong(data);
                out.addressLo[k] = buf.getLong(data + 8);
            }
            case DnsAnswer.TYPE_CNAME -> {
                // The name must fill RDATA exactly; its pointers may reach back anywhere before it.
                if (readName(buf, base, data, next, limit, out) != next) {
                    return -1;
                }
                out.target[k] = out.name;
            }
            default -> {
                return next;
            }
        }
        out.owner[k] = owner;
        out.type[k] = type;
        out.count = k + 1;
        return next;
    }

    /**
     * Reads the (possibly compressed) name at {@code pos} (RFC 1035 section 4.1.4), its own labels
     * before {@code limit}, those reached through pointers before {@code messageEnd}, into {@code out.name}: canonical host form, or null when it is the root or
     * has a byte no host name has. A pointer must point before the start of the labels being
     * read and at or after the question, so each jump goes strictly backwards and the walk ends.
     *
     * @return the position after the name where it is stored (after its first pointer, if any), or -1
     */
    static int readName(ByteBuffer buf, int base, int pos, int limit, int messageEnd, DnsAnswer out) {
        char[] chars = out.nameChars;
        int n = 0;
        int wireBytes = 0;
        int pointers = 0;
        int end = -1;
        int segmentStart = pos;
        int p = pos;
        boolean host = true;
        while (true) {
            if (p >= limit) {
                return -1;
            }
            int len = buf.get(p) & 0xFF;
            if (len == 0) {
                if (end < 0) {
                    end = p + 1;
                }
                break;
            }
            if ((len & 0xC0) == 0xC0) {
                if (limit - p < 2 || ++pointers > MAX_POINTERS) {
                    return -1;
                }
                int target = base + (((len & 0x3F) << 8) | (buf.get(p + 1) & 0xFF));
                if (target >= segmentStart || target < base + HEADER_BYTES) {
                    return -1;
                }
                if (end < 0) {
                    end = p + 2;
                }
                limit = messageEnd;
                segmentStart = target;
                p = target;
                continue;
            }
            if ((len & 0xC0) != 0) {
                return -1; // 01 and 10 label types: extended / reserved (RFC 6891, RFC 1035)
            }
            wireBytes += len + 1;
            if (wireBytes + 1 > MAX_NAME_BYTES || limit - (p + 1) < len) {
                return -1;
            }
            if (n > 0) {
                chars[n++] = '.';
            }
            for (int i = 1; i <= len; i++) {
                char c = (char) (buf.get(p + i) & 0xFF);
                if (c >= 'A' && c <= 'Z') {
                    c = (char) (c + ('a' - 'A'));
                } else if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                    host = false;
                }
                chars[n++] = c;
            }
            p += len + 1;
        }
        out.name = host && n > 0 ? new String(chars, 0, n) : null;
        return end;
    }
}
