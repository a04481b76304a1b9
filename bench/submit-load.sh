#!/usr/bin/env bash
# hypervisord submission load: 1,000 submissions over loopback from 16 concurrent clients, checked for lost or
# duplicated jobs, beside the same load on GET /health as the baseline. See bench/README.md.
# Environment (defaults): BENCH_SUBMISSIONS (1000), BENCH_CLIENTS (16), BENCH_MAX_JOBS (2: jobs run while the
# load goes on, as in real use; each exports a missing VM and fails at once).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_packages javac:openjdk-17-jdk-headless mvn:maven
cd "$ROOT"
[[ -f apps/hypervisord/target/hypervisord.jar ]] || build_project

work=$(mktemp -d "${TMPDIR:-/tmp}/hypervisord-bench.XXXXXX")
pid=
cleanup() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A free loopback port: ask the kernel for one through bash's /dev/tcp is not possible, so try a few.
port=
for candidate in $(shuf -i 20000-60000 -n 20); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
    port=$candidate
    break
  fi
done
[[ -n $port ]] || { echo "submit-load: no free port found" >&2; exit 6; }

token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
# The token goes through the environment, never the command line (process listings show arguments).
HYPERVISORD_API_TOKEN=$token bin/hypervisord --listen "127.0.0.1:$port" --data-dir "$work/data" \
  --max-concurrent-jobs "${BENCH_MAX_JOBS:-2}" --hyper2kvm-config-dir "$work/etc" >"$work/hypervisord.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  grep -q "listening on" "$work/hypervisord.log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/hypervisord.log" >&2; exit 1; }
  sleep 0.1
done

echo "hypervisord on 127.0.0.1:$port, ${BENCH_SUBMISSIONS:-1000} submissions from ${BENCH_CLIENTS:-16} clients" \
  "(up to ${BENCH_MAX_JOBS:-2} jobs running meanwhile); $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
java bench/SubmitLoad.java "http://127.0.0.1:$port" "$token" "${BENCH_SUBMISSIONS:-1000}" "${BENCH_CLIENTS:-16}" \
  "$work/no-such-vm.ova" "$work/out" || status=$?
if grep -q "$token" "$work/hypervisord.log"; then
  echo "submit-load: the API token appears in hypervisord's log" >&2
  status=1
fi
exit $status
