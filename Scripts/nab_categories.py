#!/usr/bin/env python3
"""Per category and profile: a detector's normalised NAB score, records above the threshold
outside the windows, and windows missed.

  nab_categories.py NAB_TREE DETECTOR [RESULTS_DIR ...]

NAB_TREE is a scored NAB copy (`Scripts/nab.sh --work DIR` leaves one in DIR/nab); DETECTOR's
per-file scores are read from NAB_TREE/results/DETECTOR, or from the first RESULTS_DIR holding
DETECTOR_<profile>_scores.csv (e.g. a clone of numenta/NAB's results/ARTime). The score per
category is normalised like NAB's total, 100·(S − S_null)/(S_perfect − S_null), S_null = −fnWeight
and S_perfect = tpWeight per window. Windows missed are counted from the per-file anomaly scores
(NAB_TREE/results/DETECTOR/<category>/DETECTOR_<file>) against each profile's threshold, where
those files exist; NAB's probationary records (the first 15 %, at most 750) are not judged.
"""
import csv
import os
import sys

from nab_results import PROFILES, windows_and_profiles


def scores_csv(tree, detector, dirs, profile):
    for d in [os.path.join(tree, "results", detector)] + dirs:
        path = os.path.join(d, f"{detector}_{profile}_scores.csv")
        if os.path.exists(path):
            return path
    sys.exit(f"nab_categories.py: no {detector}_{profile}_scores.csv")


def missed(tree, detector, file, windows, threshold):
    """Windows without a record at or above the threshold, or None without the file's scores."""
    category, name = file.split("/")
    path = os.path.join(tree, "results", detector, category, f"{detector}_{name}")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        rows = list(csv.DictReader(f))
    probation = min(int(0.15 * len(rows)), 750)
    count = 0
    for start, end in windows:
        # NAB's timestamps in windows carry microseconds; the data's do not.
        start, end = start[:19], end[:19]
        found = any(start <= r["timestamp"][:19] <= end and float(r["anomaly_score"]) >= threshold
                    for i, r in enumerate(rows) if i >= probation)
        count += 0 if found else 1
    return count


def main(tree, detector, dirs):
    windows, profiles = windows_and_profiles(tree)
    table = {}
    for profile in PROFILES:
        weights = profiles[profile]["CostMatrix"]
        with open(scores_csv(tree, detector, dirs, profile)) as f:
            for row in csv.DictReader(f):
                if row["File"] in ("", "Totals") or "/" not in row["File"]:
                    continue
                file = row["File"]
                if file not in windows:  # Older result tables name the results file.
                    file = file.replace("_results.csv", ".csv")
                category = file.split("/")[0]
                entry = table.setdefault(category, {}).setdefault(profile, {"S": 0.0, "n": 0, "fp": 0, "miss": 0})
                entry["S"] += float(row["Score"])
                entry["n"] += len(windows[file])
                entry["fp"] += int(float(row["FP"]))
                m = missed(tree, detector, file, windows[file], float(row["Threshold"]))
                entry["miss"] = None if m is None or entry["miss"] is None else entry["miss"] + m
    print(f"{detector}: per category, normalised score / records above the threshold outside windows / windows missed")
    print("| category | windows | " + " | ".join(PROFILES) + " |")
    print("|---|--:|" + "--:|" * len(PROFILES))
    for category in sorted(table):
        cells = []
        for profile in PROFILES:
            e, w = table[category][profile], profiles[profile]["CostMatrix"]
            null, perfect = -w["fnWeight"] * e["n"], w["tpWeight"] * e["n"]
            score = "n/a" if e["n"] == 0 else f"{100 * (e['S'] - null) / (perfect - null):.1f}"
            miss = "" if e["miss"] is None else f" / {e['miss']}"
            cells.append(f"{score} / {e['fp']}{miss}")
        print(f"| {category} | {table[category]['standard']['n']} | {' | '.join(cells)} |")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
