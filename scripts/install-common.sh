# Shared by scripts/install and scripts/uninstall (sourced, after they set $root; empty = this
# machine): where things go and how the nfqwall user is looked up.

UNIT_PATH=/etc/systemd/system/nfqwall.service
RULES_PATH=/etc/nfqwall/rules.yaml
STATE_DIR=/var/lib/nfqwall
# The launcher's second line: uninstall removes a PREFIX/bin/nfqwall only if it carries it.
LAUNCHER_MARK='# nfqwall launcher written by scripts/install'

# useradd, groupadd, userdel and groupdel work on DIR/etc/{passwd,group,shadow,gshadow} with
# --prefix DIR (shadow 4.6+), without chrooting, so DIR needs no binaries.
shadow_root_args=()
[[ -z $root ]] || shadow_root_args=(--prefix "$root")

# account_field passwd|group NAME FIELD: a field of NAME's entry (3 = the number), or nothing.
account_field() {
    if [[ -n $root ]]; then
        [[ -f $root/etc/$1 ]] || return 0
        awk -F: -v name="$2" -v field="$3" '$1 == name { print $field; exit }' "$root/etc/$1"
    else
        getent "$1" "$2" | cut -d: -f"$3" || true
    fi
}

# systemd_running: true when systemd is this machine's init (sd_booted(3) checks the same).
systemd_running() {
    [[ -d /run/systemd/system ]]
}

# launcher_text JAR: the installed launcher, which runs JAR and nothing else (no build step,
# unlike the development launcher scripts/nfqwall).
launcher_text() {
    cat <<EOF
#!/bin/sh
$LAUNCHER_MARK: runs the installed jar.
# NFQWALL_JAVA picks another java; NFQWALL_JAVA_OPTS adds JVM options.
exec "\${NFQWALL_JAVA:-java}" \${NFQWALL_JAVA_OPTS:-} -jar $1 "\$@"
EOF
}
