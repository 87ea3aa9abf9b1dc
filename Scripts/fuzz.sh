#!/usr/bin/env bash
# Runs Hamlet's libFuzzer targets (the nested package Fuzz/, built with ASan and libFuzzer).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(FuzzVectorStream FuzzSensorPayload FuzzControlRequest FuzzSettingsYAML FuzzSafeTensors FuzzWAV FuzzStageMessage)

usage() {
  cat <<USAGE
usage: Scripts/fuzz.sh TARGET SECONDS [LIBFUZZER_OPTION...]
       Scripts/fuzz.sh all SECONDS [LIBFUZZER_OPTION...]

Builds the fuzz targets (swift build --sanitize=fuzzer --sanitize=address, scratch Fuzz/.build-fuzz)
and runs TARGET, or every target in turn, for SECONDS each. Seeds come from Fuzz/corpus/TARGET
(never written to); inputs found are kept in Fuzz/.build-fuzz/corpus/TARGET for the next run;
a crashing input goes to Fuzz/crashes/TARGET/. Prints one summary line per target and exits 1
if any target found a crash. Extra options go to libFuzzer (e.g. -runs=10000000 -max_len=512; not -jobs, whose logs the summary does not read).

targets:
  FuzzVectorStream    CSV / JSON-lines reader of hamlet learn (Sources/VectorStream)
  FuzzSensorPayload   MQTT sensor payloads: JSON, CSV, float32 (StreamFeatures.SensorPayloadParser)
  FuzzControlRequest  control requests and their replies (ControlPlane.ControlRequestParser)
  FuzzSettingsYAML    the YAML settings loader (AgentSettings.AgentConfigurationLoader.parse)
  FuzzSafeTensors     the safetensors reader and writer (SafeTensors.SafeTensorsFile)
  FuzzWAV             recordings through libsndfile and resampling (AudioCapture.RecordingReplay)
  FuzzStageMessage    pipeline stage messages (HamletAgent.StageMessage(payload:))
USAGE
}

if [ "$#" -lt 2 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  if [ "$#" -ge 1 ] && { [ "$1" = "-h" ] || [ "$1" = "--help" ]; }; then usage; exit 0; fi
  usage >&2
  exit 2
fi
target=$1
seconds=$2
shift 2
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: SECONDS must be a positive whole number, got '$seconds'" >&2
  exit 2
fi
if [ "$target" = all ]; then
  selected=("${targets[@]}")
elif [[ " ${targets[*]} " == *" $target "* ]]; then
  selected=("$target")
else
  echo "fuzz.sh: unknown target '$target'; one of: all ${targets[*]}" >&2
  exit 2
fi

scratch=Fuzz/.build-fuzz
toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
if ! compgen -G "$toolchain/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a" >/dev/null; then
  echo "fuzz.sh: no libFuzzer runtime under $toolchain/lib/clang/*/lib/linux; use a swift.org Linux toolchain" >&2
  exit 1
fi
# One build for every target: they share the sanitized copies of the library targets.
# swiftc keeps only the last of several -sanitize= flags, so SwiftPM's "--sanitize=fuzzer
# --sanitize=address" alone compiles Swift with ASan but without coverage (blind fuzzing); the
# combined flag after them restores both. --sanitize=fuzzer is still needed: only it makes SwiftPM
# keep libFuzzer's main.
swift build --package-path Fuzz --scratch-path "$scratch" --sanitize=fuzzer --sanitize=address \
  -Xswiftc -sanitize=fuzzer,address 2>&1 |
  grep -v "Cannot export local symbol" >&2  # gold's harmless ASan warnings (shared/design/platform.md §5)

# The Swift backtracer trips ASan in its own memserver; LeakSanitizer reports the Swift
# runtime's caches, which live until exit.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

failed=0
for name in "${selected[@]}"; do
  mkdir -p "$scratch/corpus/$name" "Fuzz/crashes/$name"
  log="$scratch/$name.log"
  status=0
  "$scratch/debug/$name" "$scratch/corpus/$name" "Fuzz/corpus/$name" \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="Fuzz/crashes/$name/" "$@" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
  if [ "$status" -eq 0 ]; then
    echo "$name: ${runs:-?} runs, ${speed:-?} exec/s, ${cov:-cov: ?}, ${took:-?} s, no crash"
  else
    failed=1
    echo "$name: FAILED (exit $status) after ${runs:-?} runs; input in Fuzz/crashes/$name/, log: $log"
    grep -E "fuzz property violated|Fatal error|ERROR: (AddressSanitizer|libFuzzer)|SUMMARY" "$log" | head -5 | sed 's/^/  /'
  fi
done
exit "$failed"
