#!/usr/bin/env bash
# Hyper-V export throughput: the hyperv provider's export (PowerShell over SSH, then parallel 8 MiB SFTP ranges,
# the disk's SHA-256 while writing) from the tests' in-process SSH server, against curl fetching the same files
# from the same server by the same ranges (sftp://, -r) with the same parallelism, in the same run. See
# bench/README.md.
#
# Runs bench/HyperVExport.java through bench/provider-export.sh: two dense VHDX files, project and curl rounds
# alternating, MiB/s, medians and the ratio. Environment (defaults): BENCH_ROUNDS (3), BENCH_PARALLEL (4, the
# provider's default), BENCH_DISK_MIB (256 per disk), and provider-export.sh's BENCH_TMPDIR,
# BENCH_MVN_FLAGS, BENCH_JAVA_OPTS.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_packages javac:openjdk-17-jdk-headless mvn:maven curl:curl
exec "$ROOT/bench/provider-export.sh" hyperv HyperVExport.java
