#!/usr/bin/env bash
# Guest conversion: time from the test guest's OVA to a qcow2 that passes the boot check, ours against
# virt-v2v, on the same OVA in the same run. See bench/README.md.
#
#   ours:     bin/hyperexport --provider local --vm OVA --pipeline --boot-check on   (direct mode: export,
#             convert, the fix stage, validate, the boot check)
#   virt-v2v: virt-v2v -i ova OVA -o local -os DIR -of qcow2, then bin/hyperconvert boot-check on its domain
#
# Both outputs are boot-checked by the same code (hyperconvert's boot check). Prints, per side, the time to
# the converted qcow2 and domain, the boot check's time and the total; the ratios ours / virt-v2v of the
# conversion (target <= 1.0) and of the totals; both boot results; our fix stage's own time and each of its
# steps (result.json timings_ms) and the libguestfs appliance start (guestfish -a /dev/null run) under the
# accelerator in use.
# Environment (defaults): BENCH_FIRMWARE (bios; or uefi), BENCH_TMPDIR (/var/tmp: virt-v2v needs 1 GiB
# there), BENCH_MVN_FLAGS (extra Maven flags, e.g. -o), BENCH_BUILD (1; 0 uses the jars already built),
# BENCH_BOOT_TIMEOUT (600 s). Needs root (the guest
# build). Exits non-zero only when it cannot run; a missed target or a failed boot is reported, not fatal.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/lib.sh"
ensure_packages javac:openjdk-17-jdk-headless mvn:maven qemu-img:qemu-utils virt-v2v:virt-v2v jq:jq \
  guestfish:libguestfs-tools qemu-system-x86_64:qemu-system-x86 nbdkit:nbdkit
cd "$ROOT"

firmware=${BENCH_FIRMWARE:-bios}
boot_timeout=${BENCH_BOOT_TIMEOUT:-600}
tmp=${BENCH_TMPDIR:-/var/tmp}
if (( $(df -Pk "$tmp" | awk 'NR==2 {print $4}') < 1048576 )); then
  echo "guest-conversion: virt-v2v needs 1 GiB free in $tmp" >&2
  exit 2
fi
work=$(mktemp -d "$tmp/guest-conversion.XXXXXX")
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

echo "building the test guest (tests/guest/build-guest.sh, cached)..." >&2
guest=$(bash tests/guest/build-guest.sh | tail -1)
ova=$guest/$firmware/hypersdk-guest.ova
vm=hypersdk-guest-$firmware
if [[ ${BENCH_BUILD:-1} == 1 ]]; then
  echo "building hyperexport and hyperconvert (mvn -DskipTests package)..." >&2
  # shellcheck disable=SC2086
  mvn -B -q -Dstyle.color=never ${BENCH_MVN_FLAGS:-} -DskipTests package -pl apps/hyperexport,apps/hyperconvert -am
fi

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs" >&2

# --- ours -------------------------------------------------------------------------------------------------
mkdir -p "$work/ours"
t=$(now)
ours_rc=0
HYPER2KVM_CONFIG_DIR=$work/no-etc bin/hyperexport --provider local --vm "$ova" --output "$work/ours" --pipeline \
  --boot-check=on --boot-check-timeout "$boot_timeout" --json > "$work/ours.json" 2> "$work/ours.err" || ours_rc=$?
ours_wall=$(secs "$t" "$(now)")
result=$(find "$work/ours" -name "$vm.result.json" | head -1)
ours_boot=failed
fix_ms=
boot_ms=
fix_steps=
if [[ -n $result ]]; then
  ours_boot=$(jq -r '.boot_check.status // "none"' "$result")
  ours_boot_s=$(jq -r '.boot_check.boot_seconds // empty' "$result")
  ours_reason=$(jq -r '.boot_check.reason // empty' "$result")
  fix_ms=$(jq -r '.timings_ms.fix // empty' "$result")
  boot_ms=$(jq -r '.timings_ms.boot_check // empty' "$result")
  fix_steps=$(jq -r '.timings_ms | to_entries | map(select(.key | startswith("fix_")))
    | map("\(.key | ltrimstr("fix_")) \(.value / 1000 * 10 | round / 10) s") | join(", ")' "$result")
fi
# A failed job publishes no result.json: take the reason and the fix stage's time from hyperexport's --json.
if [[ -z $result ]]; then
  ours_reason=$(jq -r '.error // empty' "$work/ours.json" 2>/dev/null || true)
  fix_ms=$(jq -r '[.. | objects | .timings_ms? | objects | .fix? | numbers] | first // empty' "$work/ours.json" \
    2>/dev/null || true)
fi
# The boot check is the same code on both sides; the conversion is what is compared.
ours_convert=$(awk -v w="$ours_wall" -v b="${boot_ms:-0}" 'BEGIN { printf "%.1f", w - b / 1000 }')
ours_check=$(awk -v b="${boot_ms:-0}" 'BEGIN { printf "%.1f", b / 1000 }')
if (( ours_rc != 0 )) && [[ $ours_boot == passed ]]; then ours_boot="passed, but hyperexport exited $ours_rc"; fi

# virt-v2v and the appliance timing get the accelerator our converter chose (its probe: KVM only where it
# boots a kernel); libguestfs's default would hang or fail where KVM cannot boot one.
accel=$( [[ -n $result ]] && jq -r '.boot_check.accel // empty' "$result" || true)
export LIBGUESTFS_BACKEND=direct
if [[ $accel != kvm ]]; then
  export LIBGUESTFS_BACKEND_SETTINGS=force_tcg
  accel=tcg
fi
t=$(now)
guestfish -a /dev/null run
appliance=$(secs "$t" "$(now)")

# --- virt-v2v -----------------------------------------------------------------------------------------------
mkdir -p "$work/v2v"
t=$(now)
v2v_rc=0
virt-v2v -i ova "$ova" -o local -os "$work/v2v" -of qcow2 > "$work/v2v.log" 2>&1 || v2v_rc=$?
v2v_convert=$(secs "$t" "$(now)")
v2v_boot=failed
if (( v2v_rc == 0 )); then
  bin/hyperconvert boot-check --json --timeout "$boot_timeout" "$work/v2v/$vm.xml" > "$work/v2v-boot.json" 2>"$work/v2v-boot.err" || true
  v2v_boot=$(jq -r '.status // "none"' "$work/v2v-boot.json" 2>/dev/null || echo none)
  v2v_boot_s=$(jq -r '.boot_seconds // empty' "$work/v2v-boot.json" 2>/dev/null || true)
  v2v_reason=$(jq -r '.reason // empty' "$work/v2v-boot.json" 2>/dev/null || true)
else
  v2v_reason="virt-v2v exited $v2v_rc: $(tail -3 "$work/v2v.log" | tr '\n' ' ')"
fi
v2v_wall=$(secs "$t" "$(now)")

echo
echo "guest: $ova ($firmware, $(du -m "$ova" | cut -f1) MiB), accelerator $accel"
echo "libguestfs appliance start (guestfish -a /dev/null run): ${appliance} s"
printf '%-10s %10s %13s %9s  %s\n' "" "convert s" "boot check s" "total s" "boot check"
printf '%-10s %10s %13s %9s  %s\n' "ours" "$ours_convert" "$ours_check" "$ours_wall" \
  "$ours_boot${ours_boot_s:+ in ${ours_boot_s} s}${ours_reason:+ ($ours_reason)}"
printf '%-10s %10s %13s %9s  %s\n' "virt-v2v" "$v2v_convert" "$(secs "$v2v_convert" "$v2v_wall")" "$v2v_wall" \
  "$v2v_boot${v2v_boot_s:+ in ${v2v_boot_s} s}${v2v_reason:+ ($v2v_reason)}"
if [[ -n ${fix_ms:-} ]]; then
  echo "our fix stage: $(awk -v m="$fix_ms" 'BEGIN { printf "%.1f s", m / 1000 }')${fix_steps:+ ($fix_steps)}"
else
  echo "our fix stage: no timing in result.json"
fi
echo "ratio ours / virt-v2v, conversion: $(awk -v a="$ours_convert" -v b="$v2v_convert" \
  'BEGIN { printf "%.2f", a / b }') (target <= 1.00)"
echo "ratio ours / virt-v2v, conversion and boot check: $(awk -v a="$ours_wall" -v b="$v2v_wall" \
  'BEGIN { printf "%.2f", a / b }') (a boot check that fails ends early)"
if (( ours_rc != 0 )); then
  echo "hyperexport exited $ours_rc:"; tail -5 "$work/ours.err"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
