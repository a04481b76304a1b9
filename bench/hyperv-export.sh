#!/usr/bin/env bash
# Hyper-V export throughput: the hyperv provider's export (PowerShell over SSH, then parallel 8 MiB SFTP ranges,
# the disk's SHA-256 while writing) from the tests' in-process SSH server, against curl fetching the same files
# from the same server by the same ranges (sftp://, -r) with the same parallelism, in the same run. See
# bench/README.md.
#
# Builds the hyperv provider and its test fixture (mvn -DskipTests package -pl providers/hyperv -am), then runs
# bench/HyperVExport.java on the module's test class path: two dense VHDX files, project and curl rounds
# alternating, MiB/s, medians and the ratio. Environment (defaults): BENCH_ROUNDS (3), BENCH_PARALLEL (4, the
# provider's default), BENCH_DISK_MIB (256 per disk), BENCH_TMPDIR ($TMPDIR or /var/tmp), BENCH_MVN_FLAGS (extra
# Maven flags, e.g. -o), BENCH_JAVA_OPTS (extra JVM flags).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_packages javac:openjdk-17-jdk-headless mvn:maven curl:curl qemu-img:qemu-utils
cd "$ROOT"

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/var/tmp}}/hyperv-export.XXXXXX")
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

echo "building (mvn -DskipTests package -pl providers/hyperv -am)..." >&2
# shellcheck disable=SC2086
mvn -B -q -Dstyle.color=never ${BENCH_MVN_FLAGS:-} -DskipTests package -pl providers/hyperv -am \
  dependency:build-classpath -Dmdep.outputFile=target/hyperv-export.classpath -DincludeScope=test \
  -DexcludeGroupIds=io.hypersdk

cp=$(<providers/hyperv/target/hyperv-export.classpath)
for jar in providers/hyperv/target/hypersdk-provider-hyperv-*.jar providers/spi/target/hypersdk-provider-spi-*.jar \
    manifest/target/hypersdk-manifest-*.jar test-support/target/hypersdk-test-support-*.jar \
    queue/target/hypersdk-queue-*.jar; do
  [[ -f $jar && $jar != *-sources.jar ]] && cp="$ROOT/$jar:$cp"
done
[[ $cp == *hypersdk-provider-hyperv-*-tests.jar* ]] || { echo "hyperv-export: no hyperv test jar was built" >&2; exit 6; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs" >&2
# shellcheck disable=SC2086
BENCH_WORK=$work java ${BENCH_JAVA_OPTS:-} -cp "$cp" "$ROOT/bench/HyperVExport.java" &
java_pid=$!
rc=0
wait "$java_pid" || rc=$?
java_pid=
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exit "$rc"
