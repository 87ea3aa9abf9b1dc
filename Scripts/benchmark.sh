#!/usr/bin/env bash
# Speed of the Hamiltonian learner against its PyTorch peer, on this machine, in one run.
#
#   Scripts/benchmark.sh            # build hamlet-bench (release), run it and Scripts/benchmark_pytorch.py
#   HAMLET_TARGET_CPU=haswell Scripts/benchmark.sh   # also let the compiler use AVX2/FMA (as PyTorch's kernels do)
#   Scripts/benchmark.sh --deep     # then the deep forecaster: hamlet-bench --only deep and
#                                   # Scripts/benchmark_pytorch_deep.py, with the ratio per K (about 4 more minutes)
#
# Prints the machine, the Swift table (ns/step, steps/s, mallocs/step), PyTorch's µs/step and the
# ratio Swift steps/s ÷ PyTorch steps/s per gradient mode. Both sides use SGD(lr 0.003, momentum 0.5)
# on a 40-channel sinusoid-mixture stream with the same forecaster (40-128-128-40, GELU, skip), Float32,
# one thread. Without torch (or python3) it says so and still exits 0 after the Swift part.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_PKG="$ROOT/Benchmarks"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

echo "== machine"
cpu="$(lscpu 2>/dev/null | grep 'Model name' | sed 's/^Model name:[[:space:]]*//' | head -1 || true)"
echo "CPU: ${cpu:-unknown}; nproc: $(nproc)"
echo "Swift: $(swift --version 2>&1 | head -1)"

CPU_FLAGS=()
SCRATCH="$BENCH_PKG/.build"
if [[ -n "${HAMLET_TARGET_CPU:-}" ]]; then
    CPU_FLAGS=(-Xswiftc -target-cpu -Xswiftc "$HAMLET_TARGET_CPU")
    SCRATCH="$BENCH_PKG/.build-$HAMLET_TARGET_CPU"
fi
echo "== building hamlet-bench (release${HAMLET_TARGET_CPU:+, target CPU $HAMLET_TARGET_CPU})"
swift build -c release --package-path "$BENCH_PKG" --scratch-path "$SCRATCH" "${CPU_FLAGS[@]}" --product hamlet-bench >"$OUT/build.log" 2>&1 \
    || { cat "$OUT/build.log"; echo "benchmark.sh: build failed" >&2; exit 1; }
BIN="$(swift build -c release --package-path "$BENCH_PKG" --scratch-path "$SCRATCH" "${CPU_FLAGS[@]}" --show-bin-path)/hamlet-bench"

echo "== Swift: hamlet-bench (20,000 steps × 5 repetitions per row)"
"$BIN" --json >"$OUT/swift.json"

have_python=1
command -v python3 >/dev/null 2>&1 || have_python=0
if [[ $have_python -eq 0 ]]; then
    "$BIN"
    echo "benchmark.sh: python3 not found; skipping the PyTorch peer and the ratio."
    exit 0
fi

echo "== PyTorch: Scripts/benchmark_pytorch.py (2,000 steps × 5 repetitions)"
python3 "$ROOT/Scripts/benchmark_pytorch.py" --json --lr 0.003 --momentum 0.5 --variant both --repetitions 5 >"$OUT/torch.json"

python3 - "$OUT/swift.json" "$OUT/torch.json" <<'PY'
import json, sys

swift = json.load(open(sys.argv[1]))
torch = json.load(open(sys.argv[2]))

def fmt(v, d=0):
    return f"{v:,.{d}f}"

print()
print(f"Swift (hamlet-bench, {swift['cpu']}, {swift['cores']} cores; {swift['steps_per_repetition']:,} steps × "
      f"{swift['repetitions']} repetitions, median):")
print()
print("| model | learner | ns/step | steps/s | mallocs/step |")
print("|:--|:--|--:|--:|--:|")
for r in swift["results"]:
    print(f"| {r['model']} | {r['mode']} | {fmt(r['ns_per_step'])} | {fmt(r['steps_per_second'])} | {r['mallocs_per_step']:.2f} |")
for r in swift["results"]:
    if r.get("allocation_breakdown"):
        print(f"  ALLOCATES in {r['mode']}: {r['allocation_breakdown']}")
    if r.get("non_finite_losses"):
        print(f"  WARNING: {r['mode']} had {r['non_finite_losses']} non-finite losses: its timing is not representative")

if torch.get("skipped"):
    print()
    print(torch["reason"])
    print("benchmark.sh: no PyTorch figures, so no ratio.")
    sys.exit(0)

variants = {r["variant"]: r for r in torch["results"]}
peer = variants["detached"]
print()
print(f"PyTorch {torch['torch']} (CPU, Float32, {torch['threads']} thread, SGD lr {torch['lr']} momentum {torch['momentum']}; "
      f"{torch['steps_per_repetition']:,} steps × {torch['repetitions']}, median):")
print(f"  per-sample update at the detached state (the peer): {peer['us_per_step']:.1f} µs/step, {fmt(peer['steps_per_second'])} steps/s")
if "tbptt1" in variants:
    t1 = variants["tbptt1"]
    print(f"  variant with λ, B in the graph (1-step TBPTT):      {t1['us_per_step']:.1f} µs/step, {fmt(t1['steps_per_second'])} steps/s")
print()
print("| gradient mode | Swift ns/step | Swift steps/s | mallocs/step | PyTorch µs/step | PyTorch steps/s | ratio (Swift ÷ PyTorch) |")
print("|:--|--:|--:|--:|--:|--:|--:|")
for r in swift["results"]:
    if not r["mode"].startswith("HL ") or not r["model"].startswith("forecaster"):
        continue
    ratio = r["steps_per_second"] / peer["steps_per_second"]
    print(f"| {r['mode'][3:]} | {fmt(r['ns_per_step'])} | {fmt(r['steps_per_second'])} | {r['mallocs_per_step']:.2f} | "
          f"{peer['us_per_step']:.1f} | {fmt(peer['steps_per_second'])} | {ratio:.1f}× |")
PY

[[ "${1:-}" == "--deep" ]] || exit 0
echo
echo "== Swift: hamlet-bench --only deep (width 64; K = 1, 2, 4, 8 per scheme)"
"$BIN" --only deep --json >"$OUT/deep.json"
echo "== PyTorch: Scripts/benchmark_pytorch_deep.py (the same network, states detached)"
python3 "$ROOT/Scripts/benchmark_pytorch_deep.py" --json >"$OUT/torch-deep.json"
python3 - "$OUT/deep.json" "$OUT/torch-deep.json" <<'PY'
import json, re, sys

swift = json.load(open(sys.argv[1]))
torch = json.load(open(sys.argv[2]))
rows = {}
for r in swift["results"]:
    k = int(re.search(r"K = (\d+)", r["model"]).group(1))
    rows.setdefault(r["mode"], {})[k] = r
print()
print("| K | " + " | ".join(f"{mode} µs/step" for mode in rows) + " | PyTorch µs/step | PyTorch ÷ instant |")
print("|--:|" + "--:|" * (len(rows) + 2))
peer = {} if torch.get("skipped") else {r["blocks"]: r["us_per_step"] for r in torch["rows"]}
instant = rows.get("HL traces, instant", {})
for k in sorted({k for mode in rows.values() for k in mode}):
    cells = [f"{rows[mode][k]['ns_per_step'] / 1000:.1f}" if k in rows[mode] else "—" for mode in rows]
    torch_cell = f"{peer[k]:.1f}" if k in peer else "—"
    ratio = f"{peer[k] / (instant[k]['ns_per_step'] / 1000):.1f}×" if k in peer and k in instant else "—"
    print(f"| {k} | " + " | ".join(cells) + f" | {torch_cell} | {ratio} |")
for r in swift["results"]:
    if r.get("mallocs_per_step", 0) > 0:
        print(f"  ALLOCATES in {r['mode']} ({r['model']}): {r['mallocs_per_step']:.2f} mallocs/step")
if torch.get("skipped"):
    print(torch["reason"])
PY
