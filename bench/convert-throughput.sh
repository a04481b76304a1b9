#!/usr/bin/env bash
# Throughput and finality latency of the hyperconvert queue daemon and the native converter against plain qemu-img.
#
# Generates streamOptimized VMDKs (like vSphere exports), then, R times in alternation:
#   1. qemu-img convert -f vmdk -O qcow2, one disk after the other          (baseline "seq")
#   2. the same with xargs -P N, N = the daemon's max_concurrent            (baseline "par-N")
#   3. the native converter (bench/NativeConvert.java), one disk after the other (native)
#   4. hyperconvert daemon --max-concurrent N fed with one manifest per disk (daemon)
#   5. the same daemon with converter: qemu-img, the converter it used before the native one became the default
#      (daemon-qemu: same checks, same hashes; the baseline for the native default)
# and prints MiB/s, CPU seconds per GiB, the ratios native/seq, daemon/seq and daemon/par-N, and how long each
# job's qcow2 takes to appear under its final name after the conversion finished. With BENCH_COLD=1 (the default
# when run as root) it then runs seq, native and the daemon once more each with the page cache dropped first and
# prints the bytes read from storage per byte of source (/proc/PID/io read_bytes). Plain bash, awk and
# coreutils; see bench/README.md.
# It is a benchmark, not a test: it exits 0 whatever the numbers are, and non-zero only when it cannot run.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
DISKS=${BENCH_DISKS:-8}
DISK_MIB=${BENCH_DISK_MIB:-48}
ROUNDS=${BENCH_ROUNDS:-3}
N=${BENCH_MAX_CONCURRENT:-2}
CHECKSUM=${BENCH_CHECKSUM:-1}             # put sha256 checksums in the manifests (the daemon then verifies them)
WARMUP=${BENCH_WARMUP:-0}                 # 1: one untimed job per daemon before the timed batch (warm JVM)
INSTALL_INOTIFY=${BENCH_INSTALL_INOTIFY:-1}
WATCH_MODE=${BENCH_WATCH:-auto}           # auto | inotify | poll
JOB_TIMEOUT_S=${BENCH_TIMEOUT_S:-600}     # per daemon round
HYPERCONVERT=${BENCH_HYPERCONVERT:-$ROOT/bin/hyperconvert}
JAR=$ROOT/apps/hyperconvert/target/hyperconvert.jar
COLD=${BENCH_COLD:-$([[ $EUID -eq 0 ]] && echo 1 || echo 0)}   # 1: the cold-cache pass (drops caches: root)
TARGET_NATIVE=1.5        # native single conversion / qemu-img sequential
TARGET_PAR=1.0           # daemon / qemu-img parallel-N
TARGET_READ=1.1          # bytes read from storage per byte of source, cold cache
TARGET_VISIBLE_MS=100
CLK_TCK=$(getconf CLK_TCK)

say() { printf '%s\n' "$*"; }
die() { printf 'convert-throughput: %s\n' "$*" >&2; exit 1; }
for v in DISKS DISK_MIB ROUNDS N JOB_TIMEOUT_S; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '${!v}'"
done
(( DISK_MIB >= 8 )) || die "BENCH_DISK_MIB must be at least 8"

# ---------------------------------------------------------------------------------------------------------
# Clean-up: everything started in the background is recorded here and stopped by PID, children first.
WORK=""
DAEMON_PID=""
BG_PIDS=()

children_of() {
  local pid=$1 f
  for f in /proc/"$pid"/task/*/children; do
    [[ -r $f ]] && cat "$f" 2>/dev/null
  done | tr ' ' '\n' | grep -E '^[0-9]+$' || true
}

# PIDs of a process and all its descendants, deepest first.
tree_of() {
  local pid=$1 c
  for c in $(children_of "$pid"); do tree_of "$c"; done
  printf '%s\n' "$pid"
}

kill_tree() {
  local pid=$1 sig=${2:-TERM} p
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  for p in $(tree_of "$pid"); do kill -"$sig" "$p" 2>/dev/null || true; done
}

stop_daemon() {   # SIGTERM, then up to 45 s to drain (stop_timeout_seconds is 30), then SIGKILL
  local pid=$DAEMON_PID i
  [[ -n $pid ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 450; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "daemon $pid did not stop on SIGTERM; killing it and its qemu-img children" >&2
      kill_tree "$pid" KILL
    fi
  fi
  wait "$pid" 2>/dev/null || true
  DAEMON_PID=""
}

cleanup() {
  local rc=$? p
  trap - EXIT INT TERM ERR
  stop_daemon
  for p in "${BG_PIDS[@]}"; do kill_tree "$p" TERM; done
  for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ -n $WORK && -d $WORK ]]; then
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then say "kept $WORK (BENCH_KEEP=1)" >&2; else rm -rf -- "$WORK"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a command in the background and waits for it, so that INT/TERM reach the trap at once.
forget_pid() {
  local keep=() p
  for p in "${BG_PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
  BG_PIDS=("${keep[@]}")
}
run_bg() {
  local rc=0
  "$@" &
  local pid=$!
  BG_PIDS+=("$pid")
  wait "$pid" || rc=$?
  forget_pid "$pid"
  return "$rc"
}

ns_now() { date +%s%N; }
# CPU ticks (user + system) of the children this shell has waited for, and the bytes they read from storage; the
# kernel adds a child's counters to its parent's when the parent reaps it, so grandchildren count too.
acct() {
  local s f
  s=$(</proc/$$/stat); s=${s##*) }
  read -r -a f <<<"$s"
  _cpu=$((f[13] + f[14]))
  _rd=$(awk '$1 == "read_bytes:" { print $2 }' /proc/$$/io)
}
drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }
# Microseconds since the epoch into $_now without forking (bash >= 5), else through date.
if [[ -n ${EPOCHREALTIME:-} ]]; then
  us_now() { _now=${EPOCHREALTIME//[.,]/}; }
else
  us_now() { _now=$(date +%s%6N); }
fi

# ---------------------------------------------------------------------------------------------------------
# Prerequisites.
command -v qemu-img >/dev/null ||
  die "qemu-img not found on PATH; install it: apt-get install qemu-utils (RHEL: dnf install qemu-img)"
command -v java >/dev/null || die "java not found on PATH; install a Java 17 runtime: apt-get install openjdk-17-jre-headless"
if [[ ! -f $JAR ]]; then
  command -v mvn >/dev/null || die "$JAR is missing and mvn is not installed to build it: apt-get install maven"
  say "building the project (mvn -B -q -DskipTests package) ..."
  (cd "$ROOT" && mvn -B -q -DskipTests package) || die "the build failed"
  [[ -f $JAR ]] || die "the build did not produce $JAR"
fi
[[ -x $HYPERCONVERT ]] || die "$HYPERCONVERT is not executable"
command -v javac >/dev/null || die "javac not found on PATH (for bench/NativeConvert.java); apt-get install openjdk-17-jdk-headless"
if [[ $COLD == 1 ]] && ! { [[ $EUID -eq 0 ]] && [[ -w /proc/sys/vm/drop_caches ]]; }; then
  die "BENCH_COLD=1 drops the page cache and needs root; run as root or with BENCH_COLD=0"
fi

INOTIFY_NOTE=""
if [[ $WATCH_MODE != poll ]] && ! command -v inotifywait >/dev/null; then
  if [[ $INSTALL_INOTIFY == 1 && $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing inotify-tools (for inotifywait) with apt-get ..."
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q inotify-tools >/dev/null 2>&1; then
      apt-get update -q >/dev/null 2>&1 || true
      apt-get install -y -q inotify-tools >/dev/null 2>&1 || INOTIFY_NOTE="(apt-get install inotify-tools failed)"
    fi
  else
    INOTIFY_NOTE="(inotifywait not installed; apt-get install inotify-tools)"
  fi
fi
if [[ $WATCH_MODE == auto ]]; then
  WATCH_MODE=poll
  command -v inotifywait >/dev/null && WATCH_MODE=inotify
fi
[[ $WATCH_MODE == inotify ]] && ! command -v inotifywait >/dev/null && die "BENCH_WATCH=inotify but inotifywait is missing"
STDBUF=()
command -v stdbuf >/dev/null && STDBUF=(stdbuf -oL)

TMPBASE=${BENCH_TMPDIR:-${TMPDIR:-/var/tmp}}
WORK=$(mktemp -d "$TMPBASE/hyperconvert-bench.XXXXXX")
RUN_ID=$(printf '%04x%04x' $RANDOM $RANDOM)
TOTAL_MIB=$((DISKS * DISK_MIB))

need_kib=$((TOTAL_MIB * 1024 * 3))
avail_kib=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
(( avail_kib > need_kib )) || die "$WORK has $((avail_kib / 1024)) MiB free; about $((need_kib / 1024)) MiB are needed"

NATIVE_CP="$JAR:$ROOT/apps/hyperconvert/target/lib/*:$ROOT/apps/hyperexport/target/lib/*"
mkdir -p "$WORK/classes"
javac -d "$WORK/classes" -cp "$NATIVE_CP" "$ROOT/bench/NativeConvert.java" ||
  die "cannot compile bench/NativeConvert.java: is the diskimage module built (mvn -DskipTests package)?"

say "== hyperconvert daemon throughput benchmark =="
say "date:        $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "host:        $(uname -srm), $(nproc) CPU(s), $(awk '/MemTotal/ { printf "%d MiB RAM", $2 / 1024 }' /proc/meminfo)"
say "load avg:    $(cut -d ' ' -f 1-3 /proc/loadavg) (1/5/15 min, at start; other load on the host skews every number)"
say "qemu-img:    $(qemu-img --version | head -n 1)"
say "java:        $(java -version 2>&1 | head -n 1)"
say "work dir:    $WORK ($(stat -f -c %T "$WORK"))"
say "disks:       $DISKS x $DISK_MIB MiB virtual = $TOTAL_MIB MiB, streamOptimized VMDK"
say "parallelism: daemon --max-concurrent $N, baseline xargs -P $N; rounds: $ROUNDS"
say "watcher:     $WATCH_MODE $INOTIFY_NOTE"
say "warm-up:     $([[ $WARMUP == 1 ]] && echo "one untimed job per daemon before the timed batch (BENCH_WARMUP=1)" || echo "none: the timed batch is the fresh daemon's first work")"
say "cold cache:  $([[ $COLD == 1 ]] && echo "a pass with the page cache dropped before each path (BENCH_COLD=1)" || echo "not measured (BENCH_COLD=0)")"
say "checksums:   $([[ $CHECKSUM == 1 ]] && echo "in the manifests (the daemon verifies each source's SHA-256 beside the conversion)" || echo "not in the manifests")"
say ""

# ---------------------------------------------------------------------------------------------------------
# Source disks: a sparse raw image with four non-zero regions (random bytes, and base64 text, which
# compresses like file data), holes in between, converted to streamOptimized VMDK as vSphere exports it.
SRC=$WORK/src
mkdir -p "$SRC"
make_disk() {
  local i=$1 raw=$SRC/disk-$1.raw region=$((DISK_MIB / 8)) k off
  truncate -s "${DISK_MIB}M" "$raw"
  for k in 0 1 2 3; do
    off=$((k * DISK_MIB / 4 + (i % 2)))
    if (( k % 2 == 0 )); then
      dd if=/dev/urandom of="$raw" bs=1M count="$region" seek="$off" conv=notrunc status=none
    else
      head -c $((region * 786432)) /dev/urandom | base64 -w 0 |
        dd of="$raw" bs=1M seek="$off" conv=notrunc iflag=fullblock status=none
    fi
  done
  qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$raw" "$SRC/disk-$i.vmdk"
  rm -f "$raw"
}
export -f make_disk
export SRC DISK_MIB
say "generating $DISKS disks ..."
t=$(ns_now)
run_bg bash -c 'seq 1 "$0" | xargs -P "$(nproc)" -I{} bash -c "make_disk {}"' "$DISKS"
SRC_BYTES=0
declare -A SUM=()
for ((i = 1; i <= DISKS; i++)); do
  f=$SRC/disk-$i.vmdk
  [[ -s $f ]] || die "could not generate $f"
  SRC_BYTES=$((SRC_BYTES + $(stat -c %s "$f")))
  if [[ $CHECKSUM == 1 ]]; then SUM[$i]=$(sha256sum "$f" | cut -d ' ' -f 1); fi
done
say "generated in $(( ($(ns_now) - t) / 1000000 )) ms: $((SRC_BYTES / 1048576)) MiB of VMDK for $TOTAL_MIB MiB virtual (half of each disk is data, half holes)"
say ""

# ---------------------------------------------------------------------------------------------------------
# Baselines.
convert_one() { qemu-img convert -f vmdk -O qcow2 "$1" "$2"; }
baseline_seq() {
  local dst=$1 i
  for ((i = 1; i <= DISKS; i++)); do convert_one "$SRC/disk-$i.vmdk" "$dst/disk-$i.qcow2"; done
}
baseline_par() {
  local dst=$1 i
  for ((i = 1; i <= DISKS; i++)); do printf '%s\n%s\n' "$SRC/disk-$i.vmdk" "$dst/disk-$i.qcow2"; done |
    xargs -P "$N" -n 2 qemu-img convert -f vmdk -O qcow2
}
# Wall time in ns ($RESULT_NS) of one baseline into a fresh folder, which is removed afterwards (untimed).
time_baseline() {
  local kind=$1 dst=$WORK/baseline t0 t1
  rm -rf "$dst"; mkdir -p "$dst"; sync
  [[ ${2:-} == cold ]] && drop_caches
  acct; local c0=$_cpu r0=$_rd
  t0=$(ns_now)
  run_bg "baseline_$kind" "$dst"
  t1=$(ns_now)
  acct
  local n; n=$(find "$dst" -name '*.qcow2' | wc -l)
  (( n == DISKS )) || die "baseline $kind produced $n of $DISKS images"
  rm -rf "$dst"; sync
  RESULT_NS=$((t1 - t0))
  RESULT_CPU_TICKS=$((_cpu - c0))
  RESULT_READ=$((_rd - r0))
}

# The native converter, one disk after the other in one JVM: RESULT_NS is the conversions' own time (printed by
# NativeConvert), RESULT_WALL_NS adds the JVM's start-up. With "check", every output is compared with its source
# and checked by qemu-img (untimed).
run_native() {
  local dst=$1 drop=$2 i args=()
  for ((i = 1; i <= DISKS; i++)); do args+=("$SRC/disk-$i.vmdk" "$dst/disk-$i.qcow2"); done
  BENCH_DROP_CACHES=$drop java -cp "$WORK/classes:$NATIVE_CP" NativeConvert "${args[@]}" >"$WORK/native.out"
}
time_native() {
  local dst=$WORK/native t0 t1 i
  rm -rf "$dst"; mkdir -p "$dst"; sync
  acct; local c0=$_cpu
  t0=$(ns_now)
  # Cold: the JVM drops the page cache itself once it is up, so its own start-up reads are not counted.
  run_bg run_native "$dst" "$([[ ${1:-} == cold ]] && echo 1 || echo 0)" || die "the native converter failed"
  t1=$(ns_now)
  acct
  RESULT_NS=$(awk '$1 == "native-ns" { print $2 }' "$WORK/native.out")
  RESULT_READ=$(awk '$1 == "native-read" { print $2 }' "$WORK/native.out")
  [[ -n $RESULT_NS ]] || die "NativeConvert printed no time"
  if [[ ${1:-} == check ]]; then
    for ((i = 1; i <= DISKS; i++)); do
      qemu-img compare -q -f vmdk -F qcow2 "$SRC/disk-$i.vmdk" "$dst/disk-$i.qcow2" ||
        die "the native converter's disk-$i.qcow2 differs from its source"
      qemu-img check -q "$dst/disk-$i.qcow2" || die "qemu-img check found errors in the native disk-$i.qcow2"
    done
  fi
  rm -rf "$dst"; sync
  RESULT_WALL_NS=$((t1 - t0))
  RESULT_CPU_TICKS=$((_cpu - c0))
}

# ---------------------------------------------------------------------------------------------------------
# Watchers of the daemon's output dir: one line per event, "<epoch µs> qcow2 <vm>" when <vm>.qcow2 shows up
# under its final name and "<epoch µs> completed|failed <job_id>" when a job record reaches a final state.
record_state() {  # the state of a job record file into $_st, without forking
  local rec=""
  _st=""
  IFS= read -r -d '' rec <"$1" 2>/dev/null || true
  if [[ $rec =~ \"state\"[[:space:]]*:[[:space:]]*\"([a-z]+)\" ]]; then _st=${BASH_REMATCH[1]}; fi
  return 0
}

stamp_events() {  # reads paths from inotifywait
  local out=$1 path name
  local -A final=()
  while IFS= read -r path; do
    us_now
    case $path in
      "$out"/.jobs/*)
        name=${path##*/}
        [[ $name == .* || $name != *.json ]] && continue
        name=${name%.json}
        [[ -n ${final[$name]:-} ]] && continue
        record_state "$path"
        if [[ $_st == completed || $_st == failed ]]; then final[$name]=1; echo "$_now $_st $name"; fi ;;
      "$out"/*.qcow2)
        name=${path##*/}
        [[ $name == .* ]] && continue
        echo "$_now qcow2 ${name%.qcow2}" ;;
    esac
  done
}

poll_events() {  # every 5 ms: vms file and job-ids file list what to look for
  local out=$1 vm id
  local -a vms ids
  local -A seen=() final=()
  mapfile -t vms <"$2"
  mapfile -t ids <"$3"
  while (( ${#seen[@]} < ${#vms[@]} || ${#final[@]} < ${#ids[@]} )); do
    for vm in "${vms[@]}"; do
      if [[ -z ${seen[$vm]:-} && -e $out/$vm.qcow2 ]]; then us_now; seen[$vm]=1; echo "$_now qcow2 $vm"; fi
    done
    for id in "${ids[@]}"; do
      if [[ -z ${final[$id]:-} && -e $out/.jobs/$id.json ]]; then
        us_now
        record_state "$out/.jobs/$id.json"
        if [[ $_st == completed || $_st == failed ]]; then final[$id]=1; echo "$_now $_st $id"; fi
      fi
    done
    sleep 0.005
  done
}

# ---------------------------------------------------------------------------------------------------------
# One daemon round: sets ROUND_RESULT="<wall ns> <launch-to-heartbeat ns> <launch-to-serving ns> <stop ns>"
# and appends per-job data to $WORK/jobs.tsv.
daemon_round() {
  local r=$1 rdir=$WORK/round-$r
  local q=$rdir/queue o=$rdir/out log=$rdir/daemon.log ev=$rdir/events
  mkdir -p "$q" "$o/.jobs"
  : >"$rdir/daemon.yaml"   # an empty config file: no /etc/hyper2kvm settings leak into the benchmark
  [[ -n ${DAEMON_CONVERTER:-} ]] && echo "converter: $DAEMON_CONVERTER" >"$rdir/daemon.yaml"
  : >"$ev"
  local i vm id
  : >"$rdir/vms"; : >"$rdir/ids"; : >"$rdir/map"
  for ((i = 1; i <= DISKS; i++)); do
    vm=bench-$i; id=bench-$i-r$r-$RUN_ID
    echo "$vm" >>"$rdir/vms"; echo "$id" >>"$rdir/ids"; echo "$id $vm" >>"$rdir/map"
    local sum=""
    [[ $CHECKSUM == 1 ]] && sum=",\"checksum\":\"sha256:${SUM[$i]}\""
    printf '{"manifest_version":"1.0","source":{"provider":"local","vm_name":"%s"},"vm":{"cpu":2,"mem_gb":1},"disks":[{"id":"d0","source_format":"vmdk","local_path":"%s","boot_order_hint":0%s}],"metadata":{"job_id":"%s"}}\n' \
      "$vm" "$SRC/disk-$i.vmdk" "$sum" "$id" >"$q/.$vm.$id.json.tmp"
  done
  sync

  # Start-up (not part of the measured wall time): until the heartbeat exists and the watch is registered.
  local t_launch t_hb="" t_serving="" k c0
  : >"$log"
  acct; c0=$_cpu
  t_launch=$(ns_now)
  HYPERSDK_LOG_LEVEL=INFO "$HYPERCONVERT" daemon --config "$rdir/daemon.yaml" --watch-dir "$q" --output-dir "$o" \
    --instance bench --max-concurrent "$N" >"$log" 2>&1 &
  DAEMON_PID=$!
  for ((k = 0; k < 6000; k++)); do
    kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$log" >&2; die "the daemon exited during start-up"; }
    if [[ -z $t_hb ]] && compgen -G "$q/.heartbeat/*-bench.json" >/dev/null; then t_hb=$(ns_now); fi
    if [[ -z $t_serving ]] && grep -q ' QueueDaemon: serving ' "$log"; then t_serving=$(ns_now); fi
    [[ -n $t_hb && -n $t_serving ]] && break
    sleep 0.01
  done
  [[ -n $t_hb && -n $t_serving ]] || { cat "$log" >&2; die "the daemon did not start within 60 s"; }

  if [[ $WARMUP == 1 ]]; then   # one untimed job, so that the timed batch meets a warm JVM
    local wid=warmup-r$r-$RUN_ID
    printf '{"manifest_version":"1.0","source":{"provider":"local","vm_name":"warmup"},"vm":{"cpu":1,"mem_gb":1},"disks":[{"id":"d0","source_format":"vmdk","local_path":"%s","boot_order_hint":0%s}],"metadata":{"job_id":"%s"}}\n' \
      "$SRC/disk-1.vmdk" "$([[ $CHECKSUM == 1 ]] && echo ",\"checksum\":\"sha256:${SUM[1]}\"")" "$wid" >"$q/.warmup.$wid.json.tmp"
    mv -- "$q/.warmup.$wid.json.tmp" "$q/warmup.$wid.json"
    for ((k = 0; k < 3000; k++)); do
      _st=""
      [[ -e $o/.jobs/$wid.json ]] && record_state "$o/.jobs/$wid.json"
      [[ $_st == completed ]] && break
      [[ $_st == failed ]] && { tail -n 20 "$log" >&2; die "the warm-up job failed"; }
      sleep 0.02
    done
    [[ $_st == completed ]] || die "the warm-up job did not complete within 60 s"
    rm -f -- "$o"/warmup.*
    sync
  fi

  local watch_pid="" iw_pid=""
  if [[ $WATCH_MODE == inotify ]]; then
    rm -f "$rdir/fifo"; mkfifo "$rdir/fifo"
    "${STDBUF[@]}" inotifywait -m -e moved_to -e create --format '%w%f' "$o/" "$o/.jobs/" \
      >"$rdir/fifo" 2>"$rdir/inotify.err" &
    iw_pid=$!; BG_PIDS+=("$iw_pid")
    stamp_events "$o" <"$rdir/fifo" >"$ev" &
    watch_pid=$!; BG_PIDS+=("$watch_pid")
    for ((k = 0; k < 500; k++)); do
      grep -q 'Watches established' "$rdir/inotify.err" 2>/dev/null && break
      kill -0 "$iw_pid" 2>/dev/null || die "inotifywait failed: $(cat "$rdir/inotify.err")"
      sleep 0.01
    done
  else
    poll_events "$o" "$rdir/vms" "$rdir/ids" >"$ev" &
    watch_pid=$!; BG_PIDS+=("$watch_pid")
  fi

  # Submit everything at once (atomic renames), then wait for every job record to be final.
  local t0 t0_us rd0
  [[ ${2:-} == cold ]] && drop_caches
  rd0=$(awk '$1 == "read_bytes:" { print $2 }' "/proc/$DAEMON_PID/io")
  t0=$(ns_now)
  for ((i = 1; i <= DISKS; i++)); do
    mv -- "$q/.bench-$i.bench-$i-r$r-$RUN_ID.json.tmp" "$q/bench-$i.bench-$i-r$r-$RUN_ID.json"
  done
  local -a lines
  local done_n=0 failed_n=0 deadline=$((SECONDS + JOB_TIMEOUT_S))
  while :; do
    mapfile -t lines <"$ev"
    done_n=0; failed_n=0
    for k in "${lines[@]}"; do
      case $k in *" completed "*) done_n=$((done_n + 1)) ;; *" failed "*) failed_n=$((failed_n + 1)) ;; esac
    done
    (( done_n + failed_n >= DISKS )) && break
    kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$log" >&2; die "the daemon died in round $r"; }
    (( SECONDS < deadline )) || { tail -n 30 "$log" >&2; die "round $r: only $done_n of $DISKS jobs completed within ${JOB_TIMEOUT_S} s"; }
    sleep 0.02
  done
  (( failed_n == 0 )) || { grep -h . "$o"/*.error >&2 || true; tail -n 30 "$log" >&2; die "round $r: $failed_n job(s) failed"; }
  # Wall time ends at the last job record seen completed (stamped by the watcher, not by this 20 ms loop).
  local t_end_us
  t_end_us=$(awk '$2 == "completed" && $1 > m { m = $1 } END { printf "%.0f", m }' "$ev")
  t0_us=$((t0 / 1000))

  # The qcow2 events may still be in flight for a moment after the last record; give them 1 s.
  for ((k = 0; k < 100; k++)); do
    (( $(grep -c ' qcow2 ' "$ev" || true) >= DISKS )) && break
    sleep 0.01
  done

  # The daemon's own reads and those of the qemu-img processes it has reaped, from submission to the last job.
  ROUND_READ=$(( $(awk '$1 == "read_bytes:" { print $2 }' "/proc/$DAEMON_PID/io") - rd0 ))
  local t_stop0 t_stop1 rc=0
  t_stop0=$(ns_now)
  kill -TERM "$DAEMON_PID"
  wait "$DAEMON_PID" || rc=$?
  t_stop1=$(ns_now)
  DAEMON_PID=""
  acct
  ROUND_CPU_TICKS=$((_cpu - c0))
  (( rc == 0 )) || say "note: the daemon exited $rc on SIGTERM in round $r" >&2
  # Stop the watcher: inotifywait (the stamping loop then sees end of input), or the polling loop.
  if [[ -n $iw_pid ]]; then
    kill_tree "$iw_pid" TERM
    wait "$iw_pid" 2>/dev/null || true
    forget_pid "$iw_pid"
  else
    kill_tree "$watch_pid" TERM
  fi
  wait "$watch_pid" 2>/dev/null || true
  forget_pid "$watch_pid"

  # The per-job figures below describe the default (native) daemon only.
  [[ -z ${DAEMON_CONVERTER:-} ]] && collect_jobs "$r" "$rdir" "$t0_us"
  rm -rf "$o" "$q"; sync
  ROUND_RESULT="$((t_end_us * 1000 - t0)) $((t_hb - t_launch)) $((t_serving - t_launch)) $((t_stop1 - t_stop0))"
}

# Per job: log times (ms), watcher times (µs) and result timings → one TSV line per job in $rdir/jobs.tsv:
# round job t_submit_ms t_start t_inspected t_converted t_validated t_completed t_qcow2 t_record
#   inspect convert after_convert 0 total qcow2_bytes   (all times in epoch ms)
collect_jobs() {
  local r=$1 rdir=$2 t0_us=$3 id f
  # Log lines: "<iso ts> INFO  QueueJob: job <id>: <event> ..."
  awk '$3 == "QueueJob:" && $4 == "job" {
         id = $5; sub(/:$/, "", id); ev = ""
         if ($6 == "converting") ev = "start"
         else if ($6 == "inspect" && $7 == "done:") ev = "inspected"
         else if ($6 == "convert" && $7 == "done:") ev = "converted"
         else if ($6 == "validate" && $7 == "done:") ev = "validated"
         else if ($6 == "completed" && $7 == "in") ev = "completed"
         if (ev != "") print $1, id, ev
       }' "$rdir/daemon.log" >"$rdir/log-events"
  cut -d ' ' -f 1 "$rdir/log-events" | date -f - +%s%3N >"$rdir/log-ms"
  paste -d ' ' "$rdir/log-ms" <(cut -d ' ' -f 2- "$rdir/log-events") >"$rdir/log-times"
  # Result timings from each job record.
  : >"$rdir/timings"
  while read -r id _; do
    f=$rdir/out/.jobs/$id.json
    awk -v id="$id" '
      /"timings_ms"[ ]*:/ { on = 1; next }
      on && /}/ { on = 0 }
      on { gsub(/[",]/, ""); split($0, kv, ":"); k = kv[1]; gsub(/ /, "", k); v = kv[2]; gsub(/ /, "", v); t[k] = v }
      END { printf "%s %s %s %s %s %s\n", id, t["inspect"], t["convert"], t["after_convert"], 0, t["total"] }' "$f" >>"$rdir/timings"
  done <"$rdir/map"
  # qcow2 sizes
  : >"$rdir/sizes"
  while read -r id vm; do echo "$id $(stat -c %s "$rdir/out/$vm.qcow2")" >>"$rdir/sizes"; done <"$rdir/map"
  awk -v r="$r" -v t0="$t0_us" -v fmap="$rdir/map" -v flog="$rdir/log-times" -v fev="$rdir/events" \
      -v ftm="$rdir/timings" -v fsz="$rdir/sizes" '
    FILENAME == fmap { vm[$1] = $2; order[++n] = $1; next }
    FILENAME == flog { lt[$2, $3] = $1; next }
    FILENAME == fev  { if ($2 == "qcow2") q[$3] = $1 / 1000.0; else if ($2 == "completed") rec[$3] = $1 / 1000.0; next }
    FILENAME == ftm  { tm[$1] = $2 " " $3 " " $4 " " $5 " " $6; next }
    FILENAME == fsz  { sz[$1] = $2; next }
    END {
      for (i = 1; i <= n; i++) {
        id = order[i]
        printf "%s\t%s\t%.3f\t%s\t%s\t%s\t%s\t%s\t%.3f\t%.3f\t%s\t%s\n", r, id, t0 / 1000.0,
          lt[id, "start"], lt[id, "inspected"], lt[id, "converted"], lt[id, "validated"], lt[id, "completed"],
          q[vm[id]], rec[id], tm[id], sz[id]
      }
    }' "$rdir/map" "$rdir/log-times" "$rdir/events" "$rdir/timings" "$rdir/sizes" |
    sed 's/ /\t/g' >"$rdir/jobs.tsv"
  # The cold-cache round measures reads only; its jobs stay out of the latency statistics.
  [[ $r == cold ]] || cat "$rdir/jobs.tsv" >>"$WORK/jobs.tsv"
}

# ---------------------------------------------------------------------------------------------------------
fmt_round() {  # round seq_ns par_ns daemon_ns hb_ns serving_ns stop_ns native_ns native_wall_ns cpu ticks: seq par native daemon
  awk -v mib="$TOTAL_MIB" -v n="$N" '{
    s = mib / ($2 / 1e9); p = mib / ($3 / 1e9); d = mib / ($4 / 1e9); v = mib / ($8 / 1e9)
    printf "%-5s | %7.3f s %7.1f MiB/s | %7.3f s %7.1f MiB/s | %7.3f s %7.1f MiB/s | %7.3f s %7.1f MiB/s | %5.2fx %5.2fx %5.2fx | %5.0f ms %4.0f ms\n",
      $1, $2 / 1e9, s, $3 / 1e9, p, $8 / 1e9, v, $4 / 1e9, d, v / s, d / s, d / p, $6 / 1e6, $7 / 1e6 }'
}

: >"$WORK/rounds"
: >"$WORK/jobs.tsv"
say "-- rounds (wall time for all $TOTAL_MIB MiB; MiB/s = virtual MiB / wall s) --"
printf '%-5s | %-23s | %-23s | %-23s | %-23s | %-19s | %s\n' round "qemu-img sequential" "qemu-img parallel-$N" \
  "native, sequential" "daemon, max_concurrent $N" "n/seq  d/seq  d/par" "daemon start/stop"
for ((r = 1; r <= ROUNDS; r++)); do
  time_baseline seq; seq_ns=$RESULT_NS; seq_cpu=$RESULT_CPU_TICKS
  time_baseline par; par_ns=$RESULT_NS; par_cpu=$RESULT_CPU_TICKS
  time_native "$([[ $r == 1 ]] && echo check)"; nat_ns=$RESULT_NS; nat_wall=$RESULT_WALL_NS; nat_cpu=$RESULT_CPU_TICKS
  mkdir -p "$WORK/round-$r"
  daemon_round "$r"
  read -r d_ns hb_ns serving_ns stop_ns <<<"$ROUND_RESULT"
  d_cpu=$ROUND_CPU_TICKS
  mkdir -p "$WORK/round-q$r"
  DAEMON_CONVERTER=qemu-img daemon_round "q$r"
  read -r dq_ns _ <<<"$ROUND_RESULT"
  line="$r $seq_ns $par_ns $d_ns $hb_ns $serving_ns $stop_ns $nat_ns $nat_wall $seq_cpu $par_cpu $nat_cpu $d_cpu $dq_ns $ROUND_CPU_TICKS"
  echo "$line" >>"$WORK/rounds"
  echo "$line" | fmt_round
  awk -v mib="$TOTAL_MIB" '{ printf "      | daemon with converter: qemu-img %7.3f s %7.1f MiB/s; native daemon / it %5.2fx\n", $14 / 1e9, mib / ($14 / 1e9), $14 / $4 }' <<<"$line"
done
say "(native = the conversions' time inside one JVM, without its start-up; round 1 checked every native qcow2 with"
say " qemu-img compare and check)"
say "(daemon start = launch until the heartbeat exists and the queue watch is registered; excluded from the"
say " daemon's wall time, which runs from the first submission to the last job record seen \"completed\")"
say ""

# ---------------------------------------------------------------------------------------------------------
# Statistics.
AWK_LIB='
function isort(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } }
function med(a, n) { isort(a, n); return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
function pct(a, n, p,   k) { isort(a, n); k = int(p / 100 * n); if (k < p / 100 * n) k++; if (k < 1) k = 1; return a[k] }
function mx(a, n,   i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
'
say "-- where the daemon's time goes (per job, median over $((ROUNDS * DISKS)) jobs; from the daemon's log and result.json timings_ms) --"
awk -F '\t' "$AWK_LIB"'
  { n++
    pre[n] = $5 - $4 - $11          # converting → inspect done, minus qemu-img info = manifest parse and checks
    ins[n] = $11; cv[n] = $12; va[n] = $13; dg[n] = $14; tot[n] = $15
    rest[n] = $15 - $11 - $12 - $13 - $14
    commit[n] = $8 - $7 - $14 - rest[n]     # validate done .. completed, minus digest and XML
    job[n] = $8 - $4
    if (!($1 in first) || $4 < first[$1]) first[$1] = $4
    sub_t[$1] = $3
    sumcv += $12; sumjob += $8 - $4; sumqc += $16
  }
  END {
    printf "  manifest parse + file checks (before inspect)         %7.0f ms\n", med(pre, n)
    printf "  inspect   (qemu-img info)                             %7.0f ms\n", med(ins, n)
    printf "  convert   (qemu-img convert; checks of finished disks and the source SHA-256 run beside it) %7.0f ms\n", med(cv, n)
    printf "  after the last qemu-img exits: last disk check, fsync, SHA-256, source SHA-256 %7.0f ms\n", med(va, n)
    printf "  rest of the runner (libvirt XML + its SHA-256)        %7.0f ms\n", med(rest, n)
    printf "  commit (result.json, journal, renames, job record)    %7.0f ms\n", med(commit, n)
    printf "  job total (\"converting\" .. \"completed\" log lines)     %7.0f ms\n", med(job, n)
    for (r in first) disp[++nr] = first[r] - sub_t[r]
    printf "  %-52s %8.0f ms\n", "first claim (submit .. first \"converting\" line)", med(disp, nr)
    printf "  qemu-img convert share of all job time: %.0f %% (sum convert %.1f s / sum job %.1f s); mean qcow2 %.1f MiB\n",
      100 * sumcv / sumjob, sumcv / 1000, sumjob / 1000, sumqc / n / 1048576
  }' "$WORK/jobs.tsv"
say ""

say "-- finality latency (per job, $((ROUNDS * DISKS)) jobs) --"
FINALITY=$(awk -F '\t' "$AWK_LIB"'
  { n++
    vis[n] = $9 - $6       # qcow2 visible under its final name − "convert done" log line
    rec[n] = $10 - $6      # job record "completed" − "convert done"
    post[n] = $13 + $14    # after_convert from timings_ms
    if ($9 - $6 < 0) neg++
  }
  END {
    printf "%.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %d\n", med(vis, n), pct(vis, n, 90), mx(vis, n),
      med(rec, n), pct(rec, n, 90), mx(rec, n), med(post, n), pct(post, n, 90), mx(post, n), neg
  }' "$WORK/jobs.tsv")
read -r vis50 vis90 vismax rec50 rec90 recmax post50 post90 postmax neg <<<"$FINALITY"
printf '  %-58s p50 %5s ms  p90 %5s ms  max %5s ms\n' \
  "<vm>.qcow2 visible - \"convert done\" (outside view)" "$vis50" "$vis90" "$vismax" \
  ".jobs/<id>.json completed - \"convert done\"" "$rec50" "$rec90" "$recmax" \
  "in-daemon wait after convert (timings_ms.after_convert)" "$post50" "$post90" "$postmax"
say "  included between qemu-img's exit and the final name: whatever of the background checks is left (qemu-img"
say "  check, fsync and SHA-256 of the last qcow2, the source SHA-256 that runs beside the conversion), the libvirt"
say "  XML, result.json and the commit journal (each written to a temp file, fsync'd, renamed), the renames and a"
say "  directory fsync; the job record adds one more fsync'd write and the manifest move. \"convert done\" is the daemon's log stamp (ms) taken after qemu-img exited"
say "  and its pipes were drained; visibility is stamped by the benchmark's $WATCH_MODE watcher ($([[ $WATCH_MODE == poll ]] && echo "+0..5 ms polling" || echo "inotify event read by bash"))."
(( neg == 0 )) || say "  note: $neg job(s) had the qcow2 stamped before the log line (clock/log granularity)"
say ""

# ---------------------------------------------------------------------------------------------------------
if [[ $COLD == 1 ]]; then
  say "-- cold cache: page cache dropped before each path; bytes read from storage per byte of source VMDK --"
  time_baseline seq cold; cold_seq=$RESULT_READ
  time_native cold; cold_nat=$RESULT_READ
  mkdir -p "$WORK/round-cold"
  daemon_round cold cold; cold_d=$ROUND_READ
  COLD_SUMMARY=$(awk -v src="$SRC_BYTES" -v a="$cold_seq" -v b="$cold_nat" -v c="$cold_d" \
    'BEGIN { printf "%.3f %.3f %.3f\n", a / src, b / src, c / src }')
  read -r rd_seq rd_nat rd_d <<<"$COLD_SUMMARY"
  printf '  %-40s %8s bytes/byte\n' "qemu-img sequential" "$rd_seq" "native, sequential" "$rd_nat" \
    "daemon (max_concurrent $N, checksums $([[ $CHECKSUM == 1 ]] && echo on || echo off))" "$rd_d"
  say "  (read_bytes of /proc/PID/io: qemu-img as the shell's reaped children; the native JVM around its conversions,"
  say "   caches dropped once it is up; the daemon and its reaped children from submission to the last job, which"
  say "   includes the classes it loads for its first jobs)"
  say ""
fi

say "== summary (median of $ROUNDS rounds; $DISKS x $DISK_MIB MiB, max_concurrent $N) =="
SUMMARY=$(awk "$AWK_LIB"'
  { n++; s[n] = mib / ($2 / 1e9); p[n] = mib / ($3 / 1e9); d[n] = mib / ($4 / 1e9); hb[n] = $5 / 1e6; sv[n] = $6 / 1e6; st[n] = $7 / 1e6
    v[n] = mib / ($8 / 1e9); vw[n] = mib / ($9 / 1e9)
    gib = mib / 1024; cs[n] = $10 / tck / gib; cp[n] = $11 / tck / gib; cv[n] = $12 / tck / gib; cd[n] = $13 / tck / gib
    q[n] = mib / ($14 / 1e9); cq[n] = $15 / tck / gib }
  END { ms = med(s, n); mp = med(p, n); md = med(d, n); mv = med(v, n)
        mq = med(q, n)
        printf "%.1f %.1f %.1f %.3f %.3f %.0f %.0f %.0f %.1f %.1f %.3f %.2f %.2f %.2f %.2f %.1f %.3f %.2f\n", ms, mp, md, md / ms, md / mp,
          med(hb, n), med(sv, n), med(st, n), mv, med(vw, n), mv / ms, med(cs, n), med(cp, n), med(cv, n), med(cd, n),
          mq, md / mq, med(cq, n) }' \
  mib="$TOTAL_MIB" tck="$CLK_TCK" "$WORK/rounds")
read -r m_seq m_par m_d r_seq r_par m_hb m_sv m_stop m_nat m_natw r_nat c_seq c_par c_nat c_d m_dq r_dq c_dq <<<"$SUMMARY"
mark() { awk -v v="$1" -v t="$2" -v lt="${3:-0}" 'BEGIN { if (lt ? v <= t : v >= t) print "meets target"; else print "BELOW target" }'; }
printf '  %-40s %8s MiB/s  %6s CPU s/GiB\n' "qemu-img sequential" "$m_seq" "$c_seq" \
  "qemu-img parallel-$N (xargs -P $N)" "$m_par" "$c_par" "native, sequential" "$m_nat" "$c_nat" \
  "daemon (max_concurrent $N)" "$m_d" "$c_d" "daemon, converter: qemu-img" "$m_dq" "$c_dq"
printf '  %-40s %8s MiB/s  (with the JVM start-up)\n' "native, sequential, whole process" "$m_natw"
printf '  %-40s %8s x   (target >= %s: %s)\n' "native / qemu-img sequential" "$r_nat" "$TARGET_NATIVE" \
  "$(mark "$r_nat" "$TARGET_NATIVE")"
printf '  %-40s %8s x\n' "daemon / qemu-img sequential" "$r_seq"
printf '  %-40s %8s x   (above 1: the native default is faster than the converter it replaced)\n' \
  "daemon native / daemon qemu-img" "$r_dq"
printf '  %-40s %8s x   (target >= %s: %s)\n' "daemon / qemu-img parallel-$N" "$r_par" "$TARGET_PAR" \
  "$(mark "$r_par" "$TARGET_PAR")"
printf '  %-40s %8s ms  p90 %s ms, max %s ms (target <= %s ms: %s)\n' "qcow2 visible after convert done, p50" \
  "$vis50" "$vis90" "$vismax" "$TARGET_VISIBLE_MS" "$(mark "$vismax" "$TARGET_VISIBLE_MS" 1) at max"
if [[ $COLD == 1 ]]; then
  printf '  %-40s %8s     (target <= %s: %s); qemu-img sequential %s, daemon %s\n' \
    "cold cache: native, bytes read per byte" "$rd_nat" "$TARGET_READ" "$(mark "$rd_nat" "$TARGET_READ" 1)" "$rd_seq" "$rd_d"
  printf '  %-40s %8s     (target <= %s: %s)\n' "cold cache: daemon, bytes read per byte" "$rd_d" "$TARGET_READ" \
    "$(mark "$rd_d" "$TARGET_READ" 1)"
fi
printf '  %-40s %8s ms  (heartbeat + queue watch; serving after %s ms; not in the wall time)\n' \
  "daemon JVM start-up" "$m_hb" "$m_sv"
printf '  %-40s %8s ms\n' "daemon stop on SIGTERM (idle)" "$m_stop"
say "  CPU s/GiB: user + system seconds of all processes of the path per GiB of virtual disk; the daemon's includes"
say "  its JVM start-up and idle time. GiB and MiB/s count virtual size."
say "  notes: plain qemu-img leaves its output in the page cache (no fsync, no check, no hash); the daemon"
say "  also verifies each source's SHA-256$([[ $CHECKSUM == 1 ]] || echo " (disabled here: BENCH_CHECKSUM=0)"), runs qemu-img info and check, fsyncs and hashes each qcow2."
say "  Sources are in the page cache for every run (generated just before). Load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)."
exit 0
