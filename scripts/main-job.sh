#!/usr/bin/env bash
# The main job: a sample VM (two disks, exported as streamOptimized VMDK like vSphere does) is submitted
# to a running hyperconvert queue daemon and converted to qcow2 with a libvirt domain.
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
mkdir -p "$demo/export" "$demo/queue" "$demo/output" "$demo/rootfs/etc"
export_dir=$demo/export

echo "making the sample VM in $export_dir..."
echo "sample-vm" > "$demo/rootfs/etc/hostname"
printf 'UUID=sample / ext4 defaults 0 1\n' > "$demo/rootfs/etc/fstab"
head -c 8M /dev/urandom > "$demo/rootfs/payload.bin"
mkfs.ext4 -q -F -L sample-root -d "$demo/rootfs" "$demo/root.raw" 128M
truncate -s 64M "$demo/data.raw"
head -c 16M /dev/urandom | dd of="$demo/data.raw" bs=1M seek=8 conv=notrunc status=none
qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$demo/root.raw" "$export_dir/sample-vm-disk0.vmdk"
qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$demo/data.raw" "$export_dir/sample-vm-disk1.vmdk"

job_id="sample-vm-$(date +%Y%m%d%H%M%S)"
sum() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }
cat > "$export_dir/artifact-manifest.json" <<JSON
{
  "manifest_version": "1.0",
  "source": {"provider": "local", "vm_id": "sample-vm", "vm_name": "sample-vm", "datacenter": "demo",
             "export_timestamp": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "export_method": "main-job.sh"},
  "vm": {"cpu": 2, "mem_gb": 2, "firmware": "bios", "os_hint": "linux", "os_version": "sample"},
  "disks": [
    {"id": "disk0", "source_format": "vmdk", "bytes": $(stat -c %s "$export_dir/sample-vm-disk0.vmdk"),
     "local_path": "$export_dir/sample-vm-disk0.vmdk", "checksum": "$(sum "$export_dir/sample-vm-disk0.vmdk")",
     "boot_order_hint": 0, "disk_type": "boot", "label": "Hard disk 1"},
    {"id": "disk1", "source_format": "vmdk", "bytes": $(stat -c %s "$export_dir/sample-vm-disk1.vmdk"),
     "local_path": "$export_dir/sample-vm-disk1.vmdk", "checksum": "$(sum "$export_dir/sample-vm-disk1.vmdk")",
     "boot_order_hint": 1, "disk_type": "data", "label": "Hard disk 2"}
  ],
  "nics": [{"id": "nic0", "mac": "00:50:56:ab:cd:01", "network": "VM Network"}],
  "metadata": {"hypersdk_version": "demo", "job_id": "$job_id", "created_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"},
  "pipeline": {"inspect": {"enabled": true}, "fix": {"enabled": false}, "convert": {"enabled": true},
               "validate": {"enabled": true, "check_image_integrity": true}}
}
JSON

echo "starting the queue daemon on $demo/queue..."
"$ROOT/bin/hyperconvert" daemon --instance demo --watch-dir "$demo/queue" --output-dir "$demo/output" \
  2> "$demo/daemon.log" &
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

# Submit the way every client must: a hidden temp name, then an atomic rename.
cp "$export_dir/artifact-manifest.json" "$demo/queue/.sample-vm.$job_id.json.tmp"
mv "$demo/queue/.sample-vm.$job_id.json.tmp" "$demo/queue/sample-vm.$job_id.json"
echo "submitted job $job_id; waiting for the daemon..."

record=$demo/output/.jobs/$job_id.json
for _ in $(seq 1 1200); do
  grep -qE '"state" : "(completed|failed)"' "$record" 2>/dev/null && break
  sleep 0.1
done
stop_daemon
trap - EXIT
echo
sed 's/^/  daemon: /' "$demo/daemon.log"
echo
if ! grep -q '"state" : "completed"' "$record" 2>/dev/null; then
  echo "the conversion did not complete:" >&2
  cat "$demo/output/sample-vm.error" >&2 2>/dev/null || echo "no result after 120 s" >&2
  exit 1
fi
qemu-img compare -q "$demo/root.raw" "$demo/output/sample-vm.qcow2"
qemu-img compare -q "$demo/data.raw" "$demo/output/sample-vm-disk1.qcow2"
virsh -q -c test:///default define "$demo/output/sample-vm.xml" >/dev/null
echo "Converted sample-vm (job $job_id); disk contents verified with qemu-img compare."
echo "qcow2:      $demo/output/sample-vm.qcow2"
echo "qcow2:      $demo/output/sample-vm-disk1.qcow2"
echo "domain XML: $demo/output/sample-vm.xml  (accepted by 'virsh define')"
echo "result:     $demo/output/sample-vm.result.json"
