#!/usr/bin/env bash
# The system tests: the .deb built by `mvn verify` is installed with the Ansible playbook into Debian
# containers that boot real systemd (systemd-nspawn), and the daemon scenarios of the design run there.
# Needs root, systemd-container and debootstrap (installed when missing); see tests/system/README.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
. "$ROOT/scripts/lib.sh"
. "$ROOT/tests/system/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "tests/system: systemd-nspawn needs root; run as root" >&2; exit 1; }
ensure_packages systemd-nspawn:systemd-container debootstrap:debootstrap nsenter:util-linux \
  qemu-img:qemu-utils
deb=$ROOT/packaging/target/hypersdk_0.1.0_all.deb
[[ -f $deb ]] || fail "$deb is missing; build it first: mvn -B verify (or package)"
[[ -f $ROOT/deploy/ansible/playbook.yml ]] || fail "$ROOT/deploy/ansible/playbook.yml is missing"

SYSTEST_WORK=$(mktemp -d /var/tmp/hypersdk-systest.XXXXXX)
export SYSTEST_WORK
trap 'rm -rf "$SYSTEST_WORK"' EXIT
started=$SECONDS
log "the sample VM $SYSTEST_WORK/ova/sample-vm.ova"
make_sample_ova "$SYSTEST_WORK/source" "$SYSTEST_WORK/ova" >/dev/null
rootfs_base >/dev/null
log "rootfs ready after $((SECONDS - started))s"
failed=()
for script in single-host.sh shared-queue.sh; do
  t=$SECONDS
  log "== $script"
  if bash "$ROOT/tests/system/$script"; then
    log "== $script passed in $((SECONDS - t))s"
  else
    log "== $script FAILED after $((SECONDS - t))s"
    failed+=("$script")
  fi
done
if ((${#failed[@]})); then
  log "system tests failed: ${failed[*]} ($((SECONDS - started))s)"
  exit 1
fi
log "all system tests passed in $((SECONDS - started))s"
