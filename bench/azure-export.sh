#!/usr/bin/env bash
# Azure export throughput: the azure provider's export (snapshot, grant, Get Page Ranges, parallel 4 MiB ranged
# GETs with each range's Content-MD5 checked, the disk's SHA-256 while writing) with WireMock answering as ARM and
# Azurite 3.35.0 (npm) serving the page blobs, against curl fetching the same ranges through the same SAS URLs
# with the same parallelism, in the same run. See bench/README.md.
#
# Runs bench/AzureExport.java through bench/provider-export.sh: two dense disks (BENCH_DISK_MIB each, 4 MiB
# ranges), project and curl rounds alternating, MiB/s, medians and the ratio. Environment (defaults): BENCH_ROUNDS
# (3), BENCH_PARALLEL (8, the provider's default), BENCH_DISK_MIB (256), and provider-export.sh's BENCH_TMPDIR,
# BENCH_MVN_FLAGS, BENCH_JAVA_OPTS.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_packages javac:openjdk-17-jdk-headless mvn:maven curl:curl npm:npm
exec "$ROOT/bench/provider-export.sh" azure AzureExport.java
