#!/usr/bin/env bash
# Builds the RPM/dracut stand-in guest: a VMware-like VM that libguestfs inspects as RHEL 9 (distro "rhel",
# package format rpm), so the fix stage takes its RHEL-family paths (rpm -e, dracut for every kernel,
# grub2-mkconfig into /boot/grub2, BLS entries, grubenv, /.autorelabel) for real, offline.
#
# It is NOT RHEL: the userland is Debian bookworm (debootstrap) with Debian's dracut instead of initramfs-tools,
# Debian's rpm with its database moved to RHEL's /var/lib/rpm, and RHEL's identity files. What it has:
#   - /etc/os-release, /etc/redhat-release, /etc/system-release of RHEL 9.3; no /etc/debian_version;
#   - open-vm-tools as a noarch RPM built here with rpmbuild, owning /usr/bin/vmtoolsd and
#     /etc/vmware-tools/tools.conf, installed into the rpm database (so `rpm -e` has something real to remove);
#   - two kernels (the two newest Debian 6.1 cloud ABIs), each with /boot/initramfs-VER.img made by dracut with
#     only the VMware storage driver (vmw_pvscsi, no virtio), and dracut set to hostonly as RHEL ships it;
#   - /boot/grub2 as RHEL lays it out (/boot/grub is a symlink to it, so Debian's grub-install and core.img find
#     it), grub2-mkconfig/grub2-editenv/... as symlinks to Debian's grub-* tools; grub.cfg, the BLS entries in
#     /boot/loader/entries, grubenv's kernelopts and /etc/kernel/cmdline all say root=/dev/sda1. Debian's grub has
#     no blscfg command, so grub.cfg carries menuentries (as grub2-mkconfig with GRUB_ENABLE_BLSCFG=false writes);
#     the BLS entries are what the fix stage must rewrite, not what boots;
#   - /etc/selinux/config SELINUX=enforcing (the Debian kernel starts no SELinux, so the guest still boots);
#   - fstab on /dev/sda1 and /dev/sdb1, ens192 DHCP through ifupdown plus RHEL's ifcfg-ens192; BIOS only.
# The serial report unit is the Debian guest's (guest-lib.sh); it asks rpm whether open-vm-tools is installed.
#
# Result (cached; a second run is instant):
#   ~/.cache/hypersdk/rpm-guest-<first 12 hex of the sha256 of this script and guest-lib.sh>/bios/hypersdk-rpm-guest.ova
# Prints the folder on its last line. Needs root (debootstrap, loop devices, chroot) and rpmbuild.
set -euo pipefail

MIRROR=${HYPERSDK_GUEST_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${HYPERSDK_GUEST_SECURITY_MIRROR:-${MIRROR%/debian}/debian-security}
NAME=hypersdk-rpm-guest
SCRIPT_TAG=build-rpm-guest
MAC=00:50:56:a1:12:11
ROOT_DISK_SIZE=2G
HOME_DISK_SIZE=1G
# The BLS entries' file names start with the machine id the guest was installed with.
BLS_ID=4a1d0c1e5b6f4d7e8a9b0c1d2e3f4a5b

script=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source=guest-lib.sh
source "$(dirname "$script")/guest-lib.sh"
guest_cache_key rpm-guest "$script"

if [[ -f $out/bios/$NAME.ova ]]; then
  echo "RPM stand-in guest cached in $out"
  echo "$out"
  exit 0
fi
guest_lib_start debootstrap sfdisk losetup partx mkfs.ext4 qemu-img chroot tar sha256sum rpmbuild

# ---- 1. the open-vm-tools RPM -----------------------------------------------------------------------
mkdir -p "$work/rpmbuild"
cat > "$work/rpmbuild/open-vm-tools.spec" <<'EOF'
Name: open-vm-tools
Version: 12.2.5
Release: 3.el9
Summary: Stand-in for VMware's open-vm-tools, for the HyperSDK RPM test guest
License: LGPL-2.1-only
BuildArch: noarch
%description
Owns the files open-vm-tools would, so that rpm -e has something real to remove.
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/etc/vmware-tools
printf '#!/bin/sh\nexec sleep infinity\n' > %{buildroot}/usr/bin/vmtoolsd
chmod 755 %{buildroot}/usr/bin/vmtoolsd
echo '[logging]' > %{buildroot}/etc/vmware-tools/tools.conf
%files
/usr/bin/vmtoolsd
%config(noreplace) /etc/vmware-tools/tools.conf
EOF
rpmbuild -bb --quiet --define "_topdir $work/rpmbuild/top" "$work/rpmbuild/open-vm-tools.spec" \
  >"$work/rpmbuild.log" 2>&1 || { tail -30 "$work/rpmbuild.log" >&2; exit 1; }
vmtools_rpm=$(ls "$work"/rpmbuild/top/RPMS/noarch/open-vm-tools-*.noarch.rpm)
step "open-vm-tools noarch RPM"

# ---- 2. the root file system ------------------------------------------------------------------------
rootfs=$work/rootfs
mkdir -p "$cache_root/debootstrap-debs"
debootstrap --variant=minbase --cache-dir="$cache_root/debootstrap-debs" \
  --include=systemd-sysv,udev,dracut,kmod,cpio,ifupdown,isc-dhcp-client,iproute2,rpm,util-linux,e2fsprogs,grub2-common,grub-pc-bin,ca-certificates \
  bookworm "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 || { tail -30 "$work/debootstrap.log" >&2; exit 1; }
step "debootstrap bookworm minbase with dracut and rpm"

# dracut as RHEL ships it (host-only images), and what the VMware guest's initramfs was built with.
mkdir -p "$rootfs/usr/lib/dracut/dracut.conf.d"
cat > "$rootfs/usr/lib/dracut/dracut.conf.d/01-dist.conf" <<'EOF'
# As RHEL's dracut-config: images hold what this machine needs to boot, not every driver.
hostonly="yes"
hostonly_cmdline="no"
EOF
echo "$NAME" > "$rootfs/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n' "$NAME" > "$rootfs/etc/hosts"
ifupdown_ens192 "$rootfs"
mkdir -p "$rootfs/etc/sysconfig/network-scripts"
printf 'TYPE=Ethernet\nBOOTPROTO=dhcp\nNAME=ens192\nDEVICE=ens192\nONBOOT=yes\nHWADDR=%s\n' "$MAC" \
  > "$rootfs/etc/sysconfig/network-scripts/ifcfg-ens192"
: > "$rootfs/etc/machine-id"
rm -f "$rootfs/var/lib/dbus/machine-id"
install_report "$rootfs"
cat > "$rootfs/etc/default/grub" <<'EOF'
GRUB_TIMEOUT=1
GRUB_DISTRIBUTOR="$(sed 's, release .*$,,g' /etc/system-release)"
GRUB_DEFAULT=0
GRUB_DISABLE_SUBMENU=true
GRUB_TERMINAL="console serial"
GRUB_SERIAL_COMMAND="serial --speed=115200"
GRUB_CMDLINE_LINUX="console=tty0 console=ttyS0,115200n8 systemd.show_status=error rootdelay=30"
GRUB_DISABLE_RECOVERY="true"
GRUB_DISABLE_OS_PROBER=true
GRUB_ENABLE_BLSCFG=true
EOF
mkdir -p "$rootfs/etc/selinux"
printf 'SELINUX=enforcing\nSELINUXTYPE=targeted\n' > "$rootfs/etc/selinux/config"
# RHEL keeps the rpm database in /var/lib/rpm; Debian's rpm in ~/.rpmdb.
mkdir -p "$rootfs/etc/rpm" "$rootfs/var/lib/rpm"
echo '%_dbpath /var/lib/rpm' > "$rootfs/etc/rpm/macros.dbpath"
cp "$vmtools_rpm" "$rootfs/tmp/open-vm-tools.rpm"
printf 'deb %s bookworm main\ndeb %s bookworm-security main\n' "$MIRROR" "$SECURITY_MIRROR" \
  > "$rootfs/etc/apt/sources.list"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
bind_system "$rootfs"
in_chroot "$rootfs" rpm --initdb
in_chroot "$rootfs" rpm -i --nodeps /tmp/open-vm-tools.rpm 2>/dev/null
in_chroot "$rootfs" rpm -q open-vm-tools >/dev/null || { echo "$SCRIPT_TAG.sh: open-vm-tools is not in the rpm database" >&2; exit 1; }
rm -f "$rootfs/tmp/open-vm-tools.rpm"
in_chroot "$rootfs" apt-get update >"$work/kernel.log" 2>&1 || { tail -30 "$work/kernel.log" >&2; exit 1; }
# Two real kernels: dracut must rebuild the initramfs of every one, not only the default's.
mapfile -t kernel_pkgs < <(in_chroot "$rootfs" apt-cache search --names-only '^linux-image-[0-9.]+-[0-9]+-cloud-amd64$' \
  | cut -d' ' -f1 | sort -V | tail -2)
[[ ${#kernel_pkgs[@]} == 2 ]] || { echo "$SCRIPT_TAG.sh: two cloud kernels not found on $MIRROR" >&2; exit 1; }
# The kernel's postinst would run dracut host-only against this build machine; the images are made below.
hook=$rootfs/etc/kernel/postinst.d/dracut
if [[ -e $hook ]]; then chmod -x "$hook"; fi
in_chroot "$rootfs" apt-get install -y --no-install-recommends "${kernel_pkgs[@]}" >>"$work/kernel.log" 2>&1 \
  || { tail -30 "$work/kernel.log" >&2; exit 1; }
if [[ -e $hook ]]; then chmod +x "$hook"; fi
step "kernels ${kernel_pkgs[*]}"
mapfile -t kvers < <(ls "$rootfs/lib/modules" | sort -V)
for k in "${kvers[@]}"; do
  # Not host-only (this is not the guest's machine), and only the drivers a pvscsi VMware guest's image has:
  # without host-only, dracut's qemu modules would add every virtio driver.
  in_chroot "$rootfs" dracut -f --no-hostonly --drivers "vmw_pvscsi sd_mod ext4 crc32c_generic" \
    --omit "plymouth resume qemu qemu-net virtiofs" "/boot/initramfs-$k.img" "$k" >>"$work/dracut.log" 2>&1 \
    || { tail -30 "$work/dracut.log" >&2; exit 1; }
  files=$(in_chroot "$rootfs" lsinitrd "/boot/initramfs-$k.img")
  if grep -q 'virtio_blk\|virtio_scsi' <<<"$files"; then
    echo "$SCRIPT_TAG.sh: /boot/initramfs-$k.img contains virtio; it must not" >&2
    exit 1
  fi
  grep -q vmw_pvscsi <<<"$files" || { echo "$SCRIPT_TAG.sh: /boot/initramfs-$k.img lacks vmw_pvscsi" >&2; exit 1; }
  rm -f "$rootfs/boot/initrd.img-$k"
done
# Debian's kernel packages link /vmlinuz and /initrd.img; RHEL has no such links.
rm -f "$rootfs"/vmlinuz* "$rootfs"/initrd.img*
undo_mounts_under "$rootfs/"
step "dracut pvscsi-only initramfs for ${kvers[*]}"
# RHEL's grub2 tool names and /boot/grub2.
for t in mkconfig install probe editenv set-default reboot mkimage; do
  for d in usr/sbin usr/bin; do
    if [[ -e $rootfs/$d/grub-$t ]]; then ln -s "grub-$t" "$rootfs/$d/grub2-$t"; fi
  done
done
mkdir -p "$rootfs/boot/grub2"
if [[ -d $rootfs/boot/grub && ! -L $rootfs/boot/grub ]]; then
  cp -a "$rootfs/boot/grub/." "$rootfs/boot/grub2/"
  rm -rf "$rootfs/boot/grub"
fi
ln -s grub2 "$rootfs/boot/grub"
# RHEL's identity (libguestfs reads os-release first, then redhat-release).
rm -f "$rootfs/etc/os-release" "$rootfs/etc/debian_version"
cat > "$rootfs/usr/lib/os-release" <<'EOF'
NAME="Red Hat Enterprise Linux"
VERSION="9.3 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux 9.3 (Plow)"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"
HOME_URL="https://www.redhat.com/"
EOF
ln -s ../usr/lib/os-release "$rootfs/etc/os-release"
echo "Red Hat Enterprise Linux release 9.3 (Plow)" > "$rootfs/etc/redhat-release"
ln -s redhat-release "$rootfs/etc/system-release"

# ---- 3. the disks -----------------------------------------------------------------------------------
home_raw=$work/home.raw
build_home_disk "$home_raw"
step "home disk"

cmdline="root=/dev/sda1 ro console=tty0 console=ttyS0,115200n8 systemd.show_status=error rootdelay=30"
grub_cfg() { # FS-UUID
  cat <<EOF
# As grub2-mkconfig writes it with GRUB_ENABLE_BLSCFG=false (Debian's grub has no blscfg)
set default=0
set timeout=1
serial --speed=115200
terminal_input console serial
terminal_output console serial
insmod part_msdos
insmod ext2
search --no-floppy --fs-uuid --set=root $1
EOF
  local k
  for ((i = ${#kvers[@]} - 1; i >= 0; i--)); do
    k=${kvers[$i]}
    cat <<EOF
menuentry 'Red Hat Enterprise Linux ($k) 9.3 (Plow)' {
	insmod gzio
	insmod part_msdos
	insmod ext2
	search --no-floppy --fs-uuid --set=root $1
	linux	/boot/vmlinuz-$k $cmdline
	initrd	/boot/initramfs-$k.img
}
EOF
  done
}

root_raw=$work/root-bios.raw
truncate -s "$ROOT_DISK_SIZE" "$root_raw"
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$root_raw"
attach "$root_raw"
mkfs.ext4 -q "${dev}p1"
uuid=$(blkid -s UUID -o value "${dev}p1")
mnt=$work/mnt-root
mkdir -p "$mnt"
do_mount "${dev}p1" "$mnt"
tar -C "$rootfs" --xattrs --acls -cf - . | tar -C "$mnt" --xattrs --acls -xf -
printf '# <file system> <mount point> <type> <options> <dump> <pass>\n/dev/sda1\t/\text4\tdefaults\t1\t1\n/dev/sdb1\t/home\text4\tdefaults\t1\t2\n' > "$mnt/etc/fstab"
bind_system "$mnt"
echo "grub-pc grub-pc/install_devices multiselect" | in_chroot "$mnt" debconf-set-selections
echo "grub-pc grub-pc/install_devices_empty boolean true" | in_chroot "$mnt" debconf-set-selections
in_chroot "$mnt" apt-get install -y --no-install-recommends grub-pc >"$work/grub.log" 2>&1 \
  || { tail -30 "$work/grub.log" >&2; exit 1; }
in_chroot "$mnt" grub2-install --target=i386-pc "$dev" >>"$work/grub.log" 2>&1 \
  || { tail -30 "$work/grub.log" >&2; exit 1; }
[[ -d $mnt/boot/grub2/i386-pc && -L $mnt/boot/grub ]] || { echo "$SCRIPT_TAG.sh: grub is not in /boot/grub2" >&2; exit 1; }
grub_cfg "$uuid" > "$mnt/boot/grub2/grub.cfg"
mkdir -p "$mnt/boot/loader/entries" "$mnt/etc/kernel"
for k in "${kvers[@]}"; do
  # RHEL 9 writes the arguments into each entry; RHEL 8's entries say $kernelopts, kept in grubenv.
  options=$cmdline
  [[ $k == "${kvers[0]}" ]] && options='$kernelopts'
  printf 'title Red Hat Enterprise Linux (%s) 9.3 (Plow)\nversion %s\nlinux /boot/vmlinuz-%s\ninitrd /boot/initramfs-%s.img\noptions %s\ngrub_users $grub_users\ngrub_arg --unrestricted\ngrub_class rhel\n' \
    "$k" "$k" "$k" "$k" "$options" > "$mnt/boot/loader/entries/$BLS_ID-$k.conf"
done
echo "$cmdline" > "$mnt/etc/kernel/cmdline"
rm -f "$mnt/boot/grub2/grubenv"
in_chroot "$mnt" grub2-editenv /boot/grub2/grubenv create
in_chroot "$mnt" grub2-editenv /boot/grub2/grubenv set "kernelopts=$cmdline" "saved_entry=$BLS_ID-${kvers[-1]}"
in_chroot "$mnt" apt-get clean
rm -rf "$mnt"/var/lib/apt/lists/* "$mnt/etc/resolv.conf"
: > "$mnt/etc/resolv.conf"
fstrim -v "$mnt" >/dev/null || true
undo_mounts_under "$mnt"
detach "$dev"
step "boot disk"

stage=$work/out
mkdir -p "$stage/bios"
write_ova bios "$MAC" "$stage/bios" "$root_raw" "$home_raw" rhel9_64Guest "Red Hat Enterprise Linux 9 (64-bit)"
rm -f "$root_raw"
step "OVA $(du -m "$stage/bios/$NAME.ova" | cut -f1) MiB"

# Publish atomically: a reader sees the whole folder or none.
rm -rf "$out"
mv "$stage" "$out"
echo "[$SCRIPT_TAG] total $(( $(date +%s) - t0 ))s; kernels ${kvers[*]}"
ls -l "$out"/*/"$NAME.ova"
echo "$out"
