package org.nfqwall.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.HashSet;
import java.util.Set;

/**
 * Who may use the control socket, judged from the peer's credentials (SO_PEERCRED): root and
 * the daemon's own user fully; members of the control group (primary group, or listed in
 * {@code /etc/group}) too, but they may only reload the file in force, since the daemon reads
 * any file it is told to and its errors quote it. Everyone else is refused.
 *
 * <p>Immutable and thread-safe; the group's member list is read on each check, so a change to
 * {@code /etc/group} applies to the next connection.
 */
final class PeerPolicy {
    /** What a peer may do. */
    enum Access {
        /** Root or the daemon's user: everything. */
        FULL,
        /** A control-group member: statistics, status, reload of the file in force. */
        GROUP,
        /** Nothing: the connection gets an error line and is closed. */
        REFUSED
    }

    private final Set<UserPrincipal> fullAccess;
    private final GroupPrincipal group;
    private final String groupName;
    private final Path etcGroup;

    /**
     * @param fullAccess users with full access (root and the daemon's user)
     * @param group the control group, or null
     * @param groupName its name (for the member list), or null
     * @param etcGroup the group file listing supplementary members
     */
    PeerPolicy(Set<UserPrincipal> fullAccess, GroupPrincipal group, String groupName, Path etcGroup) {
        this.fullAccess = Set.copyOf(fullAccess);
        this.group = group;
        this.groupName = groupName;
        this.etcGroup = etcGroup;
    }

    /** What a peer with these credentials may do. */
    Access check(UserPrincipal user, GroupPrincipal primaryGroup) {
        if (user != null && fullAccess.contains(user)) {
            return Access.FULL;
        }
        if (group == null || user == null) {
            return Access.REFUSED;
        }
        if (group.equals(primaryGroup)) {
            return Access.GROUP;
        }
        return members().contains(user.getName()) ? Access.GROUP : Access.REFUSED;
    }

    /** Why a peer is refused, for the error line it gets. */
    String refusal(UserPrincipal user) {
        return "permission denied: user " + (user == null ? "(unknown)" : user.getName())
                + " may not use the control socket; expected root, the daemon's user"
                + (groupName == null ? " (or start the daemon with --control-group NAME)" : " or a member of group " + groupName);
    }

    private Set<String> members() {
        try {
            return membersOf(Files.readString(etcGroup, StandardCharsets.UTF_8), groupName);
        } catch (IOException e) {
            return Set.of();
        }
    }

    /** The supplementary members of {@code group} in the text of an {@code /etc/group} file ({@code name:x:gid:a,b,c}). */
    static Set<String> membersOf(String etcGroupText, String group) {
        Set<String> out = new HashSet<>();
        for (String line : etcGroupText.split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && f[0].equals(group)) {
                for (String m : f[3].split(",")) {
                    if (!m.isBlank()) {
                        out.add(m.strip());
                    }
                }
            }
        }
        return out;
    }
}
