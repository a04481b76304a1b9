#!/usr/bin/env bash
# Runs every test of the project. Installs what the tests need first.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_base
# xmllint lets the tests validate domain XML against libvirt's schema (virt-xml-validate).
# chattr makes a folder read-only for root (hyperexport tests), kill sends them SIGINT.
ensure_packages xmllint:libxml2-utils chattr:e2fsprogs kill:procps
# The vSphere tests build VMware's vCenter simulator (vcsim) from Debian's govmomi sources, offline.
ensure_packages go:golang-go /usr/share/gocode/src/github.com/vmware/govmomi/simulator:golang-github-vmware-govmomi-dev
# curl submits the design's Web API example to hypervisord in its tests, as a user would.
ensure_packages curl:curl
# chromium runs the dashboard's browser tests (Playwright drives it; it never downloads a browser).
ensure_packages chromium:chromium
# The packaging tests: systemd-analyze verifies the units, man renders the man pages, ansible checks the role.
ensure_packages systemd-analyze:systemd man:man-db ansible-playbook:ansible-core ansible-lint:ansible-lint
# The guest tests (tests/guest): the VMware-like test guest is built with debootstrap and packed with sfdisk,
# mkfs, grub (in the guest) and qemu-img; it boots under qemu (SeaBIOS, OVMF); the bench compares virt-v2v.
ensure_packages debootstrap:debootstrap sfdisk:fdisk mkfs.vfat:dosfstools mcopy:mtools qemu-img:qemu-utils \
  qemu-system-x86_64:qemu-system-x86 /usr/share/OVMF/OVMF_CODE_4M.fd:ovmf lsinitramfs:initramfs-tools
# The RPM stand-in guest (tests/guest/build-rpm-guest.sh) gets its open-vm-tools package from rpmbuild.
ensure_packages rpmbuild:rpm
# The fix stage's tests: hivexregedit edits Windows' registry; small guest images are made with mke2fs and mkntfs.
ensure_packages hivexregedit:libwin-hivex-perl mke2fs:e2fsprogs mkntfs:ntfs-3g
# The boot check's tests boot the host's kernel with a tiny initramfs, and empty disks under SeaBIOS and OVMF.
ensure_packages qemu-system-x86_64:qemu-system-x86 /usr/share/OVMF/OVMF_CODE_4M.fd:ovmf /vmlinuz:linux-image-cloud-amd64
# The hyperv tests log in to their in-process SSH server with a key ssh-keygen writes.
ensure_packages ssh-keygen:openssh-client
cd "$ROOT"
# The test guests are built (or taken from their caches) beside Maven, which needs them only in its last
# modules: on a fresh machine the builds are minutes of downloads and disk work that would otherwise come first.
# Each build holds the lock that the guest tests take too (TestGuest.BUILD_LOCK), so a test that gets there
# first waits for the build instead of starting its own.
guest_cache=${HYPERSDK_GUEST_CACHE:-$HOME/.cache/hypersdk}
guest_lock=$guest_cache/.guest-build.lock
guest_log=$(mktemp "${TMPDIR:-/tmp}/hypersdk-guest-builds.XXXXXX.log")
mkdir -p "$guest_cache"
setsid bash -c 'for s in build-guest.sh build-rpm-guest.sh; do flock "$1" bash "$2/$s" || exit; done' \
  guest-builds "$guest_lock" "$ROOT/tests/guest" > "$guest_log" 2>&1 &
guest_builds=$!
# A failed Maven run must not leave debootstrap running: setsid made the builds a process group of their own.
trap 'kill -- -"$guest_builds" 2>/dev/null || true' EXIT
echo "building the test guests in the background (log: $guest_log)"
mvn -B verify "$@"
if ! wait "$guest_builds"; then
  echo "building the test guests failed; the end of $guest_log:" >&2
  tail -20 "$guest_log" >&2
  exit 1
fi
trap - EXIT
cat "$guest_log"
rm -f "$guest_log"
# The system tests: the .deb just built, installed with the Ansible playbook into containers that boot
# systemd (systemd-nspawn); they install systemd-container and debootstrap themselves.
bash "$ROOT/tests/system/run.sh"
