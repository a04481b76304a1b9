# Shared by the set-up commands: installs what is missing, once, with apt-get.
# shellcheck shell=bash

# ensure_packages CMD:PACKAGE ...  installs PACKAGE when CMD is not on PATH; a CMD starting with / is a
# file or folder that must exist instead (for packages without commands, such as Go libraries).
ensure_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd=${pair%%:*}
    pkg=${pair#*:}
    if [[ $cmd == /* ]]; then
      [[ -e $cmd ]] || missing+=("$pkg")
    else
      command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    fi
  done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      SUDO=sudo
    else
      echo "missing packages: ${missing[*]}; install them as root: apt-get install -y ${missing[*]}" >&2
      return 1
    fi
  fi
  echo "installing: ${missing[*]}" >&2
  ${SUDO:-} apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# The JDK, Maven and the disk tools every command needs; node and npm build hypervisord's dashboard;
# asciidoctor (man pages) and rpmbuild (the .rpm) build the packages in packaging/.
ensure_base() {
  ensure_packages javac:openjdk-17-jdk-headless mvn:maven qemu-img:qemu-utils virsh:libvirt-clients \
    node:nodejs npm:npm asciidoctor:asciidoctor rpmbuild:rpm
  # The fix stage: libguestfs and a kernel for its appliance.
  ensure_packages guestfish:libguestfs-tools /usr/share/doc/linux-image-cloud-amd64:linux-image-cloud-amd64
}

# Builds the tools from this checkout (Maven resolves the libraries).
build_project() {
  (cd "$ROOT" && mvn -B -q -DskipTests package)
}

# make_sample_ova SRC OVA  builds the sample VM OVA/sample-vm.ova: an ext4 boot disk and a data disk
# (their raw images SRC/root.raw and SRC/data.raw, for qemu-img compare) as streamOptimized VMDKs, the
# format vSphere exports, with an OVF descriptor (2 vCPUs, 2 GiB, one NIC).
make_sample_ova() {
  local src=$1 ova=$2
  ensure_packages mkfs.ext4:e2fsprogs qemu-img:qemu-utils
  mkdir -p "$src/rootfs/etc" "$ova"
  echo "sample-vm" > "$src/rootfs/etc/hostname"
  printf 'LABEL=sample-root / ext4 defaults 0 1\n' > "$src/rootfs/etc/fstab"
  head -c 8M /dev/urandom > "$src/rootfs/payload.bin"
  mkfs.ext4 -q -F -L sample-root -d "$src/rootfs" "$src/root.raw" 128M 2>/dev/null
  truncate -s 64M "$src/data.raw"
  head -c 16M /dev/urandom | dd of="$src/data.raw" bs=1M seek=8 conv=notrunc status=none
  qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$src/root.raw" "$ova/sample-vm-disk1.vmdk"
  qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$src/data.raw" "$ova/sample-vm-disk2.vmdk"
  cat > "$ova/sample-vm.ovf" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
    xmlns:vmw="http://www.vmware.com/schema/ovf">
  <References>
    <File ovf:href="sample-vm-disk1.vmdk" ovf:id="file1" ovf:size="$(stat -c %s "$ova/sample-vm-disk1.vmdk")"/>
    <File ovf:href="sample-vm-disk2.vmdk" ovf:id="file2" ovf:size="$(stat -c %s "$ova/sample-vm-disk2.vmdk")"/>
  </References>
  <DiskSection><Info>Virtual disks</Info>
    <Disk ovf:capacity="128" ovf:capacityAllocationUnits="byte * 2^20" ovf:diskId="vmdisk1" ovf:fileRef="file1"/>
    <Disk ovf:capacity="64" ovf:capacityAllocationUnits="byte * 2^20" ovf:diskId="vmdisk2" ovf:fileRef="file2"/>
  </DiskSection>
  <NetworkSection><Info>Networks</Info><Network ovf:name="VM Network"/></NetworkSection>
  <VirtualSystem ovf:id="sample-vm">
    <Info>A virtual machine</Info>
    <Name>sample-vm</Name>
    <OperatingSystemSection ovf:id="96" vmw:osType="debian11_64Guest"><Info>Guest OS</Info><Description>Debian GNU/Linux 11 (64-bit)</Description></OperatingSystemSection>
    <VirtualHardwareSection><Info>Virtual hardware</Info>
      <Item><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>2048</rasd:VirtualQuantity></Item>
      <Item><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
      <Item><rasd:AddressOnParent>1</rasd:AddressOnParent><rasd:ElementName>Hard disk 2</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk2</rasd:HostResource><rasd:InstanceID>5</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
      <Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:ElementName>Hard disk 1</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
      <Item><rasd:Address>00:50:56:ab:cd:01</rasd:Address><rasd:Connection>VM Network</rasd:Connection><rasd:ElementName>Network adapter 1</rasd:ElementName><rasd:InstanceID>6</rasd:InstanceID><rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType></Item>
      <vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="bios"/>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
XML
  (cd "$ova" && for f in sample-vm.ovf sample-vm-disk1.vmdk sample-vm-disk2.vmdk; do
     echo "SHA256($f)= $(sha256sum "$f" | cut -d' ' -f1)"; done > sample-vm.mf
   tar --format=ustar -cf sample-vm.ova sample-vm.ovf sample-vm-disk1.vmdk sample-vm-disk2.vmdk sample-vm.mf)
}
