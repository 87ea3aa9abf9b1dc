#!/usr/bin/env python3
"""Writes Tests/DriftDetectionTests/Fixtures/<name>.json: seeded input sequences and the indices at
which River's PageHinkley and ADWIN flag drift on them. The Swift tests replay every sequence
through DriftDetection's PageHinkley and ADWIN and require the same index lists exactly.

Needs river (made with river 0.26.1: `pip install river==0.26.1`) and numpy; installs nothing.
Values are rounded to 6 decimals before River sees them, so the JSON text holds exactly the
doubles both sides consume and the files stay small (about 0.3 MB in all)."""
import json
import pathlib
import random

import numpy as np
import river
from river import drift

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "DriftDetectionTests" / "Fixtures"

# River's defaults, spelled out so the fixture records what was run.
PH_DEFAULT = dict(min_instances=30, delta=0.005, threshold=50.0, alpha=1 - 0.0001, mode="both")
ADWIN_DEFAULT = dict(delta=0.002, clock=32, max_buckets=5, min_window_length=5, grace_period=10)
# Non-default settings on a few sequences, so that every parameter is exercised.
PH_UP = dict(min_instances=10, delta=0.01, threshold=20.0, alpha=1.0, mode="up")
PH_DOWN = dict(min_instances=50, delta=0.001, threshold=10.0, alpha=0.999, mode="down")
ADWIN_FAST = dict(delta=0.01, clock=1, max_buckets=3, min_window_length=10, grace_period=50)
ADWIN_SLOW = dict(delta=0.0001, clock=7, max_buckets=8, min_window_length=2, grace_period=5)


def gaussian(rng, segments):
    """Concatenated N(mean, sd) segments: [(count, mean, sd), ...]."""
    return np.concatenate([rng.normal(mean, sd, count) for count, mean, sd in segments])


def sequences():
    rng = np.random.default_rng(20260426)
    ramp = np.concatenate([np.zeros(800), np.linspace(0, 4, 1600), np.full(600, 4.0)])
    unit_ramp = np.concatenate([np.zeros(1000), np.linspace(0, 0.5, 1000), np.full(1000, 0.5)])
    doc = random.Random(12345)  # River's own docstring example for both detectors
    t = np.arange(3000)
    yield "gaussian_abrupt", "N(0,1), then mean 2, -1, 1 every 1000 samples", gaussian(
        rng, [(1000, 0, 1), (1000, 2, 1), (1000, -1, 1), (1000, 1, 1)])
    yield "gaussian_variance", "N(0,0.5) for 1500 samples, then N(0,3)", gaussian(rng, [(1500, 0, 0.5), (1500, 0, 3)])
    yield "gaussian_gradual", "N(0,1) plus a linear ramp 0 -> 4 over samples 800..2400", rng.normal(0, 1, 3000) + ramp
    yield "gaussian_noise", "pure N(0,1), 4000 samples", rng.normal(0, 1, 4000)
    yield "gaussian_large_scale", "N(0,10), then N(30,10), then N(10,20)", gaussian(
        rng, [(1000, 0, 10), (1000, 30, 10), (1000, 10, 20)])
    yield "gaussian_periodic", "N(0,1), then a sine of amplitude 2 and period 50 added", rng.normal(
        0, 1, 3000) + np.where(t >= 1500, 2 * np.sin(2 * np.pi * t / 50), 0)
    yield "unit_bernoulli", "0/1 error indicator: rate 0.1, then 0.4, then 0.2", np.concatenate(
        [rng.binomial(1, p, n) for n, p in [(1500, 0.1), (1500, 0.4), (1000, 0.2)]]).astype(float)
    yield "unit_beta", "Beta(2,5) for 1500 samples, then Beta(5,2)", np.concatenate(
        [rng.beta(2, 5, 1500), rng.beta(5, 2, 1500)])
    yield "unit_gradual", "clip(0.2 + N(0,0.1), 0, 1) plus a ramp 0 -> 0.5 over samples 1000..2000", np.clip(
        0.2 + rng.normal(0, 0.1, 3000) + unit_ramp, 0, 1)
    yield "unit_noise", "uniform [0,1), 3000 samples", rng.random(3000)
    yield "river_doc", "River's docstring stream: choices([0,1]) x1000, then choices(range(4,8)) x1000", np.array(
        doc.choices([0, 1], k=1000) + doc.choices(range(4, 8), k=1000), dtype=float)


def detections(make, values):
    detector = make()
    found = []
    for i, x in enumerate(values):
        detector.update(x)
        if detector.drift_detected:
            found.append(i)
    return found


def adwin_trace(values):
    """ADWIN's (index, width, total, variance) after every 97th sample and after every detection, when
    the window still shows the buckets the detection dropped; River resets it on the next sample."""
    detector = drift.ADWIN(**ADWIN_DEFAULT)
    trace = []
    for i, x in enumerate(values):
        detector.update(x)
        if i % 97 == 0 or detector.drift_detected:
            trace.append([i, detector.width, detector.total, detector.variance])
    return trace


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    extra = {"gaussian_abrupt", "gaussian_gradual", "unit_bernoulli", "gaussian_large_scale"}
    for name, description, raw in sequences():
        values = [round(float(x), 6) for x in raw]
        runs = [("page_hinkley", PH_DEFAULT), ("adwin", ADWIN_DEFAULT)]
        if name in extra:
            runs += [("page_hinkley", PH_UP), ("page_hinkley", PH_DOWN), ("adwin", ADWIN_FAST), ("adwin", ADWIN_SLOW)]
        results = []
        for detector, parameters in runs:
            make = (lambda p=parameters: drift.PageHinkley(**p)) if detector == "page_hinkley" else (
                lambda p=parameters: drift.ADWIN(**p))
            results.append({"detector": detector, "parameters": parameters, "indices": detections(make, values)})
        fixture = {
            "name": name,
            "description": description,
            "river_version": river.__version__,
            "values": values,
            "detections": results,
            "adwin_trace": adwin_trace(values),
        }
        (OUT / f"{name}.json").write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
        print(name, len(values), [(r["detector"], len(r["indices"])) for r in results])


if __name__ == "__main__":
    main()
