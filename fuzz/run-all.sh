#!/bin/sh
# Runs every fuzz target in turn, never two at once, at the lowest priority
# (the machine is shared). Usage: fuzz/run-all.sh [SECONDS_PER_TARGET]
# or TARGETS="log_split:300 list_parse:600" fuzz/run-all.sh. Builds once,
# then runs the built binaries (so edits to coroner made meanwhile do not
# trigger a rebuild per target). Logs go to /tmp/coroner-fuzz-logs/TARGET.log,
# crashes to fuzz/artifacts/TARGET/.
set -u
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1 RAYON_NUM_THREADS=1
mkdir -p /tmp/coroner-fuzz-tmp /tmp/coroner-fuzz-logs && export TMPDIR=/tmp/coroner-fuzz-tmp
SECS=${1:-${SECS:-300}}
# NOBUILD=1 runs the binaries already built. KEEP_GOING=1 fuzzes on past a
# crash (fork mode, still one process at a time), saving every artifact.
[ -n "${NOBUILD:-}" ] || nice -n 19 cargo fuzz build -a || exit 1
bin=target/x86_64-unknown-linux-gnu/release
for spec in ${TARGETS:-sched_message log_split list_parse stream_split archive_open pipeline}; do
    # TARGET or TARGET:SECONDS
    t=${spec%%:*}
    secs=$SECS
    [ "$t" != "$spec" ] && secs=${spec#*:}
    case $t in
        sched_message) len=1024 ;;
        log_split) len=16384 ;;
        list_parse) len=32768 ;;
        *) len=65536 ;;
    esac
    mkdir -p corpus/$t artifacts/$t
    echo "== $t (${secs}s, max_len $len)"
    nice -n 19 "$bin/$t" -artifact_prefix="artifacts/$t/" \
        -dict=dicts/dump.dict -max_total_time="$secs" -jobs=1 -workers=1 \
        -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len="$len" -timeout=10 \
        -print_final_stats=1 ${KEEP_GOING:+-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1} \
        corpus/$t seeds/$t
    rc=$?
    mv -f fuzz-0.log "/tmp/coroner-fuzz-logs/$t.log" 2>/dev/null
    echo "== $t exit $rc (log: /tmp/coroner-fuzz-logs/$t.log)"
done
