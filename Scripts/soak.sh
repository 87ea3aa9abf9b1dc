#!/usr/bin/env bash
# Issue 16's soak: `hamlet run` on QoS 1 sensors at RATE messages/s for SECONDS while a real
# mosquitto (persistence on) is restarted RESTARTS times; prints what was lost and how soon
# predictions came back after each restart (Tests/HamletAgentTests/SoakTests.swift).
#
#   Scripts/soak.sh [SECONDS [RESTARTS [RATE]]]      # defaults 600 30 500: the README's figures
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}" restarts="${2:-30}" rate="${3:-500}"
for n in "$seconds" "$restarts" "$rate"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "soak.sh: '$n' is no positive whole number (usage: Scripts/soak.sh [SECONDS [RESTARTS [RATE]]])" >&2; exit 2; }
done
(( seconds > 2 * (restarts + 1) )) || { echo "soak.sh: $seconds s is too short for $restarts restarts (more than 2 s per restart needed)" >&2; exit 2; }
swift build --build-tests
HAMLETSOAK="$seconds:$restarts:$rate" swift test --disable-xctest --skip-build --filter SoakTests 2>&1 | grep -E "^soak:|✔|✘|passed|failed|Expectation"
