package org.nfqwall.inspect.dns;

/**
 * What {@link DnsResponseParser} read from one DNS response: the question, the header bits that
 * matter, and the answer section's A, AAAA and CNAME records of class IN (others are skipped),
 * at most {@value #MAX_RECORDS} of them.
 *
 * <p>Names are in the canonical host form rules use (ASCII lower case, no trailing dot); a name
 * with a byte no host name has (anything but letters, digits, '-' and '_') is kept as null, so it
 * matches nothing, and the parse goes on. Mutable and reused: owned by one thread, overwritten by
 * the next parse.
 */
public final class DnsAnswer {
    /** Answer records kept at most: {@value}; the rest are counted in {@link #recordsNotRead}. */
    public static final int MAX_RECORDS = 32;
    /** Names a CNAME chain is followed through at most, the question name included: {@value}. */
    public static final int MAX_CHAIN = 8;
    public static final int TYPE_A = 1;
    public static final int TYPE_CNAME = 5;
    public static final int TYPE_AAAA = 28;

    /** The question name, or null when it is not a host name. */
    public String question;
    public int questionType;
    /** Header RCODE (0 no error, 3 NXDOMAIN, ...); answers are read only when it is 0. */
    public int rcode;
    /** Header TC bit: the server cut the response; the whole records before the cut are still read. */
    public boolean truncated;
    /** Records kept in the arrays below. */
    public int count;
    /** Answer records not read: beyond {@link #MAX_RECORDS}, or cut off in a truncated response. */
    public int recordsNotRead;
    public final String[] owner = new String[MAX_RECORDS];
    public final int[] type = new int[MAX_RECORDS];
    /** A and AAAA: the address as 128 bits (A: IPv4-mapped, {@code ::ffff:a.b.c.d}). */
    public final long[] addressHi = new long[MAX_RECORDS];
    public final long[] addressLo = new long[MAX_RECORDS];
    /** CNAME: the canonical name it points to (null when not a host name). */
    public final String[] target = new String[MAX_RECORDS];

    /** The parser's scratch: the last name read (null when not a host name) and its characters. */
    String name;
    final char[] nameChars = new char[DnsResponseParser.MAX_NAME_BYTES];

    /** Forgets the previous parse. */
    void clear() {
        question = null;
        questionType = 0;
        rcode = 0;
        truncated = false;
        for (int i = 0; i < count; i++) {
            owner[i] = null;
            target[i] = null;
        }
        count = 0;
        recordsNotRead = 0;
    }

    /**
     * Fills {@code chain} with the question name and the names its CNAME records lead to, in
     * order (question, its CNAME target, that one's target...), at most
     * {@code min(chain.length, MAX_CHAIN)} names; stops at a name already in the chain, so a CNAME
     * loop ends. Allocates nothing.
     *
     * @return the names written; 0 when the question is not a host name
     */
    public int chain(String[] chain) {
        int limit = Math.min(chain.length, MAX_CHAIN);
        if (question == null || limit == 0) {
            return 0;
        }
        chain[0] = question;
        int n = 1;
        while (n < limit) {
            String next = cnameTarget(chain[n - 1]);
            if (next == null || contains(chain, n, next)) {
                break;
            }
            chain[n++] = next;
        }
        return n;
    }

    /** True when record {@code i} is an A or AAAA record whose owner is one of {@code names[0, n)}. */
    public boolean isAddressOf(int i, String[] names, int n) {
        return (type[i] == TYPE_A || type[i] == TYPE_AAAA) && owner[i] != null && contains(names, n, owner[i]);
    }

    private String cnameTarget(String name) {
        for (int i = 0; i < count; i++) {
            if (type[i] == TYPE_CNAME && name.equals(owner[i])) {
                return target[i];
            }
        }
        return null;
    }

    private static boolean contains(String[] names, int n, String name) {
        for (int i = 0; i < n; i++) {
            if (names[i].equals(name)) {
                return true;
            }
        }
        return false;
    }
}
