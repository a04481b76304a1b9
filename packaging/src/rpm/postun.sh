# %postun ($1: 0 on erase): systemd forgets the removed units.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
fi
