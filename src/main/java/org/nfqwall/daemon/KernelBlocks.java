package org.nfqwall.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nfqwall.gen.IptablesRuleset;
import org.nfqwall.gen.SteeringSets;
import org.nfqwall.rules.Addresses;
import org.nfqwall.rules.Block;
import org.nfqwall.rules.MarkBits;
import org.nfqwall.rules.RuleSet;

/**
 * The kernel side of timed blocks, through the {@code ipset} and {@code conntrack} commands:
 * creates the address sets when missing, adds a src-only or dst-only block as a set entry with
 * its own timeout (the kernel expires it), removes it, and cuts a flow already accepted for good
 * by setting the drop bit in its connmark.
 *
 * <p>Runs commands (milliseconds each): call from the control thread or a thread of its own,
 * never from the packet path. Thread-safe (no state besides the runner).
 */
class KernelBlocks {
    /** Longest wait for one command: {@value} seconds. */
    static final int COMMAND_TIMEOUT_SECONDS = 10;

    /** Runs one command; returns null when it succeeded, else what it said. */
    interface Runner {
        String run(List<String> command);
    }

    private final Runner runner;

    KernelBlocks(Runner runner) {
        this.runner = runner;
    }

    /** Runs real processes. */
    static KernelBlocks system() {
        return new KernelBlocks(KernelBlocks::exec);
    }

    /** Creates the four sets unless they exist; returns the errors (empty when all is well). */
    List<String> createSets() {
        return runAll(IptablesRuleset.ipsetCreateCommands());
    }

    /**
     * Creates the steering sets of {@code rules} (one per steering mark and family) unless they
     * exist; existing sets keep their entries. Returns the errors (empty when all is well).
     */
    List<String> createSteeringSets(RuleSet rules) {
        return runAll(SteeringSets.createCommands(rules));
    }

    private List<String> runAll(List<List<String>> commands) {
        List<String> errors = new ArrayList<>();
        for (List<String> command : commands) {
            String e = runner.run(new ArrayList<>(command));
            if (e != null) {
                errors.add(e);
            }
        }
        return errors;
    }

    /** Adds (or renews) the set entry of a kernel block for {@code seconds}; null or the error. */
    String add(Block b, long seconds) {
        return runner.run(List.of("ipset", "add", setName(b), entry(b), "timeout", String.valueOf(Math.max(1, seconds)),
                "-exist"));
    }

    /** Removes the set entry of a kernel block (gone already is fine); null or the error. */
    String remove(Block b) {
        return runner.run(List.of("ipset", "del", setName(b), entry(b), "-exist"));
    }

    /** Sets the drop bit in the connmark of one connection, so the kernel drops the rest of it. */
    String cut(long srcHi, long srcLo, long dstHi, long dstLo, int protocol, int srcPort, int dstPort) {
        String src = Addresses.format(srcHi, srcLo);
        String drop = "0x" + Integer.toHexString(MarkBits.DROP);
        List<String> cmd = new ArrayList<>(List.of("conntrack", "-U", "-f", src.indexOf(':') >= 0 ? "ipv6" : "ipv4",
                "-p", protocol == 17 ? "udp" : "tcp", "-s", src, "-d", Addresses.format(dstHi, dstLo),
                "--sport", String.valueOf(srcPort), "--dport", String.valueOf(dstPort), "-m", drop + "/" + drop));
        return runner.run(cmd);
    }

    static String setName(Block b) {
        return IptablesRuleset.blockSetName(b.src() != null, !b.ipv4());
    }

    private static String entry(Block b) {
        return b.src() != null ? b.src() : b.dst();
    }

    private static String exec(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", command) + ": no answer within " + COMMAND_TIMEOUT_SECONDS + " s";
            }
            if (p.exitValue() != 0) {
                return String.join(" ", command) + ": exit " + p.exitValue() + ": "
                        + new String(out, StandardCharsets.UTF_8).strip();
            }
            return null;
        } catch (IOException e) {
            return String.join(" ", command) + ": " + e.getMessage() + " (is " + command.get(0) + " installed?)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return String.join(" ", command) + ": interrupted";
        }
    }
}
