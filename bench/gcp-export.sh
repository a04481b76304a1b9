#!/usr/bin/env bash
# GCP export throughput: the gcp provider's export (snapshots, images, the image-export build, then the staged
# qcow2 objects read in parallel ranges with the object's CRC32C checked and the disk's SHA-256 while writing)
# against curl fetching the same objects in the same ranges with the same parallelism from the same server, in the
# same run. The fixture runs in its own process: WireMock as Compute and Cloud Build, Cloud Storage on a lean JDK
# HttpServer that serves both sides. See bench/README.md.
#
# Runs bench/GcpExport.java through bench/provider-export.sh: two dense 1 GiB disks staged as qcow2, project and
# curl rounds alternating, MiB/s and CPU s/GiB, medians and the ratio. Environment (defaults): BENCH_ROUNDS (3), BENCH_PARALLEL
# (8, the provider's default), BENCH_MIB (1024: MiB of data per disk, so the size of each staged object), and
# provider-export.sh's BENCH_TMPDIR, BENCH_MVN_FLAGS, BENCH_JAVA_OPTS.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_packages javac:openjdk-17-jdk-headless mvn:maven curl:curl qemu-img:qemu-utils
exec "$ROOT/bench/provider-export.sh" gcp GcpExport.java
