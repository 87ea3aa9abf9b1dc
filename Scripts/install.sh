#!/usr/bin/env bash
# Installs the hamlet agent as a systemd service.
#
#   sudo Scripts/install.sh                          # release build, install, print the systemctl commands
#   DESTDIR=/tmp/stage Scripts/install.sh --binary .build/debug/hamlet   # stage only, no build, no systemctl
#
# Run with --help for the options. Existing /etc/hamlet/hamlet.yaml is never overwritten.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
    cat <<EOF
Usage: Scripts/install.sh [--binary PATH] [--config PATH] [--prefix DIR] [--systemd-dir DIR] [--help]

Builds hamlet (swift build -c release --product hamlet) and installs:
  \$PREFIX/bin/hamlet                      the agent (PREFIX defaults to /usr/local)
  \$SYSTEMD_DIR/hamlet.service             the unit (SYSTEMD_DIR defaults to /etc/systemd/system)
  /etc/hamlet/hamlet.yaml                 the configuration, only if none is there yet

Options (each also settable by the environment variable in brackets):
  --binary PATH       install this already-built hamlet instead of building one [HAMLET_BINARY]
  --config PATH       configuration to install if absent (default: config/hamlet.yaml) [HAMLET_CONFIG]
  --prefix DIR        installation prefix [PREFIX]
  --systemd-dir DIR   unit directory [SYSTEMD_DIR]
  -h, --help          show this help

DESTDIR=DIR stages everything under DIR (for packaging or tests): systemctl is not called.
Without DESTDIR, and when systemd is running, 'systemctl daemon-reload' is run; enabling is left to you.
The MQTT password goes in /etc/credstore/mqtt-password (mode 0600); the unit's LoadCredential= passes it on.
EOF
}

die() { echo "install.sh: $*" >&2; exit 1; }

BINARY="${HAMLET_BINARY:-}"
CONFIG="${HAMLET_CONFIG:-$ROOT/config/hamlet.yaml}"
PREFIX="${PREFIX:-/usr/local}"
SYSTEMD_DIR="${SYSTEMD_DIR:-/etc/systemd/system}"
DESTDIR="${DESTDIR:-}"

while [[ $# -gt 0 ]]; do
    case "$1" in
        --binary) [[ $# -ge 2 ]] || die "--binary needs a path"; BINARY="$2"; shift 2 ;;
        --config) [[ $# -ge 2 ]] || die "--config needs a path"; CONFIG="$2"; shift 2 ;;
        --prefix) [[ $# -ge 2 ]] || die "--prefix needs a directory"; PREFIX="$2"; shift 2 ;;
        --systemd-dir) [[ $# -ge 2 ]] || die "--systemd-dir needs a directory"; SYSTEMD_DIR="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument '$1'" ;;
    esac
done

[[ "$PREFIX" == /* ]] || die "PREFIX must be absolute (got '$PREFIX'): the unit's ExecStart needs a full path"
[[ "$SYSTEMD_DIR" == /* ]] || die "SYSTEMD_DIR must be absolute (got '$SYSTEMD_DIR')"
UNIT_SOURCE="$ROOT/systemd/hamlet.service"
[[ -f "$UNIT_SOURCE" ]] || die "missing $UNIT_SOURCE; run this script from a Hamlet checkout"

if [[ -z "$BINARY" ]]; then
    echo "== building hamlet (release)"
    swift build -c release --package-path "$ROOT" --product hamlet
    BINARY="$(swift build -c release --package-path "$ROOT" --show-bin-path)/hamlet"
fi
[[ -x "$BINARY" ]] || die "hamlet binary '$BINARY' is missing or not executable; build it or pass --binary PATH"

BIN_PATH="$PREFIX/bin/hamlet"
echo "== installing $BIN_PATH"
install -D -m 0755 "$BINARY" "$DESTDIR$BIN_PATH"

echo "== installing $SYSTEMD_DIR/hamlet.service"
# The unit names /usr/local/bin/hamlet; point it at the binary's real location for other prefixes.
unit_tmp="$(mktemp)"
trap 'rm -f "$unit_tmp"' EXIT
sed "s|/usr/local/bin/hamlet|$BIN_PATH|g" "$UNIT_SOURCE" >"$unit_tmp"
install -D -m 0644 "$unit_tmp" "$DESTDIR$SYSTEMD_DIR/hamlet.service"

CONFIG_PATH=/etc/hamlet/hamlet.yaml
if [[ -e "$DESTDIR$CONFIG_PATH" ]]; then
    echo "== keeping existing $CONFIG_PATH"
elif [[ -f "$CONFIG" ]]; then
    echo "== installing $CONFIG_PATH"
    install -D -m 0644 "$CONFIG" "$DESTDIR$CONFIG_PATH"
else
    echo "install.sh: warning: no configuration at '$CONFIG'; create $CONFIG_PATH before starting the service" >&2
fi

if [[ -n "$DESTDIR" ]]; then
    echo "== staged under $DESTDIR (systemctl not called)"
elif [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    systemctl daemon-reload
fi

cat <<EOF

Next steps:
  install -d -m 0700 /etc/credstore && (umask 077; cat >/etc/credstore/mqtt-password)   # broker password, if any
  systemctl enable --now hamlet.service
  systemctl status hamlet.service
  journalctl -u hamlet.service -f
EOF
