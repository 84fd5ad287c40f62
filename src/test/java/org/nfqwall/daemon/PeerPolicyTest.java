package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may use the control socket: the credential check that SO_PEERCRED feeds. */
class PeerPolicyTest {
    private static final UserPrincipalLookupService USERS = FileSystems.getDefault().getUserPrincipalLookupService();

    @TempDir
    Path dir;

    private static UserPrincipal user(String name) throws IOException {
        return USERS.lookupPrincipalByName(name);
    }

    private static GroupPrincipal group(String name) throws IOException {
        return USERS.lookupPrincipalByGroupName(name);
    }

    private PeerPolicy policy(String groupName, String etcGroup) throws IOException {
        Path file = dir.resolve("group");
        Files.writeString(file, etcGroup);
        return new PeerPolicy(Set.of(user("root")), groupName == null ? null : group(groupName), groupName, file);
    }

    @Test
    void rootAndTheDaemonsUserHaveFullAccess() throws IOException {
        assertEquals(PeerPolicy.Access.FULL, policy(null, "").check(user("root"), group("root")));
        PeerPolicy daemonAsNobody = new PeerPolicy(Set.of(user("root"), user("nobody")), null, null, dir.resolve("none"));
        assertEquals(PeerPolicy.Access.FULL, daemonAsNobody.check(user("nobody"), group("nogroup")));
    }

    @Test
    void othersAreRefusedWithoutAControlGroup() throws IOException {
        PeerPolicy p = policy(null, "");
        assertEquals(PeerPolicy.Access.REFUSED, p.check(user("nobody"), group("nogroup")));
        assertTrue(p.refusal(user("nobody")).startsWith("permission denied: user nobody may not use the control socket"),
                p.refusal(user("nobody")));
        assertEquals(PeerPolicy.Access.REFUSED, p.check(null, null));
    }

    @Test
    void membersOfTheControlGroupByPrimaryGroupOrByTheGroupFile() throws IOException {
        PeerPolicy primary = policy("nogroup", "nogroup:x:65534:\n");
        assertEquals(PeerPolicy.Access.GROUP, primary.check(user("nobody"), group("nogroup")));
        PeerPolicy listed = policy("daemon", "root:x:0:\ndaemon:x:1:alice, nobody\n");
        assertEquals(PeerPolicy.Access.GROUP, listed.check(user("nobody"), group("nogroup")));
        PeerPolicy notListed = policy("daemon", "daemon:x:1:alice\n");
        assertEquals(PeerPolicy.Access.REFUSED, notListed.check(user("nobody"), group("nogroup")));
    }

    @Test
    void readsSupplementaryMembersFromTheGroupFile() {
        assertEquals(Set.of("a", "b"), PeerPolicy.membersOf("x:x:1:\nnfqwall:x:999:a,b\nother:x:2:c\n", "nfqwall"));
        assertEquals(Set.of(), PeerPolicy.membersOf("nfqwall:x:999:\n", "nfqwall"));
        assertEquals(Set.of(), PeerPolicy.membersOf("garbage\n", "nfqwall"));
    }
}
