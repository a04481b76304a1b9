#!/usr/bin/env bash
# AWS export throughput: the aws provider's EBS direct export (each block's SHA-256 checked, the disk's SHA-256
# while writing) from WireMock answering as EC2 and EBS, against curl fetching the same blocks from the same
# server with the same parallelism, in the same run. See bench/README.md.
#
# Runs bench/AwsExport.java through bench/provider-export.sh: two dense 1 GiB volumes (2048 blocks of 512 KiB
# each), project and curl rounds alternating, MiB/s, medians and the ratio. Environment (defaults): BENCH_ROUNDS
# (3), BENCH_PARALLEL (8, the provider's default), and provider-export.sh's BENCH_TMPDIR, BENCH_MVN_FLAGS,
# BENCH_JAVA_OPTS.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_packages javac:openjdk-17-jdk-headless mvn:maven curl:curl
exec "$ROOT/bench/provider-export.sh" aws AwsExport.java
