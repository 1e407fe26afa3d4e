#!/usr/bin/env bash
# Side-by-side, on the same warm files, in one run:
#   coroner report -> HTML            (the whole job)
#   rg -c -f PATTERNS over the logs   (the log part, with coroner's own signatures)
#   jq over the JSON                  (unhealthy pods, Warning events, bad node conditions)
#   cat of every file                 (the cost of reading the bytes)
#   coroner inspect                   (ingest, index and SHA-256 of every file)
# Prints wall time and peak memory of each (median of RUNS runs) and the ratios
# the issues set targets for.
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

measure() { # name, command...
  local name=$1; shift
  local ts=() ms=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" > /dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    read -r t m < "$work/t"; ts+=("$t"); ms+=("$m")
  done
  local t m
  t=$(printf '%s\n' "${ts[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  m=$(printf '%s\n' "${ms[@]}" | sort -n | tail -1)
  printf '%-22s %8.3f s %8d MB\n' "$name" "$t" "$((m / 1024))"
  echo "$t" > "$work/$name.t"
}
echo "dump: $dump ($(du -sh "$dump" | cut -f1)), $(wc -l < "$work/logs") log files, $(nproc) cores, median of $runs runs"
measure cat       sh -c "xargs cat < '$work/all'"
measure rg        sh -c "xargs rg -c -f '$work/patterns' < '$work/logs'"
measure jq        sh -c "xargs jq -c -f '$work/unhealthy.jq' < '$work/json'"
measure inspect   target/release/coroner inspect "$dump"
measure report    target/release/coroner report "$dump" -o "$work/report.html"
scan=$(target/release/examples/logscan "$dump" "$runs")
printf '%-22s %8.3f s   (log scan alone, inside coroner, median)\n' "logscan" "$scan"
echo "$scan" > "$work/logscan.t"
ratio() { awk -v a="$(cat "$work/$1.t")" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rgjq=$(awk -v a="$(cat "$work/rg.t")" -v b="$(cat "$work/jq.t")" 'BEGIN { print a + b }')
echo "report / (rg + jq) = $(ratio report "$rgjq")   (target <= 0.6)"
echo "logscan / rg       = $(ratio logscan "$(cat "$work/rg.t")")   (target <= 1.2)"
echo "report / cat       = $(ratio report "$(cat "$work/cat.t")")"
echo "inspect / cat      = $(ratio inspect "$(cat "$work/cat.t")")"
