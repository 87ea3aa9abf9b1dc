#!/usr/bin/env bash
# Resident memory of `hamlet run` over time: does the agent's RSS stay flat while it learns?
#
#   Scripts/measure_rss.sh                          # the package's build, 120 s on an endless synthetic stream
#   Scripts/measure_rss.sh --seconds 600 --every 60
#   Scripts/measure_rss.sh --binary .build/release/hamlet --seconds 30
#   Scripts/measure_rss.sh --scratch-path /tmp/hamlet-release   # or HAMLET_SCRATCH_PATH=/tmp/hamlet-release
#   Scripts/measure_rss.sh --binary hamlet --mqtt connected     # publishing to a mosquitto started here
#   Scripts/measure_rss.sh --binary hamlet --mqtt away          # that broker stopped: the outboxes fill
#   Scripts/measure_rss.sh --binary hamlet --sections           # also the binary's resident pages by ELF section
#   Scripts/measure_rss.sh --binary hamlet --pages FILE         # its resident code pages at the end (Scripts/order_symbols.sh)
#
# Builds hamlet as the Debian package does (Scripts/release_flags.sh; stripped) unless --binary is
# given, writes a configuration in a temporary directory (synthetic source as fast as possible,
# MQTT off, stdout off, checkpoints every 60 s by default, metrics every second into a Prometheus
# textfile there), runs `hamlet run` on it, reads VmRSS
# from /proc/<pid>/status once a second and the step count from the Prometheus file, and prints
# a table (every --every seconds) and a summary: first, last and max VmRSS, and the growth from
# the 10 s mark to the end in percent, then where the resident pages are at the end, by mapping
# (/proc/<pid>/smaps: the binary, each shared library, the heap, anonymous memory), and the time
# from start to READY=1 (the agent is given a NOTIFY_SOCKET, read by a small Python listener).
# The agent is stopped with SIGTERM at the end (it must exit 0); the temporary directory, the
# listener, the broker and the agent are cleaned up on any exit.
#
# --mqtt connected: a mosquitto started here on 127.0.0.1 at a free port takes the agent's
# predictions, metrics and status (no subscriber). --mqtt away: the same broker, stopped once the
# agent has connected (its retained `online` status is read); drift alerts are made frequent (the
# anomaly-score detector with a tiny threshold, one alert per --alert-cooldown steps), so the
# in-memory outbox (predictions, QoS 0; mqtt.outbox.qos0_max_bytes within max_messages / max_bytes)
# and the durable one (alerts; durable_max_messages / durable_max_bytes) both fill; the table then
# shows the outbox depth and the drop counters from the metrics file, and the summary when each
# outbox was full.
# Any setting can be changed for a run through the environment (HAMLET_MQTT__OUTBOX__MAX_MESSAGES=…).
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
  --mqtt MODE        off (default) | connected (to a mosquitto started here) | away (that broker
                     stopped after the agent connected; alerts made frequent to fill the outboxes)
  --alert-cooldown N with --mqtt away: steps between two alerts (drift.cooldown; default 200)
  --sections         also print the binary's resident pages by ELF section (Scripts/rss_sections.py)
  --pages FILE       write the link addresses of the binary's resident code pages at the end to FILE
                     (Scripts/order_symbols.py pages; the profile of Scripts/order_symbols.sh)
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
mqtt=off
alert_cooldown=200
sections=0
pages=""
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
        --mqtt) need_value "$@"; mqtt="$2"; shift 2 ;;
        --alert-cooldown) need_value "$@"; alert_cooldown="$2"; shift 2 ;;
        --sections) sections=1; shift ;;
        --pages) need_value "$@"; pages="$2"; shift 2 ;;
        --binary) need_value "$@"; binary="$2"; shift 2 ;;
        --scratch-path) need_value "$@"; scratch="$2"; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) echo "measure_rss.sh: unknown option $1" >&2; usage >&2; exit 64 ;;
    esac
done
for pair in "seconds:$seconds" "steps:$steps" "state-size:$state_size" "channels:$channels" "every:$every" \
    "checkpoint-seconds:$checkpoint_seconds" "alert-cooldown:$alert_cooldown"; do
    [[ "${pair#*:}" =~ ^[0-9]+$ ]] || { echo "measure_rss.sh: --${pair%%:*} must be a whole number" >&2; exit 64; }
done
((seconds >= 1 && every >= 1 && state_size >= 1 && channels >= 1)) \
    || { echo "measure_rss.sh: --seconds, --every, --state-size and --channels must be at least 1" >&2; exit 64; }
case "$mqtt" in off | connected | away) ;; *) echo "measure_rss.sh: --mqtt must be off, connected or away, got '$mqtt'" >&2; exit 64 ;; esac
if [[ "$mqtt" != off ]]; then
    for tool in mosquitto mosquitto_sub; do
        command -v "$tool" >/dev/null || [[ -x "/usr/sbin/$tool" ]] ||
            { echo "measure_rss.sh: --mqtt $mqtt needs $tool (apt-get install mosquitto mosquitto-clients)" >&2; exit 69; }
    done
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/hamlet-rss.XXXXXX")"
pid=""
listener=""
broker=""
cleanup() {
    [[ -n "$listener" ]] && kill "$listener" 2>/dev/null || true
    [[ -n "$broker" ]] && kill "$broker" 2>/dev/null || true
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
    # The Debian package's build (Scripts/release_flags.sh), stripped as package_deb.sh strips it.
    scratch_args=()
    [[ -n "$scratch" ]] && scratch_args=(--scratch-path "$scratch")
    # shellcheck source=Scripts/release_flags.sh
    . "$ROOT/Scripts/release_flags.sh"
    release_flags_init "$ROOT/.build-deb/link"
    echo "== building hamlet (${release_flags[*]}${scratch:+, scratch path $scratch})"
    (cd "$ROOT" && swift build "${release_flags[@]}" --product hamlet "${scratch_args[@]}") >"$WORK/build.log" 2>&1 \
        || { cat "$WORK/build.log"; echo "measure_rss.sh: build failed" >&2; exit 1; }
    built="$(cd "$ROOT" && swift build "${release_flags[@]}" "${scratch_args[@]}" --show-bin-path)/hamlet"
    binary="$WORK/hamlet"
    cp "$built" "$binary"
    # A stale ordering file costs resident memory (docs/footprint.md): say how stale it is.
    echo "== packaging/symbol-order.txt: $(python3 "$ROOT/Scripts/order_symbols.py" missing "$ROOT/packaging/symbol-order.txt" "$built") names not in the binary (Scripts/order_symbols.sh profiles again)"
    strip --strip-unneeded --remove-section=.comment --remove-section=.note "$binary"
fi
[[ -x "$binary" ]] || { echo "measure_rss.sh: $binary is not an executable" >&2; exit 66; }

mqtt_yaml="mqtt:
  enabled: false"
drift_yaml=""
if [[ "$mqtt" != off ]]; then
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    # As root mosquitto would switch to user mosquitto, who cannot read this directory.
    cat >"$WORK/mosquitto.conf" <<EOF
user root
allow_anonymous true
persistence false
log_dest file $WORK/mosquitto.log
connection_messages true
listener $port 127.0.0.1
EOF
    mqtt_yaml="mqtt:
  enabled: true
  host: 127.0.0.1
  port: $port"
fi
if [[ "$mqtt" == away ]]; then
    # The anomaly-score detector alone, with a threshold every score reaches: one alert per cooldown.
    drift_yaml="drift:
  detectors: [anomaly-score]
  warm_up: 0
  cooldown: $alert_cooldown
  score:
    warm_up_samples: 1
    threshold: 0.000001
    refractory_samples: 0"
fi
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
$mqtt_yaml
$drift_yaml
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
echo "   checkpoints every $checkpoint_seconds s; MQTT $mqtt${port:+ (mosquitto on 127.0.0.1:$port)}"

now() { echo "${EPOCHREALTIME/,/.}"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
metric() { awk -v name="$1" 'index($0, name) == 1 && substr($0, length(name) + 1, 1) ~ /[{ ]/ { print $NF }' "$WORK/metrics.prom" 2>/dev/null || true; }
steps_done() { metric hamlet_steps_total; }
# Outbox depth, messages dropped from the full in-memory outbox, alerts on disk, alerts dropped from it.
outbox_state() {
    printf '%s %s %s %s' "$(metric hamlet_outbox_messages)" "$(metric hamlet_dropped_messages_total)" \
        "$(metric hamlet_alerts_on_disk)" "$(metric hamlet_alerts_dropped_total)"
}

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
if [[ "$mqtt" != off ]]; then
    "$(command -v mosquitto || echo /usr/sbin/mosquitto)" -c "$WORK/mosquitto.conf" 2>"$WORK/mosquitto.err" &
    broker=$!
    for _ in $(seq 100); do
        python3 -c "import socket, sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
        sleep 0.1
    done
fi
start="$(now)"
NOTIFY_SOCKET="$WORK/notify" "$binary" run --config "$WORK/hamlet.yaml" >"$WORK/stdout.log" 2>"$WORK/stderr.log" &
pid=$!
if [[ "$mqtt" == away ]]; then
    # Connected once (its retained status is online), then the broker goes away for the rest of the run.
    mosquitto_sub -h 127.0.0.1 -p "$port" -t hamlet/rss/status -C 1 -W 20 >"$WORK/status" 2>&1 ||
        { cat "$WORK/status" "$WORK/stderr.log" >&2; echo "measure_rss.sh: the agent did not connect to the broker" >&2; exit 1; }
    kill -TERM "$broker"
    wait "$broker" 2>/dev/null || true
    broker=""
    awk -v s="$start" -v n="$(now)" 'BEGIN { printf "== broker stopped %.1f s after the start (the agent had connected)\n", n - s }'
fi

elapsed_list=()
rss_list=()
outbox_list=()
if [[ "$mqtt" == off ]]; then
    printf '%10s %14s %12s\n' "elapsed s" "steps" "VmRSS kB"
else
    printf '%10s %14s %12s %9s %12s %9s %12s\n' "elapsed s" "steps" "VmRSS kB" "outbox" "dropped" "on disk" "alerts lost"
fi
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
    state="$(outbox_state)"
    outbox_list+=("$state")
    if ((i % every == 0 || i == 1 || i == seconds)); then
        if [[ "$mqtt" == off ]]; then
            printf '%10s %14s %12s\n' "$elapsed" "$(steps_done)" "$rss"
        else
            # shellcheck disable=SC2086 # four numbers
            printf '%10s %14s %12s %9s %12s %9s %12s\n' "$elapsed" "$(steps_done)" "$rss" $state
        fi
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
    ((sections)) && python3 "$ROOT/Scripts/rss_sections.py" "$pid" "$binary" >"$WORK/sections" 2>&1 || true
    [[ -z "$pages" ]] || python3 "$ROOT/Scripts/order_symbols.py" pages "$pid" "$binary" >"$pages" ||
        { echo "measure_rss.sh: could not read the resident pages of $pid" >&2; exit 1; }
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

if [[ "$mqtt" == away ]]; then
    # Full = messages being dropped from it (the in-memory outbox; the durable one: alerts dropped).
    paste <(printf '%s\n' "${elapsed_list[@]}") <(printf '%s\n' "${rss_list[@]}") <(printf '%s\n' "${outbox_list[@]}") |
        awk -v seconds="${elapsed_list[-1]}" '
        NF == 6 && $4 > 0 && memory == "" { memory = $1; memory_rss = $2 }
        NF == 6 && $6 > 0 && durable == "" { durable = $1; durable_rss = $2 }
        NF == 6 { depth = $3; dropped = $4; disk = $5; lost = $6 }
        END {
            printf "== outboxes at the end: %s messages waiting, %s dropped from the full in-memory outbox; %s alerts on disk, %s dropped from the full durable outbox\n", depth, dropped, disk, lost
            if (memory == "") print "in-memory outbox: never full"; else printf "in-memory outbox full from %s s (VmRSS then %d kB)\n", memory, memory_rss
            if (durable == "") print "durable outbox: never full"; else printf "durable outbox full from %s s (VmRSS then %d kB)\n", durable, durable_rss
            if (memory != "" && durable != "") printf "both full for the last %.0f s of the run\n", seconds - (memory > durable ? memory : durable)
        }'
fi
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
    # The binary's own mappings: clean pages are file pages (text, read-only data), dirty ones written (relocations, data).
    echo "== the binary's mappings, kB"
    awk -v bin="$(readlink -f "$binary")" '
        /^[0-9a-f]+-[0-9a-f]+ / { name = $6; perms = $2; mine = (name == bin || (prev_mine && name == "")); prev_mine = (name == bin) }
        mine && /^Rss:/ { rss = $2 }
        mine && /^Private_Dirty:/ { printf "%s  Rss %6d  Private_Dirty %6d  clean %6d\n", perms, rss, $2, rss - $2 }' "$WORK/smaps"
fi
if [[ -s "$WORK/sections" ]]; then
    echo "== the binary's resident pages by ELF section (rss_sections.py)"
    cat "$WORK/sections"
fi
