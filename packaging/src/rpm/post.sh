# %post ($1: 1 on install, 2 or more on upgrade): creates the users and state folders; on an upgrade the
# services that were running move to the new files. Services are never started or enabled here.
/usr/lib/hypersdk/hypersdk-setup || exit 1
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  if [ "$1" -ge 2 ]; then
    systemctl try-restart hypervisord.service hyper2kvm.service 'hyper2kvm@*.service' || true
  fi
fi
