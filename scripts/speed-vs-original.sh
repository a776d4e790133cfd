#!/usr/bin/env bash
# Issue 16 asks for 2.5x more household-months per CPU-second than shequ did when the issue
# was filed (commit 5874ee1). Absolute figures depend on the machine (the original binary ran
# 1.7 times as fast on one 2-core VM as on another), so this script measures the ratio on the
# machine at hand: it builds that commit beside the current tree and runs the same `shequ
# bench` commands with both binaries, alternately, ROUNDS times (default 3), on the idle
# machine. It prints the medians and the ratios.
#
#   scripts/speed-vs-original.sh [ROUNDS]
#
# CPU time is user + system of each whole process (bash's `time`), the same method for both
# binaries (world generation included). Needs the git history (a full clone) and about 10
# minutes: two release builds, then about a minute per round. Writes only the two builds
# (target/release/, target/speed-original/) and a temporary directory it removes.
set -euo pipefail
cd "$(dirname "$0")/.."
readonly ORIGINAL=5874ee1
rounds=${1:-3}
case $rounds in
  '' | *[!0-9]* | 0) echo "speed-vs-original.sh: ROUNDS must be a whole number >= 1, not '$rounds'" >&2; exit 2 ;;
esac
if ! git cat-file -e "$ORIGINAL^{commit}" 2>/dev/null; then
  echo "speed-vs-original.sh: commit $ORIGINAL is not in this clone; it needs the whole history (git clone without --depth, or git fetch --unshallow)" >&2
  exit 2
fi
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The original's sources (its own scenarios: it does not read today's keys).
mkdir "$tmp/original"
git archive "$ORIGINAL" | tar -x -C "$tmp/original"
echo "building the original ($ORIGINAL) and the current tree, release..." >&2
(cd "$tmp/original" && CARGO_TARGET_DIR="$root/target/speed-original" cargo build --release --locked -q)
cargo build --release --locked -q
old="$root/target/speed-original/release/shequ"
new="$root/target/release/shequ"

# measure DIR BIN ARGS...: prints "wall cpu bytes_per_household" of one run from DIR.
measure() {
  local dir=$1
  shift
  local times
  times=$({ TIMEFORMAT='%R %U %S'; time (cd "$dir" && "$@" >"$tmp/out" 2>&1); } 2>&1) || {
    echo "speed-vs-original.sh: failed: $*" >&2
    cat "$tmp/out" >&2
    exit 1
  }
  local bytes
  bytes=$(grep -o '= [0-9.]* bytes per household' "$tmp/out" | tail -1 | awk '{print $2}')
  awk -v t="$times" -v b="${bytes:-nan}" 'BEGIN { split(t, x, " "); printf "%s %.3f %s\n", x[1], x[2] + x[3], b }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# name|households|arguments (the same for both binaries)
workloads=(
  "one community's work, 1 thread, emergencies off (100 communities of 2,500)|250000|--households 250000 --threads 1 --set mobilisation.typhoons_per_year=0"
  "city scale, all mechanisms, 2 threads|2000000|--households 2000000 --threads 2"
  "1,000 communities of 2,500, all mechanisms, 2 threads|2500000|--households 2500000 --threads 2"
)
echo "machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; load average at start: $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')"
for ((r = 1; r <= rounds; r++)); do
  for i in "${!workloads[@]}"; do
    IFS='|' read -r _ _ args <<<"${workloads[$i]}"
    read -ra a <<<"$args"
    measure "$tmp/original" "$old" bench "${a[@]}" >>"$tmp/old.$i"
    measure "$root" "$new" bench "${a[@]}" >>"$tmp/new.$i"
  done
  echo "round $r of $rounds done" >&2
done

months=240
printf '\n%-72s %12s %12s %7s\n' "workload (median of $rounds, each binary in turn)" "$ORIGINAL" "now" "ratio"
for i in "${!workloads[@]}"; do
  IFS='|' read -r name households _ <<<"${workloads[$i]}"
  hm=$((households * months))
  for which in old new; do
    cpu=$(awk '{print $2}' "$tmp/$which.$i" | median)
    wall=$(awk '{print $1}' "$tmp/$which.$i" | median)
    bytes=$(awk '{print $3}' "$tmp/$which.$i" | median)
    declare "${which}_rate=$(awk -v hm="$hm" -v c="$cpu" 'BEGIN { printf "%.1f", hm / c / 1e6 }')"
    declare "${which}_wall=$wall" "${which}_bytes=$bytes"
  done
  printf '%-72s %12s %12s %7s\n' "$name" "" "" ""
  printf '%-72s %12s %12s %6.2fx\n' "  M household-months per CPU-second" "$old_rate" "$new_rate" \
    "$(awk -v a="$old_rate" -v b="$new_rate" 'BEGIN { print b / a }')"
  printf '%-72s %12s %12s %6.2fx\n' "  wall seconds" "$old_wall" "$new_wall" \
    "$(awk -v a="$old_wall" -v b="$new_wall" 'BEGIN { print a / b }')"
  printf '%-72s %12s %12s\n' "  peak memory, bytes per household" "$old_bytes" "$new_bytes"
done
echo
echo "Issue 16 asks for 2.5x the original's household-months per CPU-second (ratio column; for wall"
echo "seconds the ratio is original / now). Raw runs (wall s, CPU s, bytes per household):"
for i in "${!workloads[@]}"; do
  echo "  workload $((i + 1)): original $(paste -sd';' "$tmp/old.$i") | now $(paste -sd';' "$tmp/new.$i")"
done
