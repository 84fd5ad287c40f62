package org.nfqwall.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The --restore-mark rule at the top of the hooked chain leaves alone the packets nfqwall hands
 * back with a verdict (NF_REPEAT re-runs the chain from its top): restoring the connection's old
 * mark onto them would wipe out the mark the verdict sets, and with it every shaping decision.
 */
class IptablesTopRestoreMarkTest {
    private static final String TOP = " -m mark ! --mark 0x80000000/0x80000000 -j CONNMARK --restore-mark"
            + " --nfmask 0xff --ctmask 0xff";

    private static String iptables(String chain, boolean remove) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = remove
                ? new String[] {"iptables", "--queue", "10", "--chain", chain, "--restore-mark", "--mark-mask", "0xff", "--remove"}
                : new String[] {"iptables", "--queue", "10", "--chain", chain, "--restore-mark", "--mark-mask", "0xff"};
        assertEquals(0, Main.execute(new PrintWriter(out), new PrintWriter(err), args), err.toString());
        return out.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PREROUTING", "FORWARD"})
    void skipsPacketsHandedBackWithAVerdict(String chain) {
        String document = iptables(chain, false);
        assertEquals(List.of("-I " + chain + " 1" + TOP),
                document.lines().filter(l -> l.startsWith("-I " + chain + " 1 ")).toList(), document);
        String removal = iptables(chain, true);
        assertEquals(List.of("-D " + chain + TOP),
                removal.lines().filter(l -> l.contains("--restore-mark") && l.startsWith("-D " + chain)).toList(), removal);
    }
}
