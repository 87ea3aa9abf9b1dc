#!/usr/bin/env bash
# The Hamlet demo: the agent learns online from a recording — 30 s of speech, then a machine hum —
# and publishes its predictions and a drift alert on a local MQTT broker, shown here as they
# arrive through mosquitto_sub. Installs what is missing, builds in release mode, starts
# mosquitto on 127.0.0.1:1883 unless a broker already listens there, and cleans up after itself.
#
#   Scripts/demo.sh [--no-install] [--fast]
#     --no-install  do not call Scripts/install_dependencies.sh
#     --fast        replay the recording as fast as possible instead of in real time
set -euo pipefail
cd "$(dirname "$0")/.."

install=1 realtime=true
for argument in "$@"; do
  case "$argument" in
    --no-install) install=0 ;;
    --fast) realtime=false ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo.sh: unknown option $argument (see --help)" >&2; exit 64 ;;
  esac
done

[ "$install" -eq 1 ] && Scripts/install_dependencies.sh
echo "building hamlet (release)…" >&2
swift build -c release --product hamlet >&2
hamlet="$(swift build -c release --show-bin-path)/hamlet"

work="$(mktemp -d /tmp/hamlet-demo.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$hamlet" generate --demo-audio "$work/demo.wav" --speech-seconds 30 --hum-seconds 15

if mosquitto_sub -h 127.0.0.1 -p 1883 -t '$SYS/broker/version' -C 1 -W 2 >/dev/null 2>&1; then
  echo "using the MQTT broker already listening on 127.0.0.1:1883" >&2
else
  # Without a configuration file mosquitto 2 listens on the loopback interface only.
  mosquitto -p 1883 >"$work/mosquitto.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do
    mosquitto_sub -h 127.0.0.1 -p 1883 -t '$SYS/broker/version' -C 1 -W 1 >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "started mosquitto on 127.0.0.1:1883" >&2
fi

cat >"$work/hamlet.yaml" <<YAML
agent:
  id: demo
  state_directory: $work/state
source:
  kind: recording
  recording:
    path: $work/demo.wav
    realtime: $realtime
audio:
  normalize_frames: 200   # forget speech's spread quickly, so the hum's error stands out
model:
  state_size: 32
drift:
  warm_up: 2000           # detectors learn the last 10 s of speech as normal
mqtt:
  host: 127.0.0.1
  port: 1883
outputs:
  prediction_max_rate_hz: 2
metrics:
  interval_seconds: 5
YAML

echo "watching hamlet/demo/# (predictions twice a second, every alert; the hum starts at 30 s)…" >&2
mosquitto_sub -h 127.0.0.1 -p 1883 -t 'hamlet/demo/#' -v &
pids+=($!)
sleep 0.3
"$hamlet" run --config "$work/hamlet.yaml"
sleep 1
