# Shared by build-guest.sh and build-rpm-guest.sh (sourced, not run): the build folder and its clean-up, loop
# devices with partitions, chroot helpers, the serial report unit, the /home disk and the OVA writer.
# Each script's cache key hashes this file too, so an edit here rebuilds both guests.
#
# The caller sets NAME, HOME_DISK_SIZE and SCRIPT_TAG ("build-guest", ...), calls guest_cache_key, returns early
# when $out is complete, and otherwise calls guest_lib_start.

# guest_cache_key PREFIX SCRIPT...: sets $hash (over the scripts and this file), $cache_root and $out.
guest_cache_key() {
  local prefix=$1
  shift
  hash=$(cat "$@" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-12)
  cache_root=${HYPERSDK_GUEST_CACHE:-$HOME/.cache/hypersdk}
  out=$cache_root/$prefix-$hash
}

# guest_lib_start TOOL...: checks root and tools, makes $work (removed on exit unless something is still mounted).
guest_lib_start() {
  local tool
  if [[ $(id -u) != 0 ]]; then
    echo "$SCRIPT_TAG.sh must run as root (debootstrap, loop devices, chroot)" >&2
    exit 1
  fi
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$SCRIPT_TAG.sh needs $tool" >&2; exit 1; }
  done
  mkdir -p "$cache_root"
  work=$(mktemp -d "$cache_root/.${out##*/}.XXXXXX")
  mounts=()
  loops=()
  trap guest_lib_cleanup EXIT
  trap 'exit 130' INT TERM
  t0=$(date +%s)
  step_start=$t0
}

guest_lib_cleanup() {
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
    echo "$SCRIPT_TAG.sh: mounts left under $work; not deleting it" >&2
  else
    rm -rf "$work"
  fi
}

step() {
  local now
  now=$(date +%s)
  echo "[$SCRIPT_TAG] $(printf '%4ss' $((now - step_start))) $1"
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
  [[ -b ${dev}p1 ]] || { echo "$SCRIPT_TAG.sh: no partitions on $dev for $1" >&2; exit 1; }
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

# install_report ROOTFS: the unit that prints the guest's state on ttyS0 before the login prompt, and a network
# start that gives up after 60 s (an ens192 that KVM names differently must not hold the boot check for 5 min).
install_report() {
  local rootfs=$1
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
  # The RPM stand-in keeps VMware Tools in its rpm database, the Debian guest in dpkg's.
  if [ -f /etc/redhat-release ]; then
    if rpm -q open-vm-tools >/dev/null 2>&1; then echo "HYPERSDK-VMTOOLS installed"; else echo "HYPERSDK-VMTOOLS absent"; fi
  elif dpkg-query -W -f='${Status}' open-vm-tools 2>/dev/null | grep -q 'install ok installed'; then
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
  mkdir -p "$rootfs/etc/systemd/system/networking.service.d"
  printf '[Service]\nTimeoutStartSec=60\n' > "$rootfs/etc/systemd/system/networking.service.d/timeout.conf"
}

# ifupdown_ens192 ROOTFS: DHCP on the vmxnet3 NIC as VMware names it (PCIe slot 192).
ifupdown_ens192() {
  cat > "$1/etc/network/interfaces" <<'EOF'
source /etc/network/interfaces.d/*

auto lo
iface lo inet loopback

# The vmxnet3 NIC as VMware names it (PCIe slot 192)
allow-hotplug ens192
iface ens192 inet dhcp
EOF
}

# build_home_disk RAW: the second disk, sdb1 = /home (ext4) with /home/HYPERSDK-HOME-DISK.
build_home_disk() {
  local raw=$1
  truncate -s "$HOME_DISK_SIZE" "$raw"
  echo 'label: dos
start=2048, type=83' | sfdisk -q "$raw"
  attach "$raw"
  mkfs.ext4 -q "${dev}p1"
  mkdir -p "$work/mnt-home"
  do_mount "${dev}p1" "$work/mnt-home"
  echo "This file lives on the second disk (sdb1 on VMware)." > "$work/mnt-home/HYPERSDK-HOME-DISK"
  mkdir -p "$work/mnt-home/alice"
  echo "alice's notes" > "$work/mnt-home/alice/notes.txt"
  undo_mounts_under "$work/mnt-home"
  detach "$dev"
}

# write_ova FIRMWARE MAC DIR ROOT-RAW HOME-RAW VMW-OSTYPE OS-DESCRIPTION: the OVA vSphere would export, with
# streamOptimized VMDKs, a VirtualSCSI controller and a VmxNet3 NIC with MAC.
write_ova() {
  local fw=$1 mac=$2 dir=$3 root_raw=$4 home_raw=$5 ostype=$6 osdesc=$7 vmfw=bios
  [[ $fw == uefi ]] && vmfw=efi
  qemu-img convert -f raw -O vmdk -o subformat=streamOptimized,adapter_type=lsilogic "$root_raw" "$dir/$NAME-disk1.vmdk"
  qemu-img convert -f raw -O vmdk -o subformat=streamOptimized,adapter_type=lsilogic "$home_raw" "$dir/$NAME-disk2.vmdk"
  local cap1 cap2
  cap1=$(( $(stat -c %s "$root_raw") / 1048576 ))
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
    <OperatingSystemSection ovf:id="96" vmw:osType="$ostype"><Info>Guest OS</Info><Description>$osdesc</Description></OperatingSystemSection>
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
