package org.nfqwall.gen;

import java.util.regex.Pattern;

/**
 * The {@code tc filter ... u32} commands that classify GRE packets over IPv4 whose key is in a
 * {@link GreKeySpec}, with the same meaning as {@link GreKeyMatch}'s iptables rules. Pure
 * functions; stateless and thread-safe.
 *
 * <p>tc's u32 has no {@code @}; it moves through headers by linking a filter to a hash table
 * with an {@code offset ... eat}, which adds {@code (plus + 3 + ((16 bits at "at") & mask) >> shift) & ~3}
 * to the read position for the filters in that table (cls_u32.c). Three levels, all in the
 * filter priority {@code prio}:
 * <ol>
 * <li>root: IP protocol 47 and fragment offset 0; {@code offset at 0 mask 0f00 shift 6 eat}
 *   moves by IHL*4 (IHL sits in bits 8-11 of the first 16 bits) to the GRE header; link to
 *   table T.</li>
 * <li>table T: the GRE flags word under mask 0x60070000 is 0x20000000 (K set, R clear,
 *   version 0, as in {@link GreKeyMatch}); {@code offset plus 4 at 0 mask 8000 shift 13 eat}
 *   moves by 4, plus 4 more when C (0x8000) is set, to the key; link to table T+1.</li>
 * <li>table T+1: one filter per value/mask pair (a range becomes aligned power-of-two
 *   blocks, since tc compares under masks only), each {@code match u32 VALUE MASK at 0 classid C}.</li>
 * </ol>
 * A read beyond the packet makes cls_u32 give up on the whole priority (no match), so keep
 * other filters out of {@code prio}: {@code tc filter del dev D parent P protocol ip prio N}
 * removes all of it at once.
 */
public final class GreKeyTc {
    private static final Pattern DEV = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");
    private static final Pattern PARENT = Pattern.compile("[0-9a-fA-F]{1,4}:[0-9a-fA-F]{0,4}");
    private static final Pattern CLASSID = Pattern.compile("[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}");
    /** Hash table ids a user may choose: 12 bits, below the ids the kernel picks itself (0x800 up). */
    static final int MAX_TABLE = 0x7fe;

    /** Where the filters go and what they classify into. Immutable, validated. */
    public record Placement(String dev, String parent, int prio, String classid, int table) {
        /** Checks each field; throws {@link IllegalArgumentException} saying what to fix. */
        public Placement {
            if (dev == null || !DEV.matcher(dev).matches()) {
                throw new IllegalArgumentException(dev == null ? "--format tc needs --dev DEV, e.g. --dev eth0"
                        : "--dev \"" + dev + "\": expected an interface name, up to 15 characters");
            }
            if (!PARENT.matcher(parent).matches()) {
                throw new IllegalArgumentException("--parent \"" + parent + "\": expected a qdisc handle, e.g. 1:");
            }
            if (prio < 1 || prio > 0xffff) {
                throw new IllegalArgumentException("--prio " + prio + ": expected 1-65535");
            }
            if (classid == null || !CLASSID.matcher(classid).matches()) {
                throw new IllegalArgumentException(classid == null
                        ? "--format tc needs --classid MAJOR:MINOR, the class matching packets go to, e.g. 1:10"
                        : "--classid \"" + classid + "\": expected MAJOR:MINOR in hex, e.g. 1:10");
            }
            if (table < 1 || table > MAX_TABLE) {
                throw new IllegalArgumentException("--tc-table " + GreKey.hex(table) + ": expected 0x1-"
                        + GreKey.hex(MAX_TABLE) + " (it uses that hash table and the next)");
            }
        }
    }

    private GreKeyTc() {
    }

    /**
     * The commands, one per line, in an order that never leaves a half-built chain of links in
     * place: the tables, the key filters, then the links into them. With {@code explain}, a
     * comment line before each command.
     */
    public static String commands(GreKeySpec spec, Placement p, boolean explain, String command) {
        String filter = "tc filter add dev " + p.dev() + " parent " + p.parent() + " protocol ip prio " + p.prio()
                + " ";
        String gre = Integer.toHexString(p.table()) + ":";
        String keys = Integer.toHexString(p.table() + 1) + ":";
        GeneratedText out = new GeneratedText();
        out.comment(command);
        out.comment("GRE over IPv4 with these keys, into class " + p.classid()
                + "; remove: the same options plus --remove (tc filter del dev " + p.dev() + " parent "
                + p.parent() + " protocol ip prio " + p.prio() + ")");
        line(out, explain, "table " + gre + " holds the GRE header test",
                filter + "handle " + gre + " u32 divisor 1");
        line(out, explain, "table " + keys + " holds the key tests", filter + "handle " + keys + " u32 divisor 1");
        for (GreKey key : spec.items()) {
            for (long[] pair : key.valueMaskPairs()) {
                line(out, explain, "key " + key + (key.valueMaskPairs().size() > 1 ? ", block "
                        + GreKey.hex(pair[0]) + "/" + GreKey.hex(pair[1]) : "") + ": into " + p.classid(),
                        filter + "u32 ht " + keys + " match u32 " + GreKey.hex(pair[0]) + " " + GreKey.hex(pair[1])
                        + " at 0 classid " + p.classid());
            }
        }
        line(out, explain, "GRE flags: K set, R clear, version 0; then skip 4 bytes, 8 when C is set, to the key",
                filter + "u32 ht " + gre + " match u32 0x20000000 0x60070000 at 0"
                        + " offset plus 4 at 0 mask 8000 shift 13 eat link " + keys);
        line(out, explain, "IP protocol 47, fragment offset 0; skip IHL*4 bytes to the GRE header",
                filter + "u32 match ip protocol 47 0xff match u16 0 0x1fff at 6"
                        + " offset at 0 mask 0f00 shift 6 eat link " + gre);
        return out.toString();
    }

    /** The command that removes everything {@link #commands} added: the whole filter priority. */
    public static String removeCommand(Placement p, String command) {
        return "# " + command + "\n" + "tc filter del dev " + p.dev() + " parent " + p.parent() + " protocol ip prio "
                + p.prio() + "\n";
    }

    private static void line(GeneratedText out, boolean explain, String comment, String command) {
        if (explain) {
            out.comment(comment);
        }
        out.line(command);
    }
}
