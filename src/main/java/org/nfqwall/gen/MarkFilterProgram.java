package org.nfqwall.gen;

/**
 * The classic BPF program of a {@code tc ... bpf bytecode "..."} filter that matches packets
 * whose mark, under a mask, equals a value. Classic BPF reads the mark through the ancillary
 * load {@code SKF_AD_OFF + SKF_AD_MARK} (linux/filter.h); cls_bpf treats a return of -1 as "this
 * filter's flowid" and 0 as "no match". Stateless.
 *
 * <pre>
 *   ld  [SKF_AD_OFF + SKF_AD_MARK]   ; A = skb->mark
 *   and #MASK                        ; A &amp;= MASK
 *   jeq #VALUE, 0, 1                 ; A == VALUE ? next : skip one
 *   ret #-1                          ; match: the filter's flowid
 *   ret #0                           ; no match: the next filter
 * </pre>
 */
final class MarkFilterProgram {
    /** BPF_LD | BPF_W | BPF_ABS. */
    private static final int LD_W_ABS = 0x20;
    /** BPF_ALU | BPF_AND | BPF_K. */
    private static final int AND_K = 0x54;
    /** BPF_JMP | BPF_JEQ | BPF_K. */
    private static final int JEQ_K = 0x15;
    /** BPF_RET | BPF_K. */
    private static final int RET_K = 0x06;
    /** SKF_AD_OFF (-0x1000) + SKF_AD_MARK (20), as the unsigned 32-bit k of the load. */
    private static final long MARK_OFFSET = 0x1_0000_0000L - 0x1000 + 20;

    private MarkFilterProgram() {
    }

    /** tc's bytecode text: the instruction count, then "code jt jf k" per instruction, comma-separated. */
    static String bytecode(int value, int mask) {
        return "5,"
                + LD_W_ABS + " 0 0 " + MARK_OFFSET + ","
                + AND_K + " 0 0 " + Integer.toUnsignedString(mask) + ","
                + JEQ_K + " 0 1 " + Integer.toUnsignedString(value) + ","
                + RET_K + " 0 0 " + Integer.toUnsignedString(-1) + ","
                + RET_K + " 0 0 0";
    }
}
