#!/usr/bin/env bash
# GCP export throughput: the gcp provider's export (snapshots, images, the image-export build, then the staged
# qcow2 objects read in parallel ranges with the object's CRC32C checked and the disk's SHA-256 while writing)
# from WireMock answering as Compute, Cloud Build and Cloud Storage, against curl fetching the same objects in the
# same ranges with the same parallelism from the same server, in the same run. See bench/README.md.
#
# Builds the gcp provider and its test fixture (mvn -DskipTests package -pl providers/gcp -am), then runs
# bench/GcpExport.java on the module's test class path: two dense 1 GiB disks staged as qcow2, project and curl
# rounds alternating, MiB/s, medians and the ratio. Environment (defaults): BENCH_ROUNDS (3), BENCH_PARALLEL (8,
# the provider's default), BENCH_MIB (1024: MiB of data per disk, so the size of each staged object), BENCH_TMPDIR ($TMPDIR or /var/tmp), BENCH_MVN_FLAGS (extra Maven flags, e.g. -o),
# BENCH_JAVA_OPTS (extra JVM flags).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_packages javac:openjdk-17-jdk-headless mvn:maven curl:curl qemu-img:qemu-utils
cd "$ROOT"

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/var/tmp}}/gcp-export.XXXXXX")
java_pid=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $java_pid ]] && kill -0 "$java_pid" 2>/dev/null; then
    kill "$java_pid" 2>/dev/null || true
    wait "$java_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "building (mvn -DskipTests package -pl providers/gcp -am)..." >&2
# shellcheck disable=SC2086
mvn -B -q -Dstyle.color=never ${BENCH_MVN_FLAGS:-} -DskipTests package -pl providers/gcp -am dependency:build-classpath \
  -Dmdep.outputFile=target/gcp-export.classpath -DincludeScope=test -DexcludeGroupIds=io.hypersdk

cp=$(<providers/gcp/target/gcp-export.classpath)
for jar in providers/gcp/target/hypersdk-provider-gcp-*.jar providers/spi/target/hypersdk-provider-spi-*.jar \
    manifest/target/hypersdk-manifest-*.jar test-support/target/hypersdk-test-support-*.jar; do
  [[ -f $jar && $jar != *-sources.jar ]] && cp="$ROOT/$jar:$cp"
done
[[ $cp == *hypersdk-provider-gcp-*-tests.jar* ]] || { echo "gcp-export: no gcp test jar was built" >&2; exit 6; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs" >&2
# shellcheck disable=SC2086
BENCH_WORK=$work java ${BENCH_JAVA_OPTS:-} -cp "$cp" "$ROOT/bench/GcpExport.java" &
java_pid=$!
rc=0
wait "$java_pid" || rc=$?
java_pid=
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exit "$rc"
