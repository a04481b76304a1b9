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
#   ~/.cache/hypersdk/guest-<first 12 hex of the sha256 of this script>/{bios,uefi}/hypersdk-guest.ova
# Prints the folder on its last line. Needs root (debootstrap, loop devices, chroot).
#   BIOS disk 1: sda1 = / (ext4, msdos label, grub-pc in the MBR)
#   UEFI disk 1: sda1 = /boot/efi (ESP, FAT), sda2 = / (ext4, GPT label, grub-efi at \EFI\BOOT\BOOTX64.EFI)
#   disk 2:      sdb1 = /home (ext4), holds /home/HYPERSDK-HOME-DISK
set -euo pipefail

MIRROR=${HYPERSDK_GUEST_MIRROR:-http://deb.debian.org/debian}
NAME=hypersdk-guest
MAC_BIOS=00:50:56:a1:12:01
MAC_UEFI=00:50:56:a1:12:02
ROOT_DISK_SIZE=2G
HOME_DISK_SIZE=2G

script=$(readlink -f "${BASH_SOURCE[0]}")
hash=$(sha256sum "$script" | cut -c1-12)
cache_root=${HYPERSDK_GUEST_CACHE:-$HOME/.cache/hypersdk}
out=$cache_root/guest-$hash

if [[ -f $out/bios/$NAME.ova && -f $out/uefi/$NAME.ova ]]; then
  echo "test guest cached in $out"
  echo "$out"
  exit 0
fi
if [[ $(id -u) != 0 ]]; then
  echo "build-guest.sh must run as root (debootstrap, loop devices, chroot)" >&2
  exit 1
fi
for tool in debootstrap sfdisk losetup partx mkfs.ext4 mkfs.vfat mcopy qemu-img chroot tar sha256sum lsinitramfs; do
  command -v "$tool" >/dev/null || { echo "build-guest.sh needs $tool" >&2; exit 1; }
done

mkdir -p "$cache_root"
work=$(mktemp -d "$cache_root/.guest-$hash.XXXXXX")
mounts=()
loops=()
cleanup() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount -l "${mounts[$i]}" 2>/dev/null || true
  done
  for i in "${loops[@]}"; do
    losetup -d "$i" 2>/dev/null || true
  done
  # Never delete through a mount that is still there (the chroot binds the host's /dev).
  # grep reads all of findmnt's output: with -q it could stop early and pipefail would read that as "none".
  if findmnt -rn -o TARGET | grep "^$work" >/dev/null; then
    echo "build-guest.sh: mounts left under $work; not deleting it" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t0=$(date +%s)
step_start=$t0
step() {
  local now
  now=$(date +%s)
  echo "[build-guest] $(printf '%4ss' $((now - step_start))) $1"
  step_start=$now
}

do_mount() { mount "$@"; mounts+=("${@: -1}"); }
undo_mounts_under() {
  local i keep=()
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    if [[ ${mounts[$i]} == "$1"* ]]; then umount "${mounts[$i]}"; fi
  done
  for i in "${mounts[@]}"; do [[ $i == "$1"* ]] || keep+=("$i"); done
  mounts=("${keep[@]}")
}
# attach IMAGE: a loop device with partitions for IMAGE, in $dev. Not "dev=$(attach ...)": the subshell
# would keep the device out of $loops and the trap would never detach it.
attach() {
  local n part
  dev=$(losetup -fP --show "$1")
  loops+=("$dev")
  # Where no udev runs, the kernel may not have scanned the table yet, and /dev may lack the nodes.
  partx -a "$dev" 2>/dev/null || true
  for part in /sys/block/"${dev#/dev/}"/"${dev#/dev/}"p*; do
    [[ -e $part ]] || continue
    n=/dev/$(basename "$part")
    [[ -b $n ]] || mknod "$n" b "$(cut -d: -f1 "$part/dev")" "$(cut -d: -f2 "$part/dev")"
  done
  [[ -b ${dev}p1 ]] || { echo "build-guest.sh: no partitions on $dev for $1" >&2; exit 1; }
}
detach() {
  local keep=() i
  losetup -d "$1"
  for i in "${loops[@]}"; do [[ $i == "$1" ]] || keep+=("$i"); done
  loops=("${keep[@]}")
}
in_chroot() {
  local root=$1
  shift
  LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"
}
bind_system() {
  local root=$1
  do_mount --bind /dev "$root/dev"
  do_mount -t devpts devpts "$root/dev/pts"
  do_mount -t proc proc "$root/proc"
  do_mount -t sysfs sysfs "$root/sys"
}

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
cat > "$rootfs/etc/network/interfaces" <<'EOF'
source /etc/network/interfaces.d/*

auto lo
iface lo inet loopback

# The vmxnet3 NIC as VMware names it (PCIe slot 192)
allow-hotplug ens192
iface ens192 inet dhcp
EOF
# No console login is needed: the boot check waits for "login:" and the marker lines.
: > "$rootfs/etc/machine-id"
rm -f "$rootfs/var/lib/dbus/machine-id"
cat > "$rootfs/usr/local/sbin/hypersdk-guest-report" <<'EOF'
#!/bin/sh
# Writes what this guest sees to the serial console, one HYPERSDK-... line each, for the boot check.
out=/dev/ttyS0
{
  echo "HYPERSDK-GUEST-UP $(uname -r)"
  echo "HYPERSDK-ROOT $(findmnt -n -o SOURCE,FSTYPE /)"
  echo "HYPERSDK-HOME $(findmnt -n -o SOURCE,FSTYPE /home || echo not-mounted) $(ls /home/HYPERSDK-HOME-DISK 2>/dev/null || echo no-marker-file)"
  for nic in $(ls /sys/class/net | grep -v '^lo$'); do
    echo "HYPERSDK-NIC $nic $(cat /sys/class/net/$nic/address) $(basename "$(readlink /sys/class/net/$nic/device/driver)") $(ip -4 -o addr show dev "$nic" | awk '{print $4}' | tr '\n' ' ')"
  done
  if dpkg-query -W -f='${Status}' open-vm-tools 2>/dev/null | grep -q 'install ok installed'; then
    echo "HYPERSDK-VMTOOLS installed"
  else
    echo "HYPERSDK-VMTOOLS absent"
  fi
  grep -v '^\s*#' /etc/fstab | grep -v '^\s*$' | sed 's/^/HYPERSDK-FSTAB /'
  echo "HYPERSDK-CMDLINE $(cat /proc/cmdline)"
  if [ -s /root/.ssh/authorized_keys ]; then
    awk '{print "HYPERSDK-SSHKEY " $1 " " $NF}' /root/.ssh/authorized_keys
  else
    echo "HYPERSDK-SSHKEY none"
  fi
  echo "HYPERSDK-REPORT-END"
} > "$out" 2>&1
EOF
chmod 755 "$rootfs/usr/local/sbin/hypersdk-guest-report"
cat > "$rootfs/etc/systemd/system/hypersdk-guest-report.service" <<'EOF'
[Unit]
Description=Report the guest's state on the serial console for the HyperSDK boot check
Wants=network-online.target
After=network-online.target local-fs.target
# The report is on the console before the login prompt, which is what a boot check waits for.
Before=serial-getty@ttyS0.service getty.target

[Service]
Type=oneshot
ExecStartPre=/bin/sh -c 'for i in $(seq 1 30); do ip -4 -o addr show scope global | grep -q inet && exit 0; sleep 1; done; exit 0'
ExecStart=/usr/local/sbin/hypersdk-guest-report

[Install]
WantedBy=multi-user.target
EOF
ln -s /etc/systemd/system/hypersdk-guest-report.service \
  "$rootfs/etc/systemd/system/multi-user.target.wants/hypersdk-guest-report.service"
# Don't wait 5 min for an ens192 that KVM names differently: the boot check needs login: soon.
mkdir -p "$rootfs/etc/systemd/system/networking.service.d"
printf '[Service]\nTimeoutStartSec=60\n' > "$rootfs/etc/systemd/system/networking.service.d/timeout.conf"
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
truncate -s "$HOME_DISK_SIZE" "$home_raw"
echo 'label: dos
start=2048, type=83' | sfdisk -q "$home_raw"
attach "$home_raw"
mkfs.ext4 -q "${dev}p1"
mkdir -p "$work/mnt-home"
do_mount "${dev}p1" "$work/mnt-home"
echo "This file lives on the second disk (sdb1 on VMware)." > "$work/mnt-home/HYPERSDK-HOME-DISK"
mkdir -p "$work/mnt-home/alice"
echo "alice's notes" > "$work/mnt-home/alice/notes.txt"
undo_mounts_under "$work/mnt-home"
detach "$dev"
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

write_ova() { # FIRMWARE MAC DIR
  local fw=$1 mac=$2 dir=$3 vmfw=bios
  [[ $fw == uefi ]] && vmfw=efi
  qemu-img convert -f raw -O vmdk -o subformat=streamOptimized,adapter_type=lsilogic "$work/root-$fw.raw" "$dir/$NAME-disk1.vmdk"
  qemu-img convert -f raw -O vmdk -o subformat=streamOptimized,adapter_type=lsilogic "$home_raw" "$dir/$NAME-disk2.vmdk"
  local cap1 cap2
  cap1=$(( $(stat -c %s "$work/root-$fw.raw") / 1048576 ))
  cap2=$(( $(stat -c %s "$home_raw") / 1048576 ))
  cat > "$dir/$NAME.ovf" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
    xmlns:vmw="http://www.vmware.com/schema/ovf">
  <References>
    <File ovf:href="$NAME-disk1.vmdk" ovf:id="file1" ovf:size="$(stat -c %s "$dir/$NAME-disk1.vmdk")"/>
    <File ovf:href="$NAME-disk2.vmdk" ovf:id="file2" ovf:size="$(stat -c %s "$dir/$NAME-disk2.vmdk")"/>
  </References>
  <DiskSection><Info>Virtual disks</Info>
    <Disk ovf:capacity="$cap1" ovf:capacityAllocationUnits="byte * 2^20" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
    <Disk ovf:capacity="$cap2" ovf:capacityAllocationUnits="byte * 2^20" ovf:diskId="vmdisk2" ovf:fileRef="file2" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <NetworkSection><Info>Networks</Info><Network ovf:name="VM Network"/></NetworkSection>
  <VirtualSystem ovf:id="$NAME-$fw">
    <Info>A virtual machine</Info>
    <Name>$NAME-$fw</Name>
    <OperatingSystemSection ovf:id="96" vmw:osType="debian12_64Guest"><Info>Guest OS</Info><Description>Debian GNU/Linux 12 (64-bit)</Description></OperatingSystemSection>
    <VirtualHardwareSection><Info>Virtual hardware</Info>
      <System><vssd:VirtualSystemType xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">vmx-19</vssd:VirtualSystemType></System>
      <Item><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>1024</rasd:VirtualQuantity></Item>
      <Item><rasd:Address>0</rasd:Address><rasd:ElementName>SCSI controller 0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
      <Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:ElementName>Hard disk 1</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
      <Item><rasd:AddressOnParent>1</rasd:AddressOnParent><rasd:ElementName>Hard disk 2</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk2</rasd:HostResource><rasd:InstanceID>5</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
      <Item><rasd:Address>$mac</rasd:Address><rasd:AutomaticAllocation>true</rasd:AutomaticAllocation><rasd:Connection>VM Network</rasd:Connection><rasd:ElementName>Network adapter 1</rasd:ElementName><rasd:InstanceID>6</rasd:InstanceID><rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType></Item>
      <vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="$vmfw"/>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
XML
  (cd "$dir" && for f in $NAME.ovf $NAME-disk1.vmdk $NAME-disk2.vmdk; do
     echo "SHA256($f)= $(sha256sum "$f" | cut -d' ' -f1)"; done > $NAME.mf
   tar --format=ustar -cf $NAME.ova $NAME.ovf $NAME-disk1.vmdk $NAME-disk2.vmdk $NAME.mf
   rm -f $NAME-disk1.vmdk $NAME-disk2.vmdk)
}

stage=$work/out
for fw in bios uefi; do
  build_disk "$fw" "$work/root-$fw.raw"
  step "$fw boot disk"
  mkdir -p "$stage/$fw"
  mac=$MAC_BIOS
  [[ $fw == uefi ]] && mac=$MAC_UEFI
  write_ova "$fw" "$mac" "$stage/$fw"
  rm -f "$work/root-$fw.raw"
  step "$fw OVA $(du -m "$stage/$fw/$NAME.ova" | cut -f1) MiB"
done

# Publish atomically: a reader sees the whole folder or none.
rm -rf "$out"
mv "$stage" "$out"
echo "[build-guest] total $(( $(date +%s) - t0 ))s; kernel $kver"
ls -l "$out"/*/"$NAME.ova"
echo "$out"
