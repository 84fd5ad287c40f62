#!/bin/sh
# service_sandbox.sh USER CAPS CMD...: runs CMD confined the way scripts/nfqwall.service confines
# the daemon, for kernel-level tests on machines without a running systemd (LeastPrivilegeIT).
#
# In a private mount namespace (nothing here is visible outside it):
#   ProtectSystem=strict         / read-only (the daemon only reads its jar and rules)
#   ProtectKernelTunables=yes    /proc/sys and /sys read-only
#   ProtectHome=yes              /home, /root and /run/user empty and inaccessible
#   PrivateTmp=yes               a fresh, empty /tmp (so the jar and rules must live elsewhere)
#   PrivateDevices=yes           a /dev with only null, zero, full, random, urandom and tty
#   RuntimeDirectory=nfqwall     a writable /run/nfqwall (mode 0750, owned by USER) for the
#                                control socket, on a fresh /run
# then, with setpriv (util-linux):
#   User=, Group=                real and effective uid and gid of USER, its groups
#   AmbientCapabilities=CAPS, CapabilityBoundingSet=CAPS (setpriv's list, e.g. "+net_admin", or
#                                "" for none), NoNewPrivileges=yes
# CMD is exec'd, so its pid is this script's pid.
set -eu
user=$1 caps=$2
shift 2

if [ "${SANDBOX_INSIDE:-}" != 1 ]; then
    export SANDBOX_INSIDE=1
    exec unshare --mount --propagation private -- sh "$0" "$user" "$caps" "$@"
fi

mount -o remount,bind,ro /
mount --bind /proc/sys /proc/sys
mount -o remount,bind,ro /proc/sys
mount -o remount,bind,ro /sys
for dir in /home /root /run/user; do
    if [ -d "$dir" ]; then
        mount -t tmpfs -o ro,mode=000 tmpfs "$dir"
    fi
done
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run
mkdir -m 0750 /run/nfqwall
chown "$user:$(id -gn "$user")" /run/nfqwall
mount -t tmpfs -o mode=755,nosuid,noexec tmpfs /dev
mknod -m 666 /dev/null c 1 3
mknod -m 666 /dev/zero c 1 5
mknod -m 666 /dev/full c 1 7
mknod -m 666 /dev/random c 1 8
mknod -m 666 /dev/urandom c 1 9
mknod -m 666 /dev/tty c 5 0

unset SANDBOX_INSIDE
exec setpriv --reuid="$user" --regid="$user" --init-groups --nnp \
    --inh-caps="-all${caps:+,$caps}" --ambient-caps="-all${caps:+,$caps}" --bounding-set="-all${caps:+,$caps}" \
    "$@"
