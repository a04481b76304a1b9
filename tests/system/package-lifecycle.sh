# shellcheck shell=bash
# package_lifecycle NAME  the package installed in container NAME is reinstalled over itself (configs kept,
# services back up), then removed (services stopped, units gone, configs kept) and purged (configs gone).
package_lifecycle() {
  local c=$1 deb=/src/packaging/target/hypersdk_0.1.0_all.deb before
  log "reinstall over itself"
  # A local change to a conffile of the package and to a config the playbook wrote.
  ct "$c" sh -c 'for f in /etc/hyper2kvm/hyper2kvm.conf /etc/hyper2kvm/vsphere-prod.yaml; do
    echo "# local change, kept by upgrades" >> "$f"; done'
  before=$(ct "$c" sh -c 'find /etc/hyper2kvm /etc/hypersdk -type f -exec sha256sum {} + | sort')
  check "apt-get install --reinstall of the same .deb" \
    ct "$c" env DEBIAN_FRONTEND=noninteractive apt-get install -y --reinstall "$deb"
  check "configs (with a local change) unchanged by the reinstall" \
    test "$before" = "$(ct "$c" sh -c 'find /etc/hyper2kvm /etc/hypersdk -type f -exec sha256sum {} + | sort')"
  for unit in hyper2kvm hyper2kvm@vsphere-prod hyper2kvm@aws-prod hypervisord; do
    wait_for 60 "$unit.service is active after the reinstall" ct "$c" systemctl is-active -q "$unit.service"
  done
  ct_health "$c"

  log "remove, then purge"
  check "apt-get remove hypersdk" ct "$c" env DEBIAN_FRONTEND=noninteractive apt-get remove -y hypersdk
  check "no hyper2kvm or hypervisord process is left" ct "$c" sh -c \
    '! ps -eo user=,args= | grep -E "^hyper2kvm|hypervisord|io\.hypersdk" | grep -v grep'
  check "no hyper2kvm or hypervisord unit is loaded or installed" ct "$c" sh -c \
    '! systemctl list-units --all --plain --no-legend "hyper2kvm*" "hypervisord*" | grep -v "not-found" | grep . &&
     ! systemctl list-unit-files --plain --no-legend "hyper2kvm*" "hypervisord*" | grep .'
  check "the commands are gone" ct "$c" sh -c '! command -v hyperexport && ! command -v hyperconvert'
  check "the package is in state rc (removed, configs kept)" ct "$c" sh -c \
    'dpkg -l hypersdk | grep -q "^rc"'
  check "apt-get purge hypersdk" ct "$c" env DEBIAN_FRONTEND=noninteractive apt-get purge -y hypersdk
  check "dpkg no longer knows hypersdk" ct "$c" sh -c '! dpkg -l hypersdk 2>/dev/null | grep -q "^.[^n]"'
  check "the package's conffiles are gone" ct "$c" sh -c \
    '! test -e /etc/hyper2kvm/hyper2kvm.conf && ! test -e /etc/hypersdk/hypervisord.yaml'
  check "systemd reports no failed units" ct "$c" sh -c '! systemctl --failed --plain --no-legend | grep .'
}
