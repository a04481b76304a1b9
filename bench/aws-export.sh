#!/usr/bin/env bash
# AWS export throughput: the aws provider's EBS direct export (each block's SHA-256 checked, the disk's SHA-256
# while writing) from WireMock answering as EC2 and EBS, against curl fetching the same blocks from the same
# server with the same parallelism, in the same run. See bench/README.md.
#
# Builds the aws provider and its test fixture (mvn -DskipTests package -pl providers/aws -am), then runs
# bench/AwsExport.java on the module's test class path: two dense 1 GiB volumes (2048 blocks of 512 KiB each),
# project and curl rounds alternating, MiB/s, medians and the ratio. Environment (defaults): BENCH_ROUNDS (3),
# BENCH_PARALLEL (8, the provider's default), BENCH_TMPDIR ($TMPDIR or /var/tmp), BENCH_MVN_FLAGS (extra Maven
# flags, e.g. -o), BENCH_JAVA_OPTS (extra JVM flags).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_packages javac:openjdk-17-jdk-headless mvn:maven curl:curl
cd "$ROOT"

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/var/tmp}}/aws-export.XXXXXX")
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

echo "building (mvn -DskipTests package -pl providers/aws -am)..." >&2
# shellcheck disable=SC2086
mvn -B -q -Dstyle.color=never ${BENCH_MVN_FLAGS:-} -DskipTests package -pl providers/aws -am dependency:build-classpath \
  -Dmdep.outputFile=target/aws-export.classpath -DincludeScope=test -DexcludeGroupIds=io.hypersdk

cp=$(<providers/aws/target/aws-export.classpath)
for jar in providers/aws/target/hypersdk-provider-aws-*.jar providers/spi/target/hypersdk-provider-spi-*.jar \
    manifest/target/hypersdk-manifest-*.jar; do
  [[ -f $jar && $jar != *-sources.jar ]] && cp="$ROOT/$jar:$cp"
done
[[ $cp == *hypersdk-provider-aws-*-tests.jar* ]] || { echo "aws-export: no aws test jar was built" >&2; exit 6; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs" >&2
# shellcheck disable=SC2086
BENCH_WORK=$work java ${BENCH_JAVA_OPTS:-} -cp "$cp" "$ROOT/bench/AwsExport.java" &
java_pid=$!
rc=0
wait "$java_pid" || rc=$?
java_pid=
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exit "$rc"
