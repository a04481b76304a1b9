# %preun ($1: 0 on erase, 1 on upgrade): on erase, stops and disables the services while their unit files
# still exist. The state folders and users stay, as usual for RPM packages.
if [ "$1" -eq 0 ]; then
  if [ -d /run/systemd/system ]; then
    systemctl stop hypervisord.service hyper2kvm.service 'hyper2kvm@*.service' || true
    # A unit that had failed would otherwise be listed as failed (and not found) until the next boot.
    systemctl reset-failed hypervisord.service hyper2kvm.service 'hyper2kvm@*.service' 2>/dev/null || true
  fi
  instances=$(find /etc/systemd/system -path '*.wants/hyper2kvm@*.service' -printf '%f\n' 2>/dev/null | sort -u)
  systemctl disable --quiet hypervisord.service hyper2kvm.service $instances 2>/dev/null || true
fi
