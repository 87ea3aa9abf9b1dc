#!/usr/bin/env bash
# Resident memory of `hamlet run` over time: does the agent's RSS stay flat while it learns?
#
#   Scripts/measure_rss.sh                          # release build, 120 s on an endless synthetic stream
#   Scripts/measure_rss.sh --seconds 600 --every 60
#   Scripts/measure_rss.sh --binary .build/release/hamlet --seconds 30
#   Scripts/measure_rss.sh --scratch-path /tmp/hamlet-release   # or HAMLET_SCRATCH_PATH=/tmp/hamlet-release
#
# Builds hamlet (release) unless --binary is given, writes a configuration in a temporary
# directory (synthetic source as fast as possible, MQTT off, stdout off, checkpoints every 60 s by default,
# metrics every second into a Prometheus textfile there), runs `hamlet run` on it, reads VmRSS
# from /proc/<pid>/status once a second and the step count from the Prometheus file, and prints
# a table (every --every seconds) and a summary: first, last and max VmRSS, and the growth from
# the 10 s mark to the end in percent, then where the resident pages are at the end, by mapping
# (/proc/<pid>/smaps: the binary, each shared library, the heap, anonymous memory), and the time
# from start to READY=1 (the agent is given a NOTIFY_SOCKET, read by a small Python listener).
# The agent is stopped with SIGTERM at the end (it must exit 0); the temporary directory, the
# listener and the agent are cleaned up on any exit.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: Scripts/measure_rss.sh [options]

  --seconds N        how long to run the agent (default 120)
  --steps N          length of the synthetic stream; 0 = endless (default 0)
  --state-size N     model.state_size (default 64, as in config/hamlet.yaml)
  --channels N       source.synthetic.channels (default 4)
  --every N          print a table row every N seconds (default 10; sampling is every second)
  --checkpoint-seconds N  checkpoints.every_seconds (default 60)
  --binary PATH      use this hamlet executable instead of building one
  --scratch-path DIR SwiftPM scratch directory for the release build
                     (default $HAMLET_SCRATCH_PATH, else SwiftPM's .build)
  -h, --help         this text
EOF
}

seconds=120
steps=0
state_size=64
channels=4
every=10
checkpoint_seconds=60
binary=""
scratch="${HAMLET_SCRATCH_PATH:-}"

need_value() { [[ $# -ge 2 && -n "$2" ]] || { echo "measure_rss.sh: $1 needs a value" >&2; exit 64; }; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) need_value "$@"; seconds="$2"; shift 2 ;;
        --steps) need_value "$@"; steps="$2"; shift 2 ;;
        --state-size) need_value "$@"; state_size="$2"; shift 2 ;;
        --channels) need_value "$@"; channels="$2"; shift 2 ;;
        --every) need_value "$@"; every="$2"; shift 2 ;;
        --checkpoint-seconds) need_value "$@"; checkpoint_seconds="$2"; shift 2 ;;
        --binary) need_value "$@"; binary="$2"; shift 2 ;;
        --scratch-path) need_value "$@"; scratch="$2"; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) echo "measure_rss.sh: unknown option $1" >&2; usage >&2; exit 64 ;;
    esac
done
for pair in "seconds:$seconds" "steps:$steps" "state-size:$state_size" "channels:$channels" "every:$every" \
    "checkpoint-seconds:$checkpoint_seconds"; do
    [[ "${pair#*:}" =~ ^[0-9]+$ ]] || { echo "measure_rss.sh: --${pair%%:*} must be a whole number" >&2; exit 64; }
done
((seconds >= 1 && every >= 1 && state_size >= 1 && channels >= 1)) \
    || { echo "measure_rss.sh: --seconds, --every, --state-size and --channels must be at least 1" >&2; exit 64; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/hamlet-rss.XXXXXX")"
pid=""
listener=""
cleanup() {
    [[ -n "$listener" ]] && kill "$listener" 2>/dev/null || true
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z "$binary" ]]; then
    scratch_args=()
    [[ -n "$scratch" ]] && scratch_args=(--scratch-path "$scratch")
    echo "== building hamlet (release${scratch:+, scratch path $scratch})"
    (cd "$ROOT" && swift build -c release --product hamlet "${scratch_args[@]}") >"$WORK/build.log" 2>&1 \
        || { cat "$WORK/build.log"; echo "measure_rss.sh: build failed" >&2; exit 1; }
    binary="$(cd "$ROOT" && swift build -c release --product hamlet "${scratch_args[@]}" --show-bin-path)/hamlet"
fi
[[ -x "$binary" ]] || { echo "measure_rss.sh: $binary is not an executable" >&2; exit 66; }

cat >"$WORK/hamlet.yaml" <<EOF
agent:
  id: rss
  state_directory: "$WORK/state"
source:
  kind: synthetic
  synthetic:
    channels: $channels
    steps: $steps
    rate_hz: 0
model:
  state_size: $state_size
mqtt:
  enabled: false
outputs:
  stdout: false
checkpoints:
  every_seconds: $checkpoint_seconds
metrics:
  interval_seconds: 1
  prometheus_file: "$WORK/metrics.prom"
EOF

echo "== machine"
echo "CPU: $(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1); nproc: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== hamlet run: $binary"
echo "   synthetic, $channels channels, state_size $state_size, ${steps/#0/endless} steps, as fast as possible, for $seconds s;"
echo "   checkpoints every $checkpoint_seconds s"

now() { echo "${EPOCHREALTIME/,/.}"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
steps_done() { awk '/^hamlet_steps_total/ { print $NF }' "$WORK/metrics.prom" 2>/dev/null || true; }

# Drains the notify socket for the whole run (a full socket would block the agent's sd_notify)
# and writes the arrival time of the first READY=1.
python3 - "$WORK/notify" "$WORK/ready" <<'PY' &
import socket, sys, time
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sys.argv[1])
open(sys.argv[1] + ".bound", "w").close()
ready = False
while True:
    message = sock.recv(65536)
    if not ready and b"READY=1" in message.split(b"\n"):
        ready = True
        with open(sys.argv[2], "w") as f:
            f.write("%.6f\n" % time.time())
PY
listener=$!
for _ in $(seq 50); do [[ -e "$WORK/notify.bound" ]] && break; sleep 0.1; done
start="$(now)"
NOTIFY_SOCKET="$WORK/notify" "$binary" run --config "$WORK/hamlet.yaml" >"$WORK/stdout.log" 2>"$WORK/stderr.log" &
pid=$!

elapsed_list=()
rss_list=()
printf '%10s %14s %12s\n' "elapsed s" "steps" "VmRSS kB"
for ((i = 1; i <= seconds; i++)); do
    # Sample at start + i seconds, whatever the previous sample cost.
    delay="$(awk -v s="$start" -v i="$i" -v n="$(now)" 'BEGIN { d = s + i - n; print (d > 0 ? d : 0) }')"
    sleep "$delay"
    kill -0 "$pid" 2>/dev/null || break
    rss="$(rss_kb "$pid")"
    [[ -n "$rss" ]] || break
    elapsed="$(awk -v s="$start" -v n="$(now)" 'BEGIN { printf "%.1f", n - s }')"
    elapsed_list+=("$elapsed")
    rss_list+=("$rss")
    if ((i % every == 0 || i == 1 || i == seconds)); then
        printf '%10s %14s %12s\n' "$elapsed" "$(steps_done)" "$rss"
    fi
done

if ! kill -0 "$pid" 2>/dev/null; then
    set +e
    wait "$pid"
    status=$?
    set -e
    pid=""
    echo "measure_rss.sh: hamlet run ended early (exit status $status) after ${#rss_list[@]} samples:" >&2
    tail -5 "$WORK/stderr.log" >&2
    [[ $status -eq 0 && ${#rss_list[@]} -gt 0 ]] || exit 1
else
    final_steps="$(steps_done)"
    cp "/proc/$pid/smaps" "$WORK/smaps" 2>/dev/null || true
    kill -TERM "$pid"
    set +e
    wait "$pid"
    status=$?
    set -e
    pid=""
    echo "== stopped with SIGTERM: exit status $status; steps at the last metrics write: ${final_steps:-?}"
    ((status == 0)) || { tail -5 "$WORK/stderr.log" >&2; exit 1; }
fi
[[ ${#rss_list[@]} -gt 0 ]] || { echo "measure_rss.sh: no samples" >&2; exit 1; }

# Summary: first, last, max, and growth from the first sample at or after 10 s to the last one.
paste <(printf '%s\n' "${elapsed_list[@]}") <(printf '%s\n' "${rss_list[@]}") | awk '
    NR == 1 { first = $2; max = $2; maxt = $1; at10 = ""; at10t = "" }
    { if ($2 > max) { max = $2; maxt = $1 } if (at10 == "" && $1 >= 10) { at10 = $2; at10t = $1 " s" } last = $2; lastt = $1 }
    END {
        if (at10 == "") { at10 = first; at10t = "first sample (run shorter than 10 s)" }
        printf "== VmRSS (%d samples)\n", NR
        printf "first %d kB, last %d kB, max %d kB (at %s s)\n", first, last, max, maxt
        printf "growth from %s (%d kB) to %s s (%d kB): %+.2f%%\n", at10t, at10, lastt, last, 100 * (last - at10) / at10
    }'

if [[ -s "$WORK/ready" ]]; then
    awk -v s="$start" -v r="$(cat "$WORK/ready")" 'BEGIN { printf "== start to READY=1: %.0f ms\n", 1000 * (r - s) }'
else
    echo "== no READY=1 received"
fi
# The mappings' resident pages just before the stop, largest first: what to shrink next.
if [[ -s "$WORK/smaps" ]]; then
    echo "== VmRSS by mapping at the end, kB (the 20 largest)"
    awk '/^[0-9a-f]+-[0-9a-f]+ / { name = $6; for (i = 7; i <= NF; i++) name = name " " $i; if (name == "") name = "[anonymous]" }
         /^Rss:/ { rss[name] += $2; total += $2 }
         END { printf "%9d  total\n", total; for (n in rss) if (rss[n] > 0) printf "%9d  %s\n", rss[n], n }' "$WORK/smaps" |
        sort -rn | head -21
fi
