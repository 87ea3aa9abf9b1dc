#!/usr/bin/env bash
# Installs what Hamlet needs to build, run its demo and pass its tests on Debian 12 (run as root
# or with sudo available). Safe to run again: apt-get and pip skip what is already there.
#
#   Scripts/install_dependencies.sh
set -euo pipefail

packages=(
  pkg-config python3
  libkissfft-dev libasound2-dev libsndfile1-dev libsamplerate0-dev  # audio: FFT, ALSA, files, resampling
  alsa-utils sox                                                     # ALSA's file plugin tests, test signals
  libmosquitto-dev mosquitto mosquitto-clients openssl               # MQTT, the broker, mosquitto_rr/sub, test CAs
  libyaml-dev                                                        # the configuration reader's YAML parser
  systemd                                                            # systemd-analyze for the unit's checks
  dpkg-dev lintian help2man                                          # the .deb: Scripts/package_deb.sh, test_deb.sh
)

# The fuzz targets (Scripts/fuzz.sh) need nothing from apt: libFuzzer and ASan come with the Swift
# toolchain (usr/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a), not with Debian's clang packages.

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install_dependencies.sh: run as root or install sudo" >&2; exit 1; }
  sudo="sudo"
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
updated=0
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  updated=1
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
# Independent checkers used by the tests: JSON Schema validation and Prometheus' own text parser.
# pip where the Python is the user's own; Debian's packages where pip refuses (PEP 668) or is absent.
if ! python3 -c 'import jsonschema, prometheus_client' 2>/dev/null; then
  if ! python3 -m pip install -q --disable-pip-version-check jsonschema prometheus_client 2>/dev/null; then
    [ "$updated" -eq 1 ] || $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      python3-jsonschema python3-prometheus-client >/dev/null
  fi
fi
