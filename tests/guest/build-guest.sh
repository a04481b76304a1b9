#!/usr/bin/env bash
# Builds the VMware-like test guest: a Debian bookworm VM as vSphere would export it, in two OVAs
# (BIOS and UEFI). Each has a pvscsi boot disk whose initramfs holds only the VMware storage driver,
# a /home disk mounted as /dev/sdb1, a vmxnet3 NIC configured as ens192, open-vm-tools, and fstab and
# kernel command line naming /dev/sdX devices. Booted unchanged on virtio it must fail to find its root;
# the fix stage has to make it boot on KVM.
#
# On every boot a unit writes what it sees to ttyS0, one "HYPERSDK-..." line each, so a boot check (or
# a test reading the serial log) can prove the root and /home mounts, the NIC's address, whether
# open-vm-tools is installed, fstab and root's authorized_keys without logging in. It runs just before
# the login prompt, and systemd prints only errors on the console, so the report stays among the last
# serial lines. rootdelay=30: a boot that cannot find its root disk gives up after 30 s, not 180 s.
#
# Result (cached; a second run is instant):
#   ~/.cache/hypersdk/guest-<first 12 hex of the sha256 of this script and guest-lib.sh>/{bios,uefi}/hypersdk-guest.ova
# Prints the folder on its last line. Needs root (debootstrap, loop devices, chroot).
#   BIOS disk 1: sda1 = / (ext4, msdos label, grub-pc in the MBR)
#   UEFI disk 1: sda1 = /boot/efi (ESP, FAT), sda2 = / (ext4, GPT label, grub-efi at \EFI\BOOT\BOOTX64.EFI)
#   disk 2:      sdb1 = /home (ext4), holds /home/HYPERSDK-HOME-DISK
set -euo pipefail

MIRROR=${HYPERSDK_GUEST_MIRROR:-http://deb.debian.org/debian}
NAME=hypersdk-guest
SCRIPT_TAG=build-guest
MAC_BIOS=00:50:56:a1:12:01
MAC_UEFI=00:50:56:a1:12:02
ROOT_DISK_SIZE=2G
HOME_DISK_SIZE=2G

script=$(readlink -f "${BASH_SOURCE[0]}")
# shellcheck source=guest-lib.sh
source "$(dirname "$script")/guest-lib.sh"
guest_cache_key guest "$script"

if [[ -f $out/bios/$NAME.ova && -f $out/uefi/$NAME.ova ]]; then
  echo "test guest cached in $out"
  echo "$out"
  exit 0
fi
guest_lib_start debootstrap sfdisk losetup partx mkfs.ext4 mkfs.vfat mcopy qemu-img chroot tar sha256sum lsinitramfs

# ---- 1. the shared root file system -------------------------------------------------------------
rootfs=$work/rootfs
# The .debs are kept between builds (not part of the result): a rebuild after an edit need not download.
mkdir -p "$cache_root/debootstrap-debs"
debootstrap --variant=minbase --cache-dir="$cache_root/debootstrap-debs" \
  --include=systemd-sysv,udev,initramfs-tools,kmod,ifupdown,isc-dhcp-client,iproute2,open-vm-tools,util-linux,e2fsprogs,dosfstools,grub2-common,grub-pc-bin,grub-efi-amd64-bin,openssh-client,ca-certificates \
  bookworm "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 || { tail -30 "$work/debootstrap.log" >&2; exit 1; }
step "debootstrap bookworm minbase"

# The initramfs holds what a VMware guest's does: the pvscsi driver and the root file system, and no
# virtio (MODULES=dep would look at this host's virtio disk; MODULES=most would add virtio).
mkdir -p "$rootfs/etc/initramfs-tools/conf.d"
sed -i 's/^MODULES=.*/MODULES=list/' "$rootfs/etc/initramfs-tools/initramfs.conf"
echo "RESUME=none" > "$rootfs/etc/initramfs-tools/conf.d/resume"
cat > "$rootfs/etc/initramfs-tools/modules" <<'EOF'
# VMware paravirtual SCSI: the boot disk's controller
vmw_pvscsi
sd_mod
ext4
crc32c_generic
EOF
echo "$NAME" > "$rootfs/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n' "$NAME" > "$rootfs/etc/hosts"
ifupdown_ens192 "$rootfs"
# No console login is needed: the boot check waits for "login:" and the marker lines.
: > "$rootfs/etc/machine-id"
rm -f "$rootfs/var/lib/dbus/machine-id"
install_report "$rootfs"
cat > "$rootfs/etc/default/grub" <<'EOF'
GRUB_DEFAULT=0
GRUB_TIMEOUT=1
GRUB_DISTRIBUTOR=Debian
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=tty0 console=ttyS0,115200n8 systemd.show_status=error rootdelay=30"
GRUB_TERMINAL="console serial"
GRUB_SERIAL_COMMAND="serial --speed=115200"
GRUB_DISABLE_LINUX_UUID=true
GRUB_DISABLE_OS_PROBER=true
EOF
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
bind_system "$rootfs"
in_chroot "$rootfs" apt-get install -y --no-install-recommends linux-image-cloud-amd64 >"$work/kernel.log" 2>&1 \
  || { tail -30 "$work/kernel.log" >&2; exit 1; }
undo_mounts_under "$rootfs/"
step "kernel and initramfs (MODULES=list)"
kver=$(basename "$(ls -d "$rootfs"/lib/modules/*)")
# Listed into a variable: grep -q on a pipe would end lsinitramfs early and fail the pipeline (pipefail).
initrd_files=$(lsinitramfs "$rootfs/boot/initrd.img-$kver")
if grep -q 'virtio_blk\|virtio_scsi' <<<"$initrd_files"; then
  echo "build-guest.sh: the initramfs contains virtio; it must not" >&2
  exit 1
fi
grep -q vmw_pvscsi <<<"$initrd_files" || { echo "build-guest.sh: the initramfs lacks vmw_pvscsi" >&2; exit 1; }

# ---- 2. the /home disk --------------------------------------------------------------------------
home_raw=$work/home.raw
build_home_disk "$home_raw"
step "home disk"

# ---- 3. one boot disk per firmware ---------------------------------------------------------------
grub_cfg() { # ROOTDEV PARTITION-HINT FS-UUID
  cat <<EOF
# Written the way update-grub does it with GRUB_DISABLE_LINUX_UUID=true
set default=0
set timeout=1
serial --speed=115200
terminal_input console serial
terminal_output console serial
insmod $2
insmod ext2
set root='hd0,$3'
search --no-floppy --fs-uuid --set=root $4
menuentry 'Debian GNU/Linux' {
	insmod gzio
	insmod $2
	insmod ext2
	set root='hd0,$3'
	search --no-floppy --fs-uuid --set=root $4
	echo	'Loading Linux $kver ...'
	linux	/boot/vmlinuz-$kver root=$1 ro console=tty0 console=ttyS0,115200n8 systemd.show_status=error rootdelay=30
	echo	'Loading initial ramdisk ...'
	initrd	/boot/initrd.img-$kver
}
EOF
}

build_disk() { # FIRMWARE RAW
  local fw=$1 raw=$2 rootpart mnt=$work/mnt-$1 uuid
  truncate -s "$ROOT_DISK_SIZE" "$raw"
  if [[ $fw == bios ]]; then
    printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$raw"
  else
    printf 'label: gpt\nstart=2048, size=128MiB, type=U, name="EFI System"\ntype=L, name="root"\n' | sfdisk -q "$raw"
  fi
  attach "$raw"
  if [[ $fw == bios ]]; then rootpart=${dev}p1; else rootpart=${dev}p2; mkfs.vfat -n EFI -F 32 "${dev}p1" >/dev/null; fi
  mkfs.ext4 -q "$rootpart"
  uuid=$(blkid -s UUID -o value "$rootpart")
  mkdir -p "$mnt"
  do_mount "$rootpart" "$mnt"
  tar -C "$rootfs" --xattrs --acls -cf - . | tar -C "$mnt" --xattrs --acls -xf -
  if [[ $fw == bios ]]; then
    printf '# <file system> <mount point> <type> <options> <dump> <pass>\n/dev/sda1\t/\text4\terrors=remount-ro\t0\t1\n/dev/sdb1\t/home\text4\tdefaults\t0\t2\n' > "$mnt/etc/fstab"
  else
    mkdir -p "$mnt/boot/efi"
    printf '# <file system> <mount point> <type> <options> <dump> <pass>\n/dev/sda2\t/\text4\terrors=remount-ro\t0\t1\n/dev/sda1\t/boot/efi\tvfat\tumask=0077\t0\t1\n/dev/sdb1\t/home\text4\tdefaults\t0\t2\n' > "$mnt/etc/fstab"
  fi
  bind_system "$mnt"
  if [[ $fw == bios ]]; then
    echo "grub-pc grub-pc/install_devices multiselect" | in_chroot "$mnt" debconf-set-selections
    echo "grub-pc grub-pc/install_devices_empty boolean true" | in_chroot "$mnt" debconf-set-selections
    in_chroot "$mnt" apt-get install -y --no-install-recommends grub-pc >"$work/grub-$fw.log" 2>&1 \
      || { tail -30 "$work/grub-$fw.log" >&2; exit 1; }
    in_chroot "$mnt" grub-install --target=i386-pc "$dev" >>"$work/grub-$fw.log" 2>&1 \
      || { tail -30 "$work/grub-$fw.log" >&2; exit 1; }
    grub_cfg /dev/sda1 part_msdos msdos1 "$uuid" > "$mnt/boot/grub/grub.cfg"
  else
    in_chroot "$mnt" apt-get install -y --no-install-recommends grub-efi-amd64 >"$work/grub-$fw.log" 2>&1 \
      || { tail -30 "$work/grub-$fw.log" >&2; exit 1; }
    # Where the kernel has no vfat (this build host's), the ESP cannot be mounted for grub-install. So the
    # image grub-install --removable makes is built here: grub-mkimage with the modules in /boot/grub, a
    # config that finds the root by UUID, copied to \EFI\BOOT\BOOTX64.EFI with mtools.
    mkdir -p "$mnt/boot/grub/x86_64-efi"
    cp "$mnt"/usr/lib/grub/x86_64-efi/*.mod "$mnt"/usr/lib/grub/x86_64-efi/*.lst "$mnt/boot/grub/x86_64-efi/"
    printf 'search.fs_uuid %s root\nset prefix=($root)/boot/grub\n' "$uuid" > "$mnt/tmp/early.cfg"
    in_chroot "$mnt" grub-mkimage -O x86_64-efi -o /tmp/BOOTX64.EFI -c /tmp/early.cfg -p /boot/grub \
      part_gpt part_msdos ext2 fat search search_fs_uuid normal configfile linux echo serial terminal gzio \
      all_video efi_gop >>"$work/grub-$fw.log" 2>&1 || { tail -30 "$work/grub-$fw.log" >&2; exit 1; }
    MTOOLS_SKIP_CHECK=1 mmd -i "${dev}p1" ::/EFI ::/EFI/BOOT 2>/dev/null
    MTOOLS_SKIP_CHECK=1 mcopy -i "${dev}p1" "$mnt/tmp/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI 2>/dev/null
    rm -f "$mnt/tmp/BOOTX64.EFI" "$mnt/tmp/early.cfg"
    MTOOLS_SKIP_CHECK=1 mdir -b -i "${dev}p1" ::/EFI/BOOT 2>/dev/null | grep BOOTX64.EFI >/dev/null \
      || { echo "build-guest.sh: no \\EFI\\BOOT\\BOOTX64.EFI on the ESP" >&2; exit 1; }
    grub_cfg /dev/sda2 part_gpt gpt2 "$uuid" > "$mnt/boot/grub/grub.cfg"
  fi
  in_chroot "$mnt" apt-get clean
  rm -rf "$mnt"/var/lib/apt/lists/* "$mnt/etc/resolv.conf"
  : > "$mnt/etc/resolv.conf"
  # Deleted files' blocks become holes in the image, so the VMDK does not carry them.
  fstrim -v "$mnt" || true
  undo_mounts_under "$mnt"
  detach "$dev"
}

stage=$work/out
for fw in bios uefi; do
  build_disk "$fw" "$work/root-$fw.raw"
  step "$fw boot disk"
  mkdir -p "$stage/$fw"
  mac=$MAC_BIOS
  [[ $fw == uefi ]] && mac=$MAC_UEFI
  write_ova "$fw" "$mac" "$stage/$fw" "$work/root-$fw.raw" "$home_raw" debian12_64Guest "Debian GNU/Linux 12 (64-bit)"
  rm -f "$work/root-$fw.raw"
  step "$fw OVA $(du -m "$stage/$fw/$NAME.ova" | cut -f1) MiB"
done

# Publish atomically: a reader sees the whole folder or none.
rm -rf "$out"
mv "$stage" "$out"
echo "[build-guest] total $(( $(date +%s) - t0 ))s; kernel $kver"
ls -l "$out"/*/"$NAME.ova"
echo "$out"
