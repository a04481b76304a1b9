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
# Built (or taken from its cache) before the tests, so its minutes show up here and not as a test's timeout.
bash "$ROOT/tests/guest/build-guest.sh"
bash "$ROOT/tests/guest/build-rpm-guest.sh"
mvn -B verify "$@"
# The system tests: the .deb just built, installed with the Ansible playbook into containers that boot
# systemd (systemd-nspawn); they install systemd-container and debootstrap themselves.
bash "$ROOT/tests/system/run.sh"
