# Shared by the system tests: a cached Debian rootfs, containers booted from copies of it with
# systemd-nspawn, commands run inside them, and checks that print what they checked.
# shellcheck shell=bash

SYSTEST_MIRROR=${SYSTEST_MIRROR:-http://deb.debian.org/debian}
# What the containers need besides systemd: the .deb's dependencies (Java, qemu-img, passwd; virsh, which
# it recommends), so installing the .deb inside never needs the network, and ansible-core to run the
# playbook (python3-apt for its apt module). They are installed by apt after debootstrap, as debootstrap alone fails to order their set-up.
SYSTEST_PACKAGES="openjdk-17-jre-headless qemu-utils libvirt-clients python3 python3-apt ansible-core procps ca-certificates"
SYSTEST_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/hypersdk

log() { echo "[systest] $*"; }
pass() { echo "  PASS: $*"; }
fail() {
  echo "  FAIL: $*" >&2
  exit 1
}

# rootfs_base  prints the cached base rootfs folder, building it first when missing. The folder is
# named after a hash of the mirror and package list, and is only renamed into place once every package
# is set up, so an interrupted build is never taken for a cached rootfs.
rootfs_base() {
  local key base tmp
  key=$(echo "bookworm $SYSTEST_MIRROR systemd $SYSTEST_PACKAGES" | sha256sum | cut -c1-12)
  base=$SYSTEST_CACHE/rootfs-$key
  if [[ ! -d $base ]]; then
    mkdir -p "$SYSTEST_CACHE/debs"
    tmp=$(mktemp -d "$SYSTEST_CACHE/.rootfs-$key.XXXXXX")
    chmod 755 "$tmp" # it becomes /, which every user must be able to traverse
    log "building the rootfs $base (debootstrap and apt, a few minutes, once)..." >&2
    # shellcheck disable=SC2086 # the package list is split on purpose
    if ! { debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus \
      --cache-dir="$SYSTEST_CACHE/debs" bookworm "$tmp" "$SYSTEST_MIRROR" &&
      systemd-nspawn -q -D "$tmp" --register=no --keep-unit --resolv-conf=replace-host sh -c \
        "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
         $SYSTEST_PACKAGES && apt-get clean"; } >"$tmp.log" 2>&1; then
      tail -n 30 "$tmp.log" >&2
      echo "(whole log: $tmp.log)" >&2
      rm -rf "$tmp"
      return 1
    fi
    rm -f "$tmp.log"
    mv -T "$tmp" "$base"
  fi
  echo "$base"
}

# Containers of this run: their copies live in $SYSTEST_WORK (set by run.sh); name -> nspawn PID.
declare -A CT_NSPAWN=()

# ct_start NAME [NSPAWN ARGS...]  boots a fresh copy of the base rootfs with systemd and waits until
# systemd says the system is running (or degraded). The network is private (loopback only): the
# .deb installs offline from the rootfs, and each container's hypervisord has its own port 8080.
ct_start() {
  local name=$1 base dir pid init
  shift
  base=$(rootfs_base)
  dir=$SYSTEST_WORK/$name
  cp -a --reflink=auto "$base" "$dir"
  echo "$name" >"$dir/etc/hostname"
  # With --keep-unit (there is no systemd on the host to make a scope) nspawn puts the container under
  # its own cgroup, so each container gets a cgroup of its own first, or two containers would share one.
  (
    ct_cgroup "$name"
    exec systemd-nspawn -b -D "$dir" --register=no --keep-unit --machine="$name" --private-network \
      --console=passive "$@"
  ) >"$SYSTEST_WORK/$name.console" 2>&1 &
  pid=$!
  CT_NSPAWN[$name]=$pid
  # systemd is the nspawn child that has exec'd /sbin/init; wait for it, then for the boot to finish.
  for _ in $(seq 1 300); do
    init=$(pgrep -P "$pid" -x systemd | head -1 || true)
    [[ -n $init ]] && break
    kill -0 "$pid" 2>/dev/null || { cat "$SYSTEST_WORK/$name.console" >&2; fail "$name: systemd-nspawn exited"; }
    sleep 0.1
  done
  [[ -n $init ]] || fail "$name: no systemd under systemd-nspawn $pid"
  echo "$init" >"$SYSTEST_WORK/$name.init"
  local state=
  for _ in $(seq 1 240); do
    state=$(ct "$name" systemctl is-system-running 2>&1 || true)
    [[ $state == running || $state == degraded ]] && break
    sleep 0.5
  done
  case $state in
    running | degraded) log "$name booted ($state)" ;;
    *) ct "$name" systemctl --failed --no-pager >&2 || true; fail "$name: systemd did not come up: $state" ;;
  esac
}

# ct_cgroup NAME  moves this shell into the container's own cgroup, in each systemd hierarchy.
ct_cgroup() {
  local hierarchy cg
  for hierarchy in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified /sys/fs/cgroup; do
    [[ -e $hierarchy/cgroup.procs ]] || continue
    cg=$hierarchy/hypersdk-systest/${SYSTEST_WORK##*/}/$1
    mkdir -p "$cg"
    echo "$BASHPID" >"$cg/cgroup.procs"
  done
}

# ct_cgroup_remove NAME  removes the container's cgroups (empty once it has stopped), deepest first, and
# the folders above them once they are empty.
ct_cgroup_remove() {
  local hierarchy run
  for hierarchy in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified /sys/fs/cgroup; do
    run=$hierarchy/hypersdk-systest/${SYSTEST_WORK##*/}
    [[ -d $run/$1 ]] || continue
    find "$run/$1" -depth -type d -exec rmdir {} + 2>/dev/null || true
    rmdir "$run" "$hierarchy/hypersdk-systest" 2>/dev/null || true
  done
}

# ct NAME CMD...  runs CMD inside the container as root, in all its namespaces, with a clean environment.
ct() {
  local name=$1
  shift
  nsenter --target "$(cat "$SYSTEST_WORK/$name.init")" --all \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
}

# ct_stop NAME  powers the container off (killing it after 60 s) and removes its copy.
ct_stop() {
  local name=$1 pid=${CT_NSPAWN[$1]:-}
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    ct "$name" systemctl poweroff --no-block >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 600); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  # The container's systemd outlives a killed nspawn; ending it ends every process in the container.
  if [[ -f $SYSTEST_WORK/$name.init ]] && pgrep -x systemd | grep -qx "$(cat "$SYSTEST_WORK/$name.init")"; then
    kill -KILL "$(cat "$SYSTEST_WORK/$name.init")" 2>/dev/null || true
    sleep 1
  fi
  unset "CT_NSPAWN[$name]"
  ct_cgroup_remove "$name"
  rm -rf "${SYSTEST_WORK:?}/$name"
}

# ct_journal NAME  prints the container's journal (on failure, as evidence).
ct_journal() {
  echo "----- journal of $1 -----" >&2
  ct "$1" journalctl --no-pager -n 300 >&2 || cat "$SYSTEST_WORK/$1.console" >&2
}

# ct_stop_all  tears down every container of this run; on a failure first prints their journals.
ct_stop_all() {
  local status=$? name
  for name in "${!CT_NSPAWN[@]}"; do
    ((status == 0)) || ct_journal "$name" || true
    ct_stop "$name" || true
  done
  return "$status"
}

# check WHAT CMD...  runs CMD; prints PASS WHAT, or CMD's output and FAIL WHAT and exits.
check() {
  local what=$1 out
  shift
  if out=$("$@" 2>&1); then
    pass "$what"
  else
    echo "$out" | tail -n 40 >&2
    fail "$what"
  fi
}

# wait_for SECONDS WHAT CMD...  retries CMD every half second until it succeeds; FAIL WHAT on timeout.
wait_for() {
  local seconds=$1 what=$2 out
  shift 2
  for _ in $(seq 1 $((seconds * 2))); do
    if out=$("$@" 2>&1); then
      pass "$what"
      return 0
    fi
    sleep 0.5
  done
  echo "$out" | tail -n 40 >&2
  fail "$what (after ${seconds}s)"
}

# ct_install NAME VARS_JSON  installs the .deb in the container with the Ansible playbook (the checkout is
# bound read-only at /src), with the given extra variables.
ct_install() {
  local name=$1 vars=$2
  printf '%s\n' "$vars" >"$SYSTEST_WORK/$name/root/vars.json"
  check "$name: ansible-playbook deploy/ansible/playbook.yml installs the package" \
    ct "$name" ansible-playbook -c local -i localhost, /src/deploy/ansible/playbook.yml -e @/root/vars.json
}

# ct_export NAME ARGS...  runs hyperexport in the container on the sample VM (bound at /srv/sample);
# prints its output and fails with it when it exits non-zero. The sample VM's disks hold files but no
# operating system, which the converter's fix stage refuses, so its manifests say --no-fix.
ct_export() {
  local name=$1 out
  shift
  if ! out=$(ct "$name" hyperexport --provider local --vm /srv/sample/sample-vm.ova --no-fix "$@" 2>&1); then
    echo "$out" >&2
    fail "$name: hyperexport $*"
  fi
  echo "$out"
}

# expect WHAT TEXT PATTERN  passes when TEXT matches the extended regex PATTERN, else prints TEXT and fails.
expect() {
  if grep -Eq -- "$3" <<<"$2"; then
    pass "$1"
  else
    echo "$2" >&2
    fail "$1 (expected /$3/)"
  fi
}

# ct_health NAME  waits until hypervisord in the container answers GET /health.
ct_health() {
  wait_for 60 "$1: hypervisord answers GET http://127.0.0.1:8080/health" ct "$1" python3 -c \
    'import urllib.request; urllib.request.urlopen("http://127.0.0.1:8080/health", timeout=2)'
}
