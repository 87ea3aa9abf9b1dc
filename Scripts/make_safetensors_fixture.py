#!/usr/bin/env python3
"""Reference fixtures for the Swift SafeTensors target, made with Hugging Face's own safetensors package.

    pip install safetensors numpy
    python3 Scripts/make_safetensors_fixture.py            # (re)write the fixtures
    python3 Scripts/make_safetensors_fixture.py --check F  # load F (e.g. written by Swift) and compare it to reference.json

The fixture pair is reference.safetensors (written by safetensors.numpy.save_file) and reference.json
(the values it must hold). Floats are also given as hex bit patterns so the Swift test compares them exactly.
"""

import argparse
import json
import pathlib
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "SafeTensorsTests" / "Fixtures"
METADATA = {"format": "pt", "note": "made by make_safetensors_fixture.py"}


def reference_tensors():
    # Values chosen to catch byte-order, sign and precision mistakes (0.1 is inexact in binary, -0.0 has a sign bit).
    return {
        "weights/W": np.array([[1.5, -2.25, 0.1], [3.0e38, -0.0, 1.0e-40]], dtype=np.float32),
        "bias": np.array([0.1, -1.0 / 3.0, 1.0e300, 2.0**-1074, 42.0], dtype=np.float64),
        "step": np.array(-9007199254740993, dtype=np.int64),
        "counts": np.array([[1, -2], [2147483647, -2147483648]], dtype=np.int32),
        "mask": np.array([0, 1, 128, 255], dtype=np.uint8),
    }


def describe(array):
    entry = {"dtype": {"float32": "F32", "float64": "F64", "int64": "I64", "int32": "I32", "uint8": "U8"}[array.dtype.name],
             "shape": list(array.shape),
             "values": [v.item() for v in array.reshape(-1)]}
    if array.dtype.kind == "f":
        width = array.dtype.itemsize * 2
        bits = array.reshape(-1).view(np.uint32 if array.dtype.itemsize == 4 else np.uint64)
        entry["bits"] = [format(int(b), "0%dx" % width) for b in bits]
    return entry


def expected_json(tensors):
    return {"metadata": METADATA, "tensors": {name: describe(a) for name, a in sorted(tensors.items())}}


def make():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    tensors = reference_tensors()
    save_file(tensors, str(FIXTURES / "reference.safetensors"), metadata=METADATA)
    with open(FIXTURES / "reference.json", "w") as f:
        json.dump(expected_json(tensors), f, indent=2, sort_keys=True)
        f.write("\n")
    print("wrote", FIXTURES / "reference.safetensors", "and", FIXTURES / "reference.json")


def check(path, expected_path):
    expected = json.loads(pathlib.Path(expected_path).read_text())
    loaded = load_file(path)
    with safe_open(path, framework="np") as f:
        metadata = f.metadata() or {}
    actual = {"metadata": metadata, "tensors": {name: describe(a) for name, a in sorted(loaded.items())}}
    for name, entry in actual["tensors"].items():
        print(f"{name}: {entry['dtype']} {entry['shape']} {entry['values']}")
    print("metadata:", metadata)
    if actual != expected:
        print(f"MISMATCH: {path} does not hold the tensors and metadata of {expected_path}")
        return 1
    print(f"OK: safetensors {__import__('safetensors').__version__} read {path} and it matches {expected_path}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", metavar="FILE", help="load FILE with safetensors.numpy and compare it to --expected")
    parser.add_argument("--expected", default=str(FIXTURES / "reference.json"), help="expected values (default: %(default)s)")
    args = parser.parse_args()
    if args.check:
        sys.exit(check(args.check, args.expected))
    make()


if __name__ == "__main__":
    main()
