#!/usr/bin/env python3
"""Validates JSON payloads (one per line of FILE) against a JSON Schema with the `jsonschema` package.

    validate_payloads.py SCHEMA FILE

Exits 0 when every line is valid; otherwise prints each invalid line with the reason and exits 1.
Used by the tests, so that Hamlet's payloads are checked by an independent validator."""
import json
import sys

import jsonschema


def main():
    schema_path, payload_path = sys.argv[1], sys.argv[2]
    with open(schema_path) as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    failures = 0
    count = 0
    with open(payload_path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            count += 1
            errors = list(validator.iter_errors(json.loads(line)))
            if errors:
                failures += 1
                print(f"line {number}: {errors[0].message}: {line.strip()[:200]}")
    print(f"{count} payloads, {failures} invalid")
    sys.exit(1 if failures or count == 0 else 0)


if __name__ == "__main__":
    main()
