package org.nfqwall.nfq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class NativeTest {
    @Test
    void aMissingLibrarySaysWhatToInstallInOneLine() {
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                () -> Native.load(Native.LibNfq.class, "libnfqwall-absent.so.1", "libnfqwall-absent1"));
        assertEquals("libnfqwall-absent.so.1 not found: install it with 'apt-get install libnfqwall-absent1'",
                e.getMessage());
    }

    @Test
    void theInstalledLibrariesLoadByTheirRuntimeNames() throws NfqException {
        Native.libc();
        Native.mnl();
        Native.nfq();
    }

    @Test
    void aFailedCallReadsAsFunctionErrnoAndDescription() throws NfqException {
        NfqException e = QueueSocket.failure(Native.libc(), "nfq_nlmsg_cfg_put_cmd", 1);
        assertEquals("nfq_nlmsg_cfg_put_cmd(..) failed: errno 1 (Operation not permitted)", e.getMessage());
        assertEquals("nfq_nlmsg_cfg_put_cmd", e.function());
        assertEquals(1, e.errno());
    }

    @Test
    void wrappingSaysWhatWasBeingDoneAndKeepsTheErrno() throws NfqException {
        NfqException e = new NfqException("could not bind to queue 10",
                QueueSocket.failure(Native.libc(), "nfq_nlmsg_cfg_put_cmd", 16));
        assertEquals("could not bind to queue 10: nfq_nlmsg_cfg_put_cmd(..) failed: errno 16 (Device or resource busy)",
                e.getMessage());
        assertEquals(16, e.errno());
    }

    @Test
    void onlyDirectBuffersHaveAnAddress() {
        assertThrows(IllegalArgumentException.class, () -> Native.addressOf(ByteBuffer.allocate(8)));
    }
}
