#!/usr/bin/env bash
# The design's Scenario 3: an exporting host A and a conversion server B that share only a folder, bound at
# /mnt/nfs in both (as an NFS mount would be). B runs hyper2kvm.service on /mnt/nfs/queue; A runs no daemon.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
. "$ROOT/tests/system/lib.sh"
trap ct_stop_all EXIT
nfs=$SYSTEST_WORK/nfs
mkdir -p "$nfs/queue" "$nfs/output" "$nfs/staging"
binds=(--bind-ro="$ROOT:/src" --bind-ro="$SYSTEST_WORK/ova:/srv/sample" --bind="$nfs:/mnt/nfs")
a=hsdk-a
b=hsdk-b
ct_start $a "${binds[@]}"
ct_start $b "${binds[@]}"
ct_install $a '{"hypersdk_package_path": "/src/packaging/target/hypersdk_0.1.0_all.deb",
  "hyper2kvm_main_enabled": false, "hypervisord_enabled": false}'
# The shared folders belong to hyper2kvm as the package creates it on A, before B's daemon starts there.
uid=$(ct $a id -u hyper2kvm)
gid=$(ct $a id -g hyper2kvm)
chown "$uid:$gid" "$nfs/queue" "$nfs/output"
chmod 2775 "$nfs/queue" "$nfs/output"
ct_install $b '{"hypersdk_package_path": "/src/packaging/target/hypersdk_0.1.0_all.deb",
  "hyper2kvm_main_config": {"watch_dir": "/mnt/nfs/queue", "output_dir": "/mnt/nfs/output"},
  "hyper2kvm_main_enabled": true, "hypervisord_enabled": false}'

log "the same users on both hosts"
ua=$(ct $a id hyper2kvm)
expect "hyper2kvm has the same uid and gid on A and B ($ua)" "$(ct $b id hyper2kvm)" \
  "^$(printf '%s' "$ua" | sed 's/[()]/\\&/g')\$"

log "B serves /mnt/nfs/queue with hyper2kvm.service; A runs no daemon"
wait_for 30 "B: hyper2kvm.service is active" ct $b systemctl is-active -q hyper2kvm.service
wait_for 30 "B's heartbeat is in /mnt/nfs/queue/.heartbeat" ct $b sh -c 'ls /mnt/nfs/queue/.heartbeat/hsdk-b*.json'
state=$(ct $a systemctl is-active hyper2kvm.service || true)
expect "A: systemd says hyper2kvm.service is not active ($state)" "$state" '^(inactive|unknown|failed)$'

log "(a) export and manifest on A, queued by an atomic rename, converted by B"
out=$(ct_export $a --output /mnt/nfs/export --manifest --pipeline=false)
expect "A: the manifest is written" "$out" '^Manifest: /mnt/nfs/export/artifact-manifest.json$'
check "A: the manifest is put in the queue: copied beside it, then renamed into it" ct $a sh -c \
  'cp /mnt/nfs/export/artifact-manifest.json /mnt/nfs/staging/sample-vm.a.json &&
   mv /mnt/nfs/staging/sample-vm.a.json /mnt/nfs/queue/sample-vm.a.json'
wait_for 120 "B converts it: its job record is completed" ct $b sh -c \
  'grep -l "\"state\" *: *\"completed\"" /mnt/nfs/output/.jobs/*.json'
expect "the record names B's daemon" "$(ct $b sh -c 'cat /mnt/nfs/output/.jobs/*.json')" '"daemon" *: *"hsdk-b'
check "the manifest is filed in .processed" ct $b sh -c 'ls /mnt/nfs/queue/.processed/ | grep -q sample-vm.a'
check "qemu-img check of B's qcow2" ct $a qemu-img check /mnt/nfs/output/sample-vm.qcow2

log "(b) hyperexport --hyper2kvm-daemon on A finds B's daemon by its heartbeat"
out=$(ct_export $a --output /mnt/nfs/export-b --pipeline --hyper2kvm-daemon \
  --hyper2kvm-watch-dir /mnt/nfs/queue --hyper2kvm-output-dir /mnt/nfs/output --hyper2kvm-poll-interval 1)
expect "A: daemon mode by B's heartbeat" "$out" '^Mode: daemon \(heartbeat of hsdk-b[^ ]* \(host hsdk-b'
expect "A: the qcow2 is in the shared output dir" "$out" '^Output: /mnt/nfs/output/sample-vm.qcow2$'
check "two completed job records, both by B" ct $b sh -c \
  'test "$(grep -l "\"daemon\" *: *\"hsdk-b" /mnt/nfs/output/.jobs/*.json | wc -l)" -eq 2'
check "qemu-img check of the qcow2 from (b)" ct $a qemu-img check /mnt/nfs/output/sample-vm.qcow2
