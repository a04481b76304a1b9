#!/usr/bin/env bash
# vSphere export throughput: the provider's NFC export (sha256 while streaming) from VMware's vcsim
# simulator against curl downloading the same lease URLs with the same parallelism, in the same run; then the
# streaming export (native converter on the NFC stream) against export-then-qemu-img-convert: wall time, CPU
# seconds per GiB and peak disk usage. See bench/README.md.
#
# Builds the vsphere provider and its test helpers (mvn -DskipTests package -pl providers/vsphere,diskimage -am), makes
# two streamOptimized VMDKs with qemu-img (random data in regions), then runs bench/VsphereExport.java on the
# module's test class path; it starts the simulator (the Vcsim test helper), alternates project and curl
# rounds and prints MiB/s, medians and the ratio. Environment (defaults): BENCH_ROUNDS (3), BENCH_PARALLEL (3,
# the provider's default), BENCH_DISK_MIB (384, virtual size of each disk), BENCH_RANDOM_MIB (64, size of each
# of the 3 random regions per disk), BENCH_CURL_SHA (1: also time curl + fsync and curl | tee | sha256sum + fsync), BENCH_TMPDIR
# ($TMPDIR or /var/tmp), BENCH_MVN_FLAGS (extra Maven flags, e.g. -o), BENCH_JAVA_OPTS (extra JVM flags).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_packages javac:openjdk-17-jdk-headless mvn:maven qemu-img:qemu-utils curl:curl go:golang-go
if [[ ! -d /usr/share/gocode/src/github.com/vmware/govmomi/simulator ]]; then
  ensure_packages /usr/share/gocode/src/github.com/vmware/govmomi/simulator:golang-github-vmware-govmomi-dev
fi
cd "$ROOT"

disk_mib=${BENCH_DISK_MIB:-384}
region_mib=${BENCH_RANDOM_MIB:-64}
if (( disk_mib < 4 * region_mib )); then
  echo "vsphere-export: BENCH_DISK_MIB ($disk_mib) must be at least 4 x BENCH_RANDOM_MIB ($region_mib)" >&2
  exit 2
fi

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/var/tmp}}/vsphere-export.XXXXXX")
java_pid=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $java_pid ]] && kill -0 "$java_pid" 2>/dev/null; then
    kill "$java_pid" 2>/dev/null || true   # the simulator exits when the JVM's pipe to it closes
    wait "$java_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "building (mvn -DskipTests package -pl providers/vsphere,diskimage -am)..." >&2
# shellcheck disable=SC2086
mvn -B -q -Dstyle.color=never ${BENCH_MVN_FLAGS:-} -DskipTests package -pl providers/vsphere,diskimage -am dependency:build-classpath \
  -Dmdep.outputFile=target/vsphere-export.classpath -DincludeScope=test -DexcludeGroupIds=io.hypersdk

cp=$(<providers/vsphere/target/vsphere-export.classpath)
for jar in providers/vsphere/target/hypersdk-provider-vsphere-*.jar providers/spi/target/hypersdk-provider-spi-*.jar \
    convert/target/hypersdk-convert-*.jar manifest/target/hypersdk-manifest-*.jar queue/target/hypersdk-queue-*.jar \
    diskimage/target/hypersdk-diskimage-*.jar test-support/target/hypersdk-test-support-*.jar; do
  [[ -f $jar && $jar != *-sources.jar ]] && cp="$ROOT/$jar:$cp"
done
[[ $cp == *hypersdk-provider-vsphere-*-tests.jar* ]] || { echo "vsphere-export: no vsphere test jar was built" >&2; exit 6; }

# Two disks: 3 regions of random data each (incompressible, so the VMDKs stay big), zeros in between.
echo "making 2 disks of $disk_mib MiB with 3 x $region_mib MiB random data (qemu-img, streamOptimized)..." >&2
vmdks=()
for i in 1 2; do
  raw=$work/disk$i.raw
  truncate -s "${disk_mib}M" "$raw"
  for r in 0 1 2; do
    dd if=/dev/urandom of="$raw" bs=1M count="$region_mib" seek=$(( r * disk_mib / 3 + i )) conv=notrunc status=none
  done
  qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$raw" "$work/disk$i.vmdk"
  rm -f "$raw"
  vmdks+=("$work/disk$i.vmdk")
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs" >&2
# TMPDIR: the simulator's datastores go into the work dir too, so they are removed with it whatever happens.
# shellcheck disable=SC2086
BENCH_WORK=$work BENCH_DISK_MIB=$disk_mib TMPDIR=$work \
  java ${BENCH_JAVA_OPTS:-} -cp "$cp" "$ROOT/bench/VsphereExport.java" "${vmdks[@]}" &
java_pid=$!
rc=0
wait "$java_pid" || rc=$?
java_pid=
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exit "$rc"
