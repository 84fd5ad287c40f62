package org.nfqwall.gen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test-only model of {@code tc filter ... u32} for one filter priority: reads the commands
 * {@link GreKeyTc} prints (the tc(8) syntax they use, packed into 32-bit keys as tc's f_u32.c
 * packs them) and classifies a packet as the kernel's cls_u32.c does: keys compared as
 * {@code (word ^ value) & mask}, a link's {@code offset} computed as
 * {@code (plus + 3 + ((16 bits at off + at) & mask) >> shift) & ~3} and added to the read
 * position with {@code eat}, the table left again when that position is not inside the packet,
 * and the whole classification given up (no class) when a read falls outside the packet.
 */
final class TcU32Interpreter {
    private static final String ROOT = "root";

    private record Key(long value, long mask, int off) {
    }

    private record Filter(List<Key> keys, int plus, int at, int offMask, int shift, boolean varOffset,
                          boolean offset, boolean eat, String link, String classid) {
    }

    private final Map<String, List<Filter>> tables = new HashMap<>();

    TcU32Interpreter(String commands) {
        tables.put(ROOT, new ArrayList<>());
        for (String line : commands.lines().filter(l -> l.startsWith("tc ")).toList()) {
            parse(line.split(" "));
        }
    }

    private void parse(String[] w) {
        int i = 0;
        while (!w[i].equals("u32") && !w[i].equals("handle")) {
            i++;
        }
        if (w[i].equals("handle")) {
            tables.put(w[i + 1], new ArrayList<>());   // handle X: u32 divisor 1
            return;
        }
        i++;
        String table = ROOT;
        List<Key> keys = new ArrayList<>();
        int plus = 0;
        int at = 0;
        int offMask = 0;
        int shift = 0;
        boolean varOffset = false;
        boolean offset = false;
        boolean eat = false;
        String link = null;
        String classid = null;
        while (i < w.length) {
            switch (w[i]) {
                case "ht" -> table = w[++i];
                case "match" -> {
                    if (w[i + 1].equals("ip") && w[i + 2].equals("protocol")) {
                        keys.add(pack(number(w[i + 3]), number(w[i + 4]), 9, 1));
                        i += 4;
                    } else {
                        int bytes = w[i + 1].equals("u32") ? 4 : w[i + 1].equals("u16") ? 2 : 1;
                        keys.add(pack(number(w[i + 2]), number(w[i + 3]), Integer.parseInt(w[i + 5]), bytes));
                        i += 5;
                    }
                }
                case "offset" -> offset = true;
                case "plus" -> plus = Integer.parseInt(w[++i]);
                case "at" -> {
                    at = Integer.parseInt(w[++i]);
                    varOffset = true;
                }
                case "mask" -> {
                    offMask = Integer.parseInt(w[++i], 16);
                    varOffset = true;
                }
                case "shift" -> {
                    shift = Integer.parseInt(w[++i]);
                    varOffset = true;
                }
                case "eat" -> eat = true;
                case "link" -> link = w[++i];
                case "classid" -> classid = w[++i];
                default -> throw new IllegalArgumentException("unknown word " + w[i] + " in " + String.join(" ", w));
            }
            i++;
        }
        tables.get(table).add(new Filter(keys, plus, at, offMask, shift, varOffset, offset, eat, link, classid));
    }

    /** A value/mask of 1, 2 or 4 bytes at {@code off} as the 32-bit key at off & ~3 (f_u32.c pack_key). */
    private static Key pack(long value, long mask, int off, int bytes) {
        int shift = 8 * (4 - bytes - (off & 3));
        return new Key((value & mask) << shift, mask << shift, off & ~3);
    }

    private static long number(String text) {
        return text.startsWith("0x") ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
    }

    /** The class the packet (starting at its IP header) goes to, or null for none. */
    String classify(byte[] packet) {
        return walk(tables.get(ROOT), 0, packet, 0);
    }

    private String walk(List<Filter> table, int off, byte[] p, int depth) {
        if (depth > 8) {
            throw new IllegalStateException("deeper than TC_U32_MAXDEPTH");
        }
        for (Filter f : table) {
            boolean all = true;
            for (Key k : f.keys()) {
                int toff = off + k.off();
                if (toff + 4 > p.length) {
                    throw new GiveUp();
                }
                if (((word(p, toff) ^ k.value()) & k.mask()) != 0) {
                    all = false;
                    break;
                }
            }
            if (!all) {
                continue;
            }
            if (f.link() == null) {
                return f.classid();
            }
            int off2 = 0;
            if (f.offset() || f.varOffset()) {
                off2 = f.plus() + 3;
                if (f.varOffset()) {
                    if (off + f.at() + 2 > p.length) {
                        throw new GiveUp();
                    }
                    int half = ((p[off + f.at()] & 0xff) << 8) | (p[off + f.at() + 1] & 0xff);
                    off2 += (half & f.offMask()) >> f.shift();
                }
                off2 &= ~3;
            }
            int next = f.eat() ? off + off2 : off;
            if (next < p.length) {
                String c = walk(tables.get(f.link()), next, p, depth + 1);
                if (c != null) {
                    return c;
                }
            }
        }
        return null;
    }

    /** Classifies, turning cls_u32's "give up on the whole priority" into no class. */
    String classifyOrNone(byte[] packet) {
        try {
            return classify(packet);
        } catch (GiveUp e) {
            return null;
        }
    }

    private static long word(byte[] p, int o) {
        return ((p[o] & 0xFFL) << 24) | ((p[o + 1] & 0xFFL) << 16) | ((p[o + 2] & 0xFFL) << 8) | (p[o + 3] & 0xFFL);
    }

    /** A read outside the packet: cls_u32 returns -1 for the whole priority. */
    private static final class GiveUp extends RuntimeException {
        GiveUp() {
            super(null, null, false, false);
        }
    }
}
