#!/usr/bin/env bash
# Side-by-side, on the same warm files, in one run:
#   coroner report -> HTML            (the whole job)
#   rg -c -f PATTERNS over the logs   (the log part, with coroner's own signatures)
#   jq over the JSON                  (unhealthy pods, Warning events, bad node conditions)
#   cat of every file                 (the cost of reading the bytes)
#   coroner inspect                   (ingest, index and SHA-256 of every file)
# Prints wall time and peak memory of each (median of RUNS interleaved rounds)
# and the ratios the issues set targets for.
#
# Usage: benches/compare.sh [medium|large|small] [RUNS]
# Needs: rg (cargo install ripgrep), jq, GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-medium}
runs=${2:-5}
dump=target/bench-dumps/$size
cargo build --release --quiet --bin coroner --example synth --example logscan
if [ ! -e "target/bench-dumps/$size.done" ]; then
  rm -rf "$dump"; mkdir -p target/bench-dumps
  target/release/examples/synth "$size" "$dump"
  touch "target/bench-dumps/$size.done"
fi
for tool in rg jq /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
target/release/coroner signatures --format rg > "$work/patterns"
cat > "$work/unhealthy.jq" <<'JQ'
# Unhealthy pods, Warning events and bad node conditions: what a person
# would script today over a dump.
if .kind == "PodList" then
  .items[]? | select(.status.phase != "Succeeded") |
  select((.status.phase != "Running") or ([.status.containerStatuses[]? | select(.ready | not)] | length > 0)) |
  {pod: "\(.metadata.namespace)/\(.metadata.name)", phase: .status.phase,
   waiting: [.status.containerStatuses[]?.state.waiting.reason // empty],
   restarts: ([.status.containerStatuses[]?.restartCount] | add)}
elif .kind == "EventList" then
  .items[]? | select(.type == "Warning") | {object: "\(.involvedObject.kind)/\(.involvedObject.name)", reason, message, count}
elif .kind == "NodeList" then
  .items[]? | . as $n | .status.conditions[]? |
  select((.type == "Ready" and .status != "True") or (.type != "Ready" and .status == "True")) |
  {node: $n.metadata.name, type, status, reason}
else empty end
JQ
find "$dump" -name logs.txt > "$work/logs"
find "$dump" -name '*.json' > "$work/json"
find "$dump" -type f > "$work/all"
# Warm the page cache.
xargs cat < "$work/all" > /dev/null

# This machine's speed drifts by up to 20% from one minute to the next, so
# the tools are interleaved: each round runs every command once, and a
# ratio is the median of its per-round ratios (both sides measured within
# seconds of each other), not a ratio of medians taken minutes apart.
names=(cat rg jq inspect report)
run_one() { # name -> prints "wall maxrss_kb"
  case $1 in
    cat) set -- sh -c "xargs cat < '$work/all'" ;;
    rg) set -- sh -c "xargs rg -c -f '$work/patterns' < '$work/logs'" ;;
    jq) set -- sh -c "xargs jq -c -f '$work/unhealthy.jq' < '$work/json'" ;;
    inspect) set -- target/release/coroner inspect "$dump" ;;
    report) set -- target/release/coroner report "$dump" -o "$work/report.html" ;;
  esac
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" > /dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  cat "$work/t"
}
echo "dump: $dump ($(du -sh "$dump" | cut -f1)), $(wc -l < "$work/logs") log files, $(nproc) cores, $runs interleaved rounds"
for _ in $(seq "$runs"); do
  for n in "${names[@]}"; do
    read -r t m < <(run_one "$n")
    echo "$t" >> "$work/$n.ts"; echo "$m" >> "$work/$n.ms"
  done
done
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for n in "${names[@]}"; do
  printf '%-22s %8.3f s %8d MB\n' "$n" "$(median < "$work/$n.ts")" "$(( $(sort -n "$work/$n.ms" | tail -1) / 1024 ))"
done
scan=$(target/release/examples/logscan "$dump" "$runs")
printf '%-22s %8.3f s   (log scan alone, inside coroner, median)\n' "logscan" "$scan"
# Per-round ratios; their median.
ratio() { # numerator file, denominator files... (summed)
  local num=$1; shift
  local files=("$work/$num.ts") d
  for d in "$@"; do files+=("$work/$d.ts"); done
  paste "${files[@]}" | awk '{d = 0; for (i = 2; i <= NF; i++) d += $i; print $1 / d}' | median
}
printf 'report / (rg + jq) = %.2f   (target <= 0.6; median of per-round ratios)\n' "$(ratio report rg jq)"
printf 'logscan / rg       = %.2f   (target <= 1.2)\n' "$(awk -v a="$scan" -v b="$(median < "$work/rg.ts")" 'BEGIN { print a / b }')"
printf 'report / cat       = %.2f\n' "$(ratio report cat)"
printf 'inspect / cat      = %.2f\n' "$(ratio inspect cat)"
