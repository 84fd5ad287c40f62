package org.nfqwall.nfq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link IpsetSocket} against the real kernel in a private network namespace: sets made with the
 * ipset command, addresses added through the socket ({@link IpsetAddTool} in the namespace), read
 * back with {@code ipset list}. Needs root and the ipset command.
 */
class IpsetSocketIT {
    private static final long WAIT_SECONDS = 20;

    @Test
    void addsRenewsAndReportsMissingAndFullSets() throws Exception {
        try (NetNamespace ns = NetNamespace.create()) {
            ns.run("ipset", "create", "nfqwall-mark-0x10", "hash:ip", "family", "inet", "timeout", "3600", "maxelem", "2");
            ns.run("ipset", "create", "nfqwall-mark6-0x10", "hash:ip", "family", "inet6", "timeout", "3600");
            NetNamespace.Program tool = ns.startJava(IpsetAddTool.class);
            tool.awaitLine("ready", WAIT_SECONDS);

            assertEquals("result 0", add(tool, "nfqwall-mark-0x10 10.0.0.1 100"));
            assertTrue(timeout(ns, "nfqwall-mark-0x10", "10.0.0.1") <= 100, ns.run("ipset", "list", "nfqwall-mark-0x10"));
            assertEquals("result 0", add(tool, "nfqwall-mark-0x10 10.0.0.1 3000"), "an address already there is no error");
            assertTrue(timeout(ns, "nfqwall-mark-0x10", "10.0.0.1") > 100, "the timeout was renewed: "
                    + ns.run("ipset", "list", "nfqwall-mark-0x10"));

            assertEquals("result 0", add(tool, "nfqwall-mark6-0x10 fd00::8:1 60"));
            assertTrue(ns.run("ipset", "list", "nfqwall-mark6-0x10").contains("fd00::8:1 timeout"));

            assertEquals("result 0", add(tool, "nfqwall-mark-0x10 10.0.0.2 100"));
            String full = add(tool, "nfqwall-mark-0x10 10.0.0.3 100");
            assertEquals("result " + IpsetSocket.SET_FULL, full, "maxelem 2 reached");
            assertTrue(!ns.run("ipset", "list", "nfqwall-mark-0x10").contains("10.0.0.3"));

            assertEquals("result " + IpsetSocket.NO_SUCH_SET, add(tool, "nfqwall-mark-0x99 10.0.0.1 100"));
            assertEquals("result " + IpsetSocket.FAILED, add(tool, "nfqwall-mark6-0x10 10.0.0.1 100"),
                    "an IPv4 address for an inet6 set is refused");

            tool.writeLine("repeat 2000 nfqwall-mark-0x10 10.0.0.1 100");
            long allocated = Long.parseLong(tool.awaitLine("allocated", WAIT_SECONDS).split(" ")[1]);
            // 2000 adds; one object each would be 32000 bytes or more. The JIT may allocate a little once.
            assertTrue(allocated < 8000, "adds allocate nothing per add: " + allocated + " bytes for 2000");
            tool.closeInput();
        }
    }

    /** Sends one add and returns {@code result CODE} of the tool's answer. */
    private static String add(NetNamespace.Program tool, String args) throws Exception {
        tool.writeLine("add " + args);
        String[] w = tool.awaitLine("result", WAIT_SECONDS).split(" ");
        return w[0] + " " + w[1];
    }

    private static long timeout(NetNamespace ns, String set, String address) throws Exception {
        String listing = ns.run("ipset", "list", set);
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(address) + " timeout (\\d+)$").matcher(listing);
        if (!m.find()) {
            throw new AssertionError(address + " not in " + set + ":\n" + listing);
        }
        return Long.parseLong(m.group(1));
    }
}
