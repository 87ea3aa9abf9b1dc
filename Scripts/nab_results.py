#!/usr/bin/env python3
"""Scripts/nab.sh's two Python steps.

    nab_results.py DATA.csv RUN.jsonl RESULT.csv     one NAB result file from a `hamlet learn` run
    nab_results.py --report NAB_WORK DETECTOR        the three profiles and a table per category

A result file has NAB's columns timestamp,value,anomaly_score,label (label 0: NAB fills it in).
A record line's "line" is the 1-based line of the data file (the header is line 1), so record
line k is data row k - 2. A row without a record line or with a null score scores 0: it was not
judged, which NAB treats like a normal row.
"""
import csv
import json
import os
import sys

PROFILES = ["standard", "reward_low_FP_rate", "reward_low_FN_rate"]


def result_file(data_path, run_path, result_path):
    scores = {}
    with open(run_path) as run:
        for text in run:
            line = json.loads(text)
            if line.get("type", "record") != "record" or "alert" in line:
                continue
            score = line.get("score")
            scores[line["line"]] = 0.0 if score is None else min(max(float(score), 0.0), 1.0)
    os.makedirs(os.path.dirname(result_path), exist_ok=True)
    directory, name = os.path.split(result_path)
    detector = os.path.basename(os.path.dirname(directory))
    with open(data_path) as data, open(os.path.join(directory, f"{detector}_{name}"), "w", newline="") as out:
        reader = csv.reader(data)
        next(reader)
        writer = csv.writer(out)
        writer.writerow(["timestamp", "value", "anomaly_score", "label"])
        for row_index, row in enumerate(reader):
            writer.writerow([row[0], row[1], repr(scores.get(row_index + 2, 0.0)), 0])


def windows_and_profiles(work):
    """The labelled windows per file and the profiles' cost matrices of a NAB tree."""
    with open(os.path.join(work, "labels", "combined_windows.json")) as f:
        windows = json.load(f)
    with open(os.path.join(work, "config", "profiles.json")) as f:
        return windows, json.load(f)


def report(work, detector):
    with open(os.path.join(work, "results", "final_results.json")) as f:
        final = json.load(f)[detector]
    print(f"NAB v1.1, {detector}: standard {final['standard']:.1f}, reward low FP "
          f"{final['reward_low_FP_rate']:.1f}, reward low FN {final['reward_low_FN_rate']:.1f}")
    windows, profiles = windows_and_profiles(work)
    # Per category, normalised like NAB's total: 100·(S − S_null)/(S_perfect − S_null), with
    # S_null = −fnWeight per window and S_perfect = tpWeight per window.
    table = {}
    for profile in PROFILES:
        weights = profiles[profile]["CostMatrix"]
        path = os.path.join(work, "results", detector, f"{detector}_{profile}_scores.csv")
        with open(path) as f:
            for row in csv.DictReader(f):
                if row["Detector"] != detector or row["File"] in ("", "Totals"):
                    continue
                category = row["File"].split("/")[0]
                entry = table.setdefault(category, {}).setdefault(profile, [0.0, 0, 0, weights])
                entry[0] += float(row["Score"])
                entry[1] += len(windows[row["File"]])
                entry[2] += int(float(row["FP"]))
    print()
    print("| category | windows | standard | low FP | low FN | false positives (standard) |")
    print("|---|--:|--:|--:|--:|--:|")
    for category in sorted(table):
        cells = []
        for profile in PROFILES:
            score, count, _, weights = table[category][profile]
            null, perfect = -weights["fnWeight"] * count, weights["tpWeight"] * count
            cells.append("n/a" if count == 0 else f"{100 * (score - null) / (perfect - null):.1f}")
        _, count, fp, _ = table[category]["standard"]
        print(f"| {category} | {count} | {' | '.join(cells)} | {fp} |")
    with open(os.path.join(work, "config", "thresholds.json")) as f:
        thresholds = json.load(f)[detector]
    print()
    print("thresholds chosen by NAB's optimiser: " + ", ".join(
        f"{p} {thresholds[p]['threshold']:.4f}" for p in PROFILES))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--report":
        report(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4:
        result_file(*sys.argv[1:])
    else:
        sys.exit(__doc__)
