#!/usr/bin/env bash
# One conversion server: the package installed by the Ansible playbook, with hyper2kvm.service, the
# instances vsphere-prod and aws-prod, and hypervisord. The design's Scenarios 1 and 2, a conversion by a
# user of group hyper2kvm, hyperctl, the fallback to direct mode and crash recovery; then the package is
# reinstalled, removed and purged.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
. "$ROOT/tests/system/lib.sh"
trap ct_stop_all EXIT
c=hsdk-single
ct_start $c --bind-ro="$ROOT:/src" --bind-ro="$SYSTEST_WORK/ova:/srv/sample" \
  --bind-ro="$SYSTEST_WORK/source:/srv/source"
ct_install $c '{
  "hypersdk_package_path": "/src/packaging/target/hypersdk_0.1.0_all.deb",
  "hyper2kvm_instances": [
    {"name": "vsphere-prod", "watch_dir": "/var/lib/hyper2kvm/vsphere-prod/queue",
     "output_dir": "/var/lib/hyper2kvm/vsphere-prod/output"},
    {"name": "aws-prod", "watch_dir": "/var/lib/hyper2kvm/aws-prod/queue",
     "output_dir": "/var/lib/hyper2kvm/aws-prod/output"}],
  "hyper2kvm_main_enabled": true,
  "hypervisord_enabled": true
}'
vsphere=/var/lib/hyper2kvm/vsphere-prod
aws=/var/lib/hyper2kvm/aws-prod

log "the installed package"
check "dpkg --verify: every installed file is as packaged" ct $c sh -c 'out=$(dpkg --verify hypersdk) && echo "$out" && test -z "$out"'
for tool in hyperexport hyperconvert hypervisord hyperctl; do
  check "$tool is on PATH and runs (--version)" ct $c "$tool" --version
done
for unit in hyper2kvm.service hyper2kvm@.service hypervisord.service; do
  check "systemd knows $unit" ct $c systemctl cat "$unit"
done
check "system user hyper2kvm with no login shell" ct $c sh -c \
  'getent passwd hyper2kvm | awk -F: "\$3 < 1000 && \$7 ~ /nologin|false/" | grep -q .'
check "group hyper2kvm" ct $c getent group hyper2kvm
# folder, owner and mode: the package's defaults, then the playbook's instance folders
while read -r dir want; do
  expect "$dir is $want" "$(ct $c stat -c '%U:%G %A' "$dir")" "^$want\$"
done <<EOF2
/var/lib/hyper2kvm/queue hyper2kvm:hyper2kvm drwxrwsr-x
/var/lib/hyper2kvm/output hyper2kvm:hyper2kvm drwxrwsr-x
/var/lib/hyper2kvm/work hyper2kvm:hyper2kvm drwxr-x---
/var/lib/hypervisord hypersdk:hypersdk drwxr-x---
$vsphere/queue hyper2kvm:hyper2kvm drwxrwsr-x
$vsphere/output hyper2kvm:hyper2kvm drwxrwsr-x
$aws/queue hyper2kvm:hyper2kvm drwxrwsr-x
$aws/output hyper2kvm:hyper2kvm drwxrwsr-x
EOF2
for unit in hyper2kvm hyper2kvm@vsphere-prod hyper2kvm@aws-prod hypervisord; do
  wait_for 60 "$unit.service is active and enabled" ct $c sh -c \
    "systemctl is-active -q $unit.service && systemctl is-enabled -q $unit.service"
done
ct_health $c
expect "/etc/hyper2kvm/vsphere-prod.yaml has the instance's dirs" "$(ct $c cat /etc/hyper2kvm/vsphere-prod.yaml)" \
  "watch_dir: *\"?$vsphere/queue"

log "a member of group hyper2kvm submits; others cannot"
ct $c useradd -m -G hyper2kvm migrator
ct $c useradd -m outsider
check "migrator (group hyper2kvm, not root) puts a manifest in the aws-prod queue by a rename" \
  ct $c runuser -u migrator -- sh -c "echo '{}' > $aws/queue/.op.tmp && mv $aws/queue/.op.tmp $aws/queue/op.json"
check "outsider (not in the group) cannot write to the queue" \
  ct $c sh -c "! runuser -u outsider -- touch $aws/queue/.outsider 2>/dev/null"
# The daemon files the invalid manifest as failed; wait for that so later checks see a settled queue.
wait_for 30 "aws-prod files the (empty) manifest of migrator in .failed" ct $c test -e "$aws/queue/.failed/op.json"

log "Scenario 1: hyper2kvm.service running, hyperexport finds it through systemd"
# Exports go outside /tmp and /home, which the sandboxed daemon cannot see (README, "Install").
ct $c install -d -m 0755 /srv/exports
out=$(ct_export $c --output /srv/exports/x --pipeline --hyper2kvm-daemon)
expect "daemon mode detected by systemctl is-active" "$out" \
  '^Mode: daemon \(systemctl is-active hyper2kvm.service: active\)'
expect "the qcow2 is in the daemon's output dir" "$out" '^Output: /var/lib/hyper2kvm/output/sample-vm.qcow2$'
check "qemu-img check of the converted boot disk" ct $c qemu-img check /var/lib/hyper2kvm/output/sample-vm.qcow2
check "the converted boot disk has the source's content (qemu-img compare)" \
  ct $c qemu-img compare -q /srv/source/root.raw /var/lib/hyper2kvm/output/sample-vm.qcow2

log "Scenario 2: --hyper2kvm-instance vsphere-prod uses that instance's dirs and daemon"
out=$(ct_export $c --output /srv/exports/s2 --pipeline --hyper2kvm-daemon --hyper2kvm-instance vsphere-prod)
expect "daemon mode through hyper2kvm@vsphere-prod.service" "$out" \
  '^Mode: daemon \(systemctl is-active hyper2kvm@vsphere-prod.service: active\)'
expect "the qcow2 is in vsphere-prod's output dir" "$out" "^Output: $vsphere/output/sample-vm.qcow2\$"
check "qemu-img check of vsphere-prod's qcow2" ct $c qemu-img check "$vsphere/output/sample-vm.qcow2"
record=$(ct $c sh -c "cat $vsphere/output/.jobs/*.json")
expect "the job's record says completed" "$record" '"state" *: *"completed"'
expect "the job's record names the vsphere-prod daemon" "$record" '"daemon" *: *"hsdk-single-vsphere-prod"'
expect "vsphere-prod's heartbeat names its instance" \
  "$(ct $c sh -c "cat $vsphere/queue/.heartbeat/*.json")" '"instance" *: *"vsphere-prod"'
check "aws-prod converted nothing: no job record, no qcow2" ct $c sh -c \
  "! ls $aws/output/.jobs/*.json 2>/dev/null | grep -q . && ! ls $aws/output/*.qcow2 2>/dev/null | grep -q ."
check "aws-prod's queue holds only the manifest of migrator" ct $c sh -c \
  "test \"\$(find $aws/queue -name '*.json' -not -path '*/.heartbeat/*')\" = $aws/queue/.failed/op.json"
job=$(ct $c sh -c "ls $vsphere/output/.jobs/" | head -1)
job=${job%.json}
expect "journalctl -u hyper2kvm@vsphere-prod shows the conversion of sample-vm, job $job" \
  "$(ct $c journalctl -u hyper2kvm@vsphere-prod --no-pager)" "sample-vm.*$job|$job.*sample-vm"

log "a member of group hyper2kvm converts through aws-prod, without root"
ct $c install -d -o migrator -m 0755 /srv/exports/migrator
out=$(ct $c runuser -u migrator -- hyperexport --provider local --vm /srv/sample/sample-vm.ova --no-fix \
  --output /srv/exports/migrator --pipeline --hyper2kvm-daemon --hyper2kvm-instance aws-prod 2>&1) ||
  { echo "$out" >&2; fail "migrator: hyperexport --hyper2kvm-instance aws-prod"; }
expect "migrator's VM is converted by hyper2kvm@aws-prod" "$out" "^Output: $aws/output/sample-vm.qcow2\$"
expect "migrator reads the result: the record names the aws-prod daemon" \
  "$(ct $c runuser -u migrator -- sh -c "cat $aws/output/.jobs/*.json")" '"daemon" *: *"hsdk-single-aws-prod"'

log "hyperctl daemon"
if ct $c hyperctl --help 2>&1 | grep -Eq '^ +daemon( |$)'; then
  out=$(ct $c hyperctl daemon status --instance vsphere-prod 2>&1) ||
    { echo "$out" >&2; fail "hyperctl daemon status --instance vsphere-prod exits 0"; }
  expect "hyperctl daemon status --instance vsphere-prod says active" "$out" '(^| )hyper2kvm@vsphere-prod.service: active'
  out=$(ct $c hyperctl daemon list 2>&1) || { echo "$out" >&2; fail "hyperctl daemon list exits 0"; }
  expect "hyperctl daemon list lists vsphere-prod" "$out" 'vsphere-prod'
  expect "hyperctl daemon list lists aws-prod" "$out" 'aws-prod'
  out=$(ct $c hyperctl daemon queue 2>&1) || { echo "$out" >&2; fail "hyperctl daemon queue exits 0"; }
  expect "hyperctl daemon queue prints totals" "$out" '^ *[Tt]otals?:'
else
  hyperctl_missing=1
  echo "  FAIL: hyperctl has no 'daemon' command (not in hyperctl --help); status, list and queue unchecked" >&2
fi

log "Fallback: hyper2kvm.service stopped, hyperexport converts directly and says why"
ct $c systemctl stop hyper2kvm.service
out=$(ct_export $c --output /srv/exports/fb --pipeline --hyper2kvm-daemon)
expect "a warning on stderr says why" "$out" '^warning: hyper2kvm.service is not active'
expect "direct mode, with the reason" "$out" \
  '^Mode: direct \(hyper2kvm.service is not active \(systemctl: inactive\) and no daemon heartbeat is fresh'
expect "the qcow2 is in the export folder" "$out" '^Output: /srv/exports/fb/sample-vm.qcow2$'
check "qemu-img check of the direct conversion" ct $c qemu-img check /srv/exports/fb/sample-vm.qcow2
ct $c systemctl start hyper2kvm.service

# crash STATE  kill -9 of hyper2kvm@vsphere-prod while a submitted manifest is STATE: "queued" (the daemon
# frozen before the submission) or "claimed" (frozen by a watcher inside the container as soon as the
# manifest is in its processing folder, mid-conversion). systemd restarts it; the job must complete.
crash() {
  local state=$1 unit=hyper2kvm@vsphere-prod.service pid restarts watcher exporter claimed job
  log "Crash: kill -9 of $unit with a manifest $state"
  pid=$(ct $c systemctl show -p MainPID --value $unit)
  restarts=$(ct $c systemctl show -p NRestarts --value $unit)
  if [[ $state == queued ]]; then
    ct $c kill -STOP "$pid"
  else
    # It gives up (exit 1) if the manifest is filed in .processed first: the conversion finished unseen.
    ct $c timeout 120 sh -c "done=\$(ls -R $vsphere/queue/.processed | wc -l)
      until ls $vsphere/queue/.processing/*/*.json >/dev/null 2>&1; do
        [ \$(ls -R $vsphere/queue/.processed | wc -l) -eq \$done ] || exit 1
      done; kill -STOP $pid" &
    watcher=$!
  fi
  ct $c sh -c "hyperexport --provider local --vm /srv/sample/sample-vm.ova --no-fix --output /srv/exports/crash-$state \
    --pipeline --hyper2kvm-daemon --hyper2kvm-instance vsphere-prod --hyper2kvm-poll-interval 1 \
    >/root/crash-$state.out 2>&1; echo \$? >/root/crash-$state.rc" &
  exporter=$!
  if [[ $state == queued ]]; then
    wait_for 60 "the manifest is queued for the frozen daemon" ct $c sh -c "ls $vsphere/queue/*.json"
  else
    wait "$watcher" || fail "the daemon could not be frozen with the manifest claimed (exit $?)"
    claimed=$(ct $c sh -c "ls $vsphere/queue/.processing/*/ | grep 'json\$'")
    pass "the daemon is frozen with the manifest claimed ($claimed)"
    job=${claimed#sample-vm.}
    job=${job%.json}
  fi
  ct $c kill -KILL "$pid"
  wait_for 60 "systemd restarts $unit (new main PID, one more restart)" ct $c sh -c \
    "systemctl is-active -q $unit && [ \"\$(systemctl show -p MainPID --value $unit)\" != $pid ] &&
     [ \"\$(systemctl show -p NRestarts --value $unit)\" -gt $restarts ]"
  wait "$exporter"
  expect "hyperexport's job completes after the restart" \
    "$(ct $c cat /root/crash-$state.rc /root/crash-$state.out)" "^0\$"
  if [[ $state == claimed ]]; then
    expect "the restarted daemon takes job $job back (journalctl -u $unit)" \
      "$(ct $c journalctl -u $unit --no-pager)" "job $job: (restarting the conversion|finished the publication|already [a-z]+ before the restart)"
  fi
  check "qemu-img check of the qcow2 converted after the restart" ct $c qemu-img check "$vsphere/output/sample-vm.qcow2"
  check "the queue is empty again" ct $c sh -c \
    "! ls $vsphere/queue/*.json $vsphere/queue/.processing/*/*.json 2>/dev/null"
}
crash queued
crash claimed

. "$ROOT/tests/system/package-lifecycle.sh"
package_lifecycle $c
if [[ -n ${hyperctl_missing:-} ]]; then
  fail "hyperctl has no 'daemon' command (see above)"
fi
