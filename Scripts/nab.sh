#!/usr/bin/env bash
# Scores Hamlet on the Numenta Anomaly Benchmark with NAB's own scorer.
#
#   Scripts/nab.sh NAB_DIR [--work DIR] [--hamlet PATH] [-- extra `hamlet learn` options]
#
# NAB_DIR is NAB v1.1 (a copy of ../shared/nab or a clone of numenta/NAB); it is only read. Every
# data file goes through `hamlet learn` once, in order, with one configuration for all files (the
# agent's defaults plus the extra options, if any); each record's "score" becomes NAB's
# anomaly_score. The scorer then runs on a copy in the work folder (default: a new temporary
# folder) with `--optimize --score --normalize`, and the three profiles and a table per category
# are printed. The scorer's Python packages go into a virtual environment in the work folder (made
# once; pandas < 3, which NAB's labeller needs).
set -euo pipefail

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
[ $# -ge 1 ] || { usage >&2; exit 64; }
case "$1" in -h|--help) usage; exit 0 ;; esac
nab_dir=$(cd "$1" && pwd) || { echo "nab.sh: no such folder: $1" >&2; exit 66; }
shift
work=""
hamlet=""
while [ $# -gt 0 ]; do
  case "$1" in
    --work) work=$2; shift 2 ;;
    --hamlet) hamlet=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "nab.sh: unknown option $1 (extra hamlet options go after --)" >&2; exit 64 ;;
  esac
done
for needed in data labels/combined_windows.json run.py nab/scorer.py results/null; do
  [ -e "$nab_dir/$needed" ] || { echo "nab.sh: $nab_dir has no $needed; give a copy of NAB v1.1" >&2; exit 66; }
done

root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "$hamlet" ]; then
  echo "nab.sh: building hamlet (release)" >&2
  swift build -c release --product hamlet --package-path "$root" >&2
  hamlet="$root/.build/release/hamlet"
fi
[ -x "$hamlet" ] || { echo "nab.sh: $hamlet is not an executable" >&2; exit 66; }
[ -n "$work" ] || work=$(mktemp -d /tmp/hamlet-nab.XXXXXX)
mkdir -p "$work"
work=$(cd "$work" && pwd)
# NAB's labeller reads a label path containing "raw" as raw labels (nab/labeler.py), which breaks.
case "$work" in *raw*) echo "nab.sh: the work folder's path must not contain \"raw\" (NAB reads such paths as raw labels): $work" >&2; exit 64 ;; esac

if [ ! -x "$work/venv/bin/python" ]; then
  echo "nab.sh: making the scorer's Python environment in $work/venv" >&2
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install -q --disable-pip-version-check 'pandas>=2.2,<3' simplejson plotly >&2
fi
rm -rf "$work/nab"
cp -r "$nab_dir" "$work/nab"
chmod -R u+w "$work/nab"
results="$work/nab/results/hamlet"
runs="$work/runs"
rm -rf "$results" "$runs"
mkdir -p "$runs"

start=$(date +%s)
# One `hamlet learn` per file, two at a time; each record's line number joins it back to its row.
export HAMLET="$hamlet" RUNS="$runs" RESULTS="$results" NAB="$work/nab" PYTHON="$work/venv/bin/python" ROOT="$root"
export EXTRA="$*"
(cd "$work/nab/data" && find . -name '*.csv' | sed 's|^\./||' | sort) | xargs -P 2 -I{} bash -c '
  set -euo pipefail
  file={}
  out="$RUNS/${file//\//__}.jsonl"
  # shellcheck disable=SC2086
  "$HAMLET" learn "$NAB/data/$file" --quiet --output "$out" $EXTRA 2>"$out.log" || {
    echo "nab.sh: hamlet learn failed on $file:" >&2; cat "$out.log" >&2; exit 255; }
  "$PYTHON" "$ROOT/Scripts/nab_results.py" "$NAB/data/$file" "$out" "$RESULTS/$file"
'
detected=$(date +%s)
echo "nab.sh: $(find "$results" -name '*.csv' | wc -l) files detected in $((detected - start)) s; scoring" >&2
(cd "$work/nab" && "$work/venv/bin/python" run.py -d hamlet --optimize --score --normalize --skipConfirmation -n 2 \
  >"$work/scorer.log" 2>&1) || { tail -30 "$work/scorer.log" >&2; exit 1; }
end=$(date +%s)
"$work/venv/bin/python" "$root/Scripts/nab_results.py" --report "$work/nab" "hamlet"
echo "configuration: hamlet learn defaults${EXTRA:+ + $EXTRA}; $(basename "$hamlet") at $hamlet"
echo "time: $((end - start)) s ($((detected - start)) s detection, $((end - detected)) s scoring); work folder: $work"
