#!/usr/bin/env bash
# The export benchmarks' runner: bench/provider-export.sh PROVIDER MAIN.java builds providers/PROVIDER and its test
# fixture (mvn -DskipTests package -pl providers/PROVIDER -am), then runs bench/MAIN.java on the module's test class
# path with BENCH_WORK set to a temp dir it removes afterwards (its bin/ first on PATH, for stand-in tools such as
# the Azure CLI the azure fixture writes there). Called by the aws, azure, gcp and hyperv export benches; see
# bench/README.md.
# Environment: BENCH_TMPDIR ($TMPDIR or /var/tmp), BENCH_MVN_FLAGS (extra Maven flags, e.g. -o), BENCH_JAVA_OPTS
# (extra JVM flags), and what MAIN.java reads.
set -euo pipefail
provider=$1
main=$2
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$ROOT"

work=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/var/tmp}}/$provider-export.XXXXXX")
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

echo "building (mvn -DskipTests package -pl providers/$provider -am)..." >&2
# shellcheck disable=SC2086
mvn -B -q -Dstyle.color=never ${BENCH_MVN_FLAGS:-} -DskipTests package -pl "providers/$provider" -am \
  dependency:build-classpath -Dmdep.outputFile="target/$provider-export.classpath" -DincludeScope=test \
  -DexcludeGroupIds=io.hypersdk

cp=$(<"providers/$provider/target/$provider-export.classpath")
for jar in "providers/$provider/target/hypersdk-provider-$provider-"*.jar providers/spi/target/hypersdk-provider-spi-*.jar \
    manifest/target/hypersdk-manifest-*.jar test-support/target/hypersdk-test-support-*.jar \
    queue/target/hypersdk-queue-*.jar; do
  [[ -f $jar && $jar != *-sources.jar ]] && cp="$ROOT/$jar:$cp"
done
[[ $cp == *"hypersdk-provider-$provider-"*-tests.jar* ]] || {
  echo "$provider-export: no $provider test jar was built" >&2
  exit 6
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs" >&2
mkdir -p "$work/bin"
# shellcheck disable=SC2086
PATH="$work/bin:$PATH" BENCH_WORK=$work java ${BENCH_JAVA_OPTS:-} -cp "$cp" "$ROOT/bench/$main" &
java_pid=$!
rc=0
wait "$java_pid" || rc=$?
java_pid=
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exit "$rc"
