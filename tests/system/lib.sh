# Shared by the system tests: a cached Debian rootfs, containers booted from copies of it with
# systemd-nspawn, commands run inside them, and checks that print what they checked.
# shellcheck shell=bash

SYSTEST_MIRROR=${SYSTEST_MIRROR:-http://deb.debian.org/debian}
# What the containers need: systemd to run the units, the .deb's dependencies (Java, qemu-img,
# virsh, adduser for its postinst) so `apt-get install ./x.deb` never needs the network, and
# ansible-core to run the playbook inside.
SYSTEST_PACKAGES=systemd,systemd-sysv,dbus,openjdk-17-jre-headless,qemu-utils,libvirt-clients,python3,ansible-core,procps,ca-certificates,adduser
SYSTEST_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/hypersdk

log() { echo "[systest] $*"; }
pass() { echo "  PASS: $*"; }
fail() {
  echo "  FAIL: $*" >&2
  exit 1
}

# rootfs_base  prints the cached base rootfs folder, building it first when missing. The folder is
# named after a hash of the mirror and package list, and is only renamed into place once debootstrap
# has finished, so an interrupted build is never taken for a cached rootfs.
rootfs_base() {
  local key base tmp
  key=$(echo "bookworm $SYSTEST_MIRROR $SYSTEST_PACKAGES" | sha256sum | cut -c1-12)
  base=$SYSTEST_CACHE/rootfs-$key
  if [[ ! -d $base ]]; then
    mkdir -p "$SYSTEST_CACHE"
    tmp=$(mktemp -d "$SYSTEST_CACHE/.rootfs-$key.XXXXXX")
    log "building the rootfs $base with debootstrap (a few minutes, once)..." >&2
    if ! debootstrap --variant=minbase --include="$SYSTEST_PACKAGES" bookworm "$tmp" "$SYSTEST_MIRROR" \
      >"$tmp.log" 2>&1; then
      tail -n 30 "$tmp.log" >&2
      rm -rf "$tmp"
      return 1
    fi
    rm -f "$tmp.log"
    mv -T "$tmp" "$base"
  fi
  echo "$base"
}
