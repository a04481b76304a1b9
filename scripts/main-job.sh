#!/usr/bin/env bash
# The main job: a sample VM is exported with hyperexport and converted end to end through the hyper2kvm
# queue daemon (hyperconvert daemon), then defined in libvirt (test driver).
# The sample VM is an OVA this script builds: an ext4 boot disk and a data disk as streamOptimized VMDKs,
# the format vSphere exports, with an OVF descriptor (2 vCPUs, 2 GiB, one NIC).
# Work folder: $HYPERSDK_DEMO_DIR (default /var/tmp/hypersdk-demo), cleared at each run.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_base
ensure_packages mkfs.ext4:e2fsprogs
echo "building..."
build_project

demo=${HYPERSDK_DEMO_DIR:-/var/tmp/hypersdk-demo}
rm -rf "$demo"
mkdir -p "$demo/source/rootfs/etc" "$demo/ova" "$demo/etc/hyper2kvm"

echo "making the sample VM $demo/ova/sample-vm.ova..."
src=$demo/source
echo "sample-vm" > "$src/rootfs/etc/hostname"
printf 'LABEL=sample-root / ext4 defaults 0 1\n' > "$src/rootfs/etc/fstab"
head -c 8M /dev/urandom > "$src/rootfs/payload.bin"
mkfs.ext4 -q -F -L sample-root -d "$src/rootfs" "$src/root.raw" 128M 2>/dev/null
truncate -s 64M "$src/data.raw"
head -c 16M /dev/urandom | dd of="$src/data.raw" bs=1M seek=8 conv=notrunc status=none
qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$src/root.raw" "$demo/ova/sample-vm-disk1.vmdk"
qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$src/data.raw" "$demo/ova/sample-vm-disk2.vmdk"
size() { stat -c %s "$1"; }
cat > "$demo/ova/sample-vm.ovf" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
    xmlns:vmw="http://www.vmware.com/schema/ovf">
  <References>
    <File ovf:href="sample-vm-disk1.vmdk" ovf:id="file1" ovf:size="$(size "$demo/ova/sample-vm-disk1.vmdk")"/>
    <File ovf:href="sample-vm-disk2.vmdk" ovf:id="file2" ovf:size="$(size "$demo/ova/sample-vm-disk2.vmdk")"/>
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
(cd "$demo/ova" && for f in sample-vm.ovf sample-vm-disk1.vmdk sample-vm-disk2.vmdk; do
   echo "SHA256($f)= $(sha256sum "$f" | cut -d' ' -f1)"; done > sample-vm.mf
 tar --format=ustar -cf sample-vm.ova sample-vm.ovf sample-vm-disk1.vmdk sample-vm-disk2.vmdk sample-vm.mf)

# The daemon instance "demo" and the exporter both read the queue folders from the instance config.
export HYPER2KVM_CONFIG_DIR=$demo/etc/hyper2kvm
cat > "$HYPER2KVM_CONFIG_DIR/demo.yaml" <<YAML
watch_dir: $demo/queue
output_dir: $demo/output
max_concurrent: 2
YAML
echo "starting the queue daemon hyper2kvm@demo ($HYPER2KVM_CONFIG_DIR/demo.yaml)..."
"$ROOT/bin/hyperconvert" daemon --instance demo --config "$HYPER2KVM_CONFIG_DIR/demo.yaml" 2> "$demo/daemon.log" &
daemon_pid=$!
stop_daemon() {
  if kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid"
    wait "$daemon_pid" || true
  fi
}
trap stop_daemon EXIT
for _ in $(seq 1 300); do
  compgen -G "$demo/queue/.heartbeat/*.json" >/dev/null && break
  kill -0 "$daemon_pid" 2>/dev/null || { cat "$demo/daemon.log" >&2; exit 1; }
  sleep 0.1
done

echo "exporting and converting through the daemon..."
status=0
"$ROOT/bin/hyperexport" --provider local --vm "$demo/ova/sample-vm.ova" --output "$demo/export" \
  --pipeline --hyper2kvm-daemon --hyper2kvm-instance demo --hyper2kvm-poll-interval 5 \
  --libvirt --libvirt-uri test:///default | tee "$demo/hyperexport.out" || status=$?
stop_daemon
trap - EXIT
echo
sed 's/^/  daemon: /' "$demo/daemon.log"
echo
if [[ $status -ne 0 ]]; then
  echo "hyperexport failed (exit $status)" >&2
  exit "$status"
fi
qemu-img compare -q "$src/root.raw" "$demo/output/sample-vm.qcow2"
qemu-img compare -q "$src/data.raw" "$demo/output/sample-vm-disk-1.qcow2"
echo "Converted sample-vm through the daemon; disk contents verified with qemu-img compare."
echo "qcow2:      $demo/output/sample-vm.qcow2"
echo "qcow2:      $demo/output/sample-vm-disk-1.qcow2"
echo "domain XML: $demo/output/sample-vm.xml"
