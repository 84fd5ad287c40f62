package org.nfqwall.gen;

import static org.nfqwall.gen.IptablesOptions.hex;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.nfqwall.rules.DeviceNames;
import org.nfqwall.rules.MarkDefinition;
import org.nfqwall.rules.MarkShape;
import org.nfqwall.rules.RuleSet;

/**
 * Writes the POSIX sh scripts that shape what leaves one device by the marks of a rules file
 * ({@link #apply}) and take the shaping down again ({@link #remove}): an HTB root qdisc, a parent
 * class at the link rate, one class per mark with {@code shape:}, a default class for everything
 * else, and a {@code cls_bpf} filter per shaped mark: a classic BPF program that reads the
 * packet mark ({@link #markFilterProgram}). Not {@code u32 match mark}: cls_u32 reads the mark
 * only in kernels built with {@code CONFIG_CLS_U32_MARK}; others (this project's among them)
 * accept the filter, drop the mark key and put every packet in the class. Nor {@code cls_fw},
 * which not every kernel has. Pure functions; thread-safe.
 *
 * <p>Class ids, fixed so that {@code tc -s class show} reads the same every time: {@code 1:1} the
 * link, {@code 1:2} everything unmarked (HTB's default), and {@code 1:10}, {@code 1:11}, ... (hex,
 * as tc prints them) the shaped marks in file order.
 *
 * @param rulesFile the rules file as the admin named it, for the script's comments
 * @param rules     the loaded rules; at least one mark with {@code shape:}
 * @param dev       the device whose egress is shaped
 * @param linkRate  the link rate as written (e.g. {@code 100mbit})
 * @param linkBits  the same in bits per second
 */
public record ShapingScript(String rulesFile, RuleSet rules, String dev, String linkRate, long linkBits) {
    /** The HTB class of the whole link. */
    public static final String LINK_CLASS = "1:1";
    /** The HTB class of unmarked traffic ({@code htb default 2}). */
    public static final String DEFAULT_CLASS = "1:2";
    /** The minor number of the first shaped mark's class, 0x10: tc prints it as {@code 1:10}. */
    private static final int FIRST_MARK_MINOR = 0x10;

    /**
     * Checks what no tc command could do and throws {@link IllegalArgumentException} saying
     * what to fix: no shaped marks, a mark's rate or ceil above the link, or rates that leave
     * nothing of the link for unmarked traffic.
     */
    public ShapingScript {
        Objects.requireNonNull(rulesFile, "rulesFile");
        Objects.requireNonNull(rules, "rules");
        if (dev == null || !DeviceNames.isValid(dev)) {
            throw new IllegalArgumentException("--dev " + (dev == null ? "is missing" : "\"" + dev + "\" is not a device name")
                    + "; " + DeviceNames.EXPECTED);
        }
        List<MarkDefinition> shaped = shapedMarks(rules);
        if (shaped.isEmpty()) {
            throw new IllegalArgumentException(rulesFile + ": no mark has a shape, nothing to shape; expected a mark like"
                    + " slow: {value: 0x20, shape: {rate: 2mbit, ceil: 4mbit}}");
        }
        long sum = 0;
        for (MarkDefinition m : shaped) {
            MarkShape s = m.shape();
            if (s.rateBits() > linkBits || s.ceilBits() > linkBits) {
                boolean rate = s.rateBits() > linkBits;
                throw new IllegalArgumentException(rulesFile + ":" + m.line() + ": mark " + m.name() + ": "
                        + (rate ? "rate " + s.rate() : "ceil " + s.ceil()) + " is above the link rate " + linkRate
                        + "; expected at most the link rate (--rate)");
            }
            sum += s.rateBits();
        }
        if (sum >= linkBits) {
            throw new IllegalArgumentException(rulesFile + ": the rates of the shaped marks add up to " + bits(sum)
                    + ", which leaves nothing of the link rate " + linkRate + " for unmarked traffic (class "
                    + DEFAULT_CLASS + "); expected a sum below the link rate");
        }
    }

    /** The marks with {@code shape:}, in file order. */
    public static List<MarkDefinition> shapedMarks(RuleSet rules) {
        List<MarkDefinition> shaped = new ArrayList<>();
        for (MarkDefinition m : rules.markDefinitions().values()) {
            if (m.shape() != null) {
                shaped.add(m);
            }
        }
        return shaped;
    }

    /** The class id of the {@code index}-th shaped mark (0-based, file order): 1:10, 1:11, ... */
    public static String markClass(int index) {
        return "1:" + Integer.toHexString(FIRST_MARK_MINOR + index);
    }

    /** The script that replaces the device's root qdisc with the HTB tree. */
    public String apply() {
        RestoreDocument d = new RestoreDocument();
        String q = Shell.quote(dev);
        List<MarkDefinition> shaped = shapedMarks(rules);
        d.line("#!/bin/sh");
        d.comment("nfqwall: HTB shaping of what leaves " + dev + " at " + linkRate + ", by the marks of " + rulesFile + ".");
        d.comment("Generated by: nfqwall shaping " + arguments() + ", for sh");
        d.comment("Remove: nfqwall shaping " + arguments() + " --remove | sh");
        d.comment("tc shapes what a device sends: uploads on the uplink, downloads on the device toward the clients.");
        d.comment("The mark must be on every packet when it leaves: nfqwall iptables --restore-mark restores it from");
        d.comment("the connmark (both directions). Classes: " + LINK_CLASS + " the link, " + DEFAULT_CLASS
                + " everything unmarked, 1:10, 1:11, ... the shaped");
        d.comment("marks in file order. The first command that fails stops the script.");
        d.line("set -e");
        d.comment("Applying again starts afresh: whatever root qdisc " + dev + " had is deleted first.");
        d.line("tc qdisc del dev " + q + " root 2>/dev/null || :");
        d.line("tc qdisc add dev " + q + " root handle 1: htb default 2");
        d.line("tc class add dev " + q + " parent 1: classid " + LINK_CLASS + " htb rate " + linkRate + " ceil " + linkRate);
        long rest = linkBits - shaped.stream().mapToLong(m -> m.shape().rateBits()).sum();
        d.comment("Everything unmarked: what the shaped marks' rates leave of the link, up to all of it.");
        d.line("tc class add dev " + q + " parent " + LINK_CLASS + " classid " + DEFAULT_CLASS + " htb rate " + bits(rest)
                + " ceil " + linkRate);
        String mask = hex(rules.markMask());
        for (int i = 0; i < shaped.size(); i++) {
            MarkDefinition m = shaped.get(i);
            MarkShape s = m.shape();
            d.comment("Mark " + m.name() + " (" + hex(m.value()) + "/" + mask + "): rate " + s.rate() + ", ceil " + s.ceil()
                    + ", prio " + s.prio() + "; the filter's BPF program tests mark & " + mask + " == " + hex(m.value()) + ".");
            d.line("tc class add dev " + q + " parent " + LINK_CLASS + " classid " + markClass(i) + " htb rate " + s.rate()
                    + " ceil " + s.ceil() + " prio " + s.prio());
            d.line("tc filter add dev " + q + " parent 1: protocol all prio 1 bpf bytecode '"
                    + markFilterProgram(m.value(), rules.markMask()) + "' flowid " + markClass(i));
        }
        return d.toString();
    }

    /**
     * The classic BPF program, in tc's {@code bytecode} form ("COUNT,CODE JT JF K,..."), that
     * matches packets whose {@code mark & mask == value}:
     * <pre>
     *   ld  mark            (code 0x20: BPF_LD|BPF_W|BPF_ABS at SKF_AD_OFF + SKF_AD_MARK, -4096 + 20)
     *   and #mask           (0x54: BPF_ALU|BPF_AND|BPF_K)
     *   jeq #value, 0, 1    (0x15: BPF_JMP|BPF_JEQ|BPF_K)
     *   ret #-1             (0x06: BPF_RET|BPF_K; -1 = the filter's own flowid)
     *   ret #0              (no match: the next filter, else HTB's default class)
     * </pre>
     */
    public static String markFilterProgram(int value, int mask) {
        long markLoad = 0x1_0000_0000L - 4096 + 20;
        return "5,32 0 0 " + markLoad + ",84 0 0 " + Integer.toUnsignedString(mask) + ",21 0 1 "
                + Integer.toUnsignedString(value) + ",6 0 0 4294967295,6 0 0 0";
    }

    /** The script that deletes the root qdisc, and with it every class and filter apply added. */
    public String remove() {
        RestoreDocument d = new RestoreDocument();
        d.line("#!/bin/sh");
        d.comment("nfqwall: removes the HTB shaping of " + dev + " (its classes and filters go with the root qdisc).");
        d.comment("Generated by: nfqwall shaping " + arguments() + " --remove, for sh");
        d.comment("Re-apply: nfqwall shaping " + arguments() + " | sh");
        d.line("tc qdisc del dev " + Shell.quote(dev) + " root");
        return d.toString();
    }

    private String arguments() {
        return "--rules " + Shell.quote(rulesFile) + " --dev " + Shell.quote(dev) + " --rate " + Shell.quote(linkRate);
    }

    /** A rate in bits per second as tc reads it: {@code 98mbit}, {@code 1500kbit} or {@code 12345bit}. */
    static String bits(long bitsPerSecond) {
        if (bitsPerSecond % 1_000_000 == 0) {
            return bitsPerSecond / 1_000_000 + "mbit";
        }
        if (bitsPerSecond % 1_000 == 0) {
            return bitsPerSecond / 1_000 + "kbit";
        }
        return bitsPerSecond + "bit";
    }
}
