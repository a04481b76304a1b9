#!/usr/bin/env bash
# The main job: a sample VM is exported with hyperexport and converted end to end through the hyper2kvm
# queue daemon (hyperconvert daemon), then defined in libvirt (test driver).
# The sample VM is an OVA built by make_sample_ova (scripts/lib.sh).
# Work folder: $HYPERSDK_DEMO_DIR (default /var/tmp/hypersdk-demo), cleared at each run.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_base
echo "building..."
build_project

demo=${HYPERSDK_DEMO_DIR:-/var/tmp/hypersdk-demo}
rm -rf "$demo"
mkdir -p "$demo/etc/hyper2kvm"

echo "making the sample VM $demo/ova/sample-vm.ova..."
src=$demo/source
make_sample_ova "$src" "$demo/ova"

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
# --no-fix: the sample VM's disks hold files but no operating system, which the fix stage refuses; the main
# job will switch to the test guest of tests/guest, which the fix and the boot check can work on.
"$ROOT/bin/hyperexport" --provider local --vm "$demo/ova/sample-vm.ova" --output "$demo/export" --no-fix \
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
