#!/bin/bash
# A hyper2kvm daemon that is not this project's: it follows only the design's contract (OUTPUT/VM.qcow2 on
# success, OUTPUT/VM.error on failure), keeps no job records, and writes its qcow2 in the ways real ones do.
# Serves one manifest, then exits.
#
# usage: foreign-hyper2kvm.sh MODE WATCH_DIR OUTPUT_DIR SOURCE_IMAGE PAUSE_SECONDS MARKER_DIR
#   SOURCE_IMAGE - converts the manifest's first disk
#   header-pause   writes the qcow2's first 64 KiB in place, pauses, then writes the rest
#   qemu-io-fixes  publishes the qcow2, then modifies it with qemu-io (holding qemu's image lock)
#   qemu-io-loop   the same with one short qemu-io run after another (the lock is free between two runs)
#   fd-fixes       publishes the qcow2, then holds it open for writing (no qemu lock), appending to it now and
#                  then (bytes past the image's end, which qemu ignores), and closes it after a last pause
#   truncated      publishes a truncated qcow2, pauses, then publishes VM.error
#   small          publishes a complete qcow2 whose virtual size is smaller than the source's
# LEAVE=1 leaves the manifest in the queue; LEAVE=rewrite rewrites it there (a daemon annotating it).
# MARKER_DIR/published and MARKER_DIR/complete are touched when the file is first published and when the
# daemon has finished with it.
set -euo pipefail
mode=$1 watch=$2 out=$3 source=$4 pause=$5 marker=$6

manifest=
until [ -n "$manifest" ]; do
  for f in "$watch"/*.json; do
    [ -f "$f" ] && manifest=$f && break
  done
  [ -n "$manifest" ] || sleep 0.05
done
vm=$(grep -o '"vm_name" *: *"[^"]*"' "$manifest" | sed 's/.*: *"\(.*\)"/\1/')
if [ "$source" = - ]; then
  source=$(grep -o '"local_path" *: *"[^"]*"' "$manifest" | head -1 | sed 's/.*: *"\(.*\)"/\1/')
fi
case "${LEAVE:-}" in
  1) ;;
  rewrite) sed 's/"manifest_version"/"annotated_by" : "foreign",\n  "manifest_version"/' "$manifest" > "$manifest.new"
           mv "$manifest.new" "$manifest" ;;
  *) mkdir -p "$watch/.done" && mv "$manifest" "$watch/.done/" ;;
esac

final="$out/$vm.qcow2"
work="$out/.$vm.work.qcow2"
qemu-img convert -O qcow2 "$source" "$work"
publish() { mv "$1" "$2"; touch "$marker/published"; }

case "$mode" in
  header-pause)
    head -c 65536 "$work" > "$final"
    touch "$marker/published"
    sleep "$pause"
    tail -c +65537 "$work" >> "$final"
    rm "$work" ;;
  qemu-io-fixes)
    publish "$work" "$final"
    ms=$(awk "BEGIN { print int($pause * 1000) }")
    qemu-io -f qcow2 -c 'write -P 0xaa 0 64k' -c "sleep $ms" -c 'write -P 0xbb 1M 64k' -c "sleep $ms" "$final" > /dev/null ;;
  qemu-io-loop)
    publish "$work" "$final"
    ms=$(awk "BEGIN { print int($pause * 1000 / 3) }")
    for pattern in 0xa1 0xa2 0xa3 0xa4 0xa5 0xa6; do
      qemu-io -f qcow2 -c "write -P $pattern 2M 64k" -c "sleep $ms" "$final" > /dev/null
    done ;;
  fd-fixes)
    publish "$work" "$final"
    exec 3>>"$final"
    for step in 1 2 3; do
      sleep "$(awk "BEGIN { print $pause / 3 }")"
      head -c 65536 /dev/zero >&3
    done
    sleep "$pause"
    exec 3>&- ;;
  truncated)
    head -c 65536 "$work" > "$work.cut"
    rm "$work"
    publish "$work.cut" "$final"
    sleep "$pause"
    printf 'conversion failed: no space left on device\ndetails follow\n' > "$out/.$vm.error.tmp"
    mv "$out/.$vm.error.tmp" "$out/$vm.error" ;;
  small)
    rm "$work"
    qemu-img create -q -f qcow2 "$work" 1M
    publish "$work" "$final" ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
touch "$marker/complete"
