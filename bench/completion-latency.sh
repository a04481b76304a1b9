#!/usr/bin/env bash
# Daemon-mode completion latency: how long after the daemon's final job record appears the exporter side
# (AwaitResultStep) reports success, with file-system notifications and with polling every 5 s; optionally
# end to end with the real hyperconvert daemon and bin/hyperexport. See bench/README.md.
#
# Builds the project (mvn -DskipTests package), then runs bench/CompletionLatency.java on the pipeline
# module's class path. Environment (defaults): BENCH_NOTIFY_ROUNDS (20), BENCH_POLL_ROUNDS (10),
# BENCH_WARMUP_ROUNDS (2), BENCH_DELAY_MAX_MS (2000), BENCH_POLL_INTERVAL_MS (5000), BENCH_CONTROL_ROUNDS (20),
# BENCH_E2E_ROUNDS (5, 0 skips), BENCH_MAX_RENAME_MS (5), BENCH_TMPDIR ($TMPDIR or /tmp), BENCH_MVN_FLAGS (extra Maven flags, e.g. -o),
# BENCH_JAVA_OPTS (extra JVM flags).
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_packages javac:openjdk-17-jdk-headless mvn:maven
if [[ ${BENCH_E2E_ROUNDS:-5} != 0 ]]; then
  ensure_packages qemu-img:qemu-utils
fi
cd "$ROOT"

# One Maven run builds every module (the end-to-end phase needs bin/hyperconvert and bin/hyperexport) and
# writes each module's third-party class path to MODULE/target/completion-latency.classpath; the project's own
# modules are added below from their jars. (dependency:build-classpath -pl pipeline alone would need the
# modules installed in ~/.m2; in the same reactor run they resolve from the build.)
echo "building (mvn -DskipTests package)..." >&2
# shellcheck disable=SC2086
mvn -B -q ${BENCH_MVN_FLAGS:-} -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/completion-latency.classpath -DincludeScope=runtime -DexcludeGroupIds=io.hypersdk

cp=$(<pipeline/target/completion-latency.classpath)
for module in pipeline convert queue manifest; do
  jar=
  for j in "$module"/target/hypersdk-"$module"-*.jar; do
    [[ -f $j && $j != *-tests.jar && $j != *-sources.jar ]] && jar=$ROOT/$j
  done
  if [[ -z $jar ]]; then
    echo "completion-latency: the build left no jar in $module/target" >&2
    exit 6
  fi
  cp="$jar${cp:+:$cp}"
done

export BENCH_ROOT=$ROOT
# shellcheck disable=SC2086
exec java ${BENCH_JAVA_OPTS:-} -cp "$cp" "$ROOT/bench/CompletionLatency.java" "$@"
