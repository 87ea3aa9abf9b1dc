#!/usr/bin/env bash
# Builds the .deb (Scripts/package_deb.sh, which prints lintian's output), installs it with dpkg on
# this machine, checks the installed agent and unit, purges it and checks that nothing of it is
# left. Root only; refuses to run where a hamlet package is already installed.
#
#   Scripts/test_deb.sh [--binary PATH]       # options go to package_deb.sh
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "test_deb.sh: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "run as root (dpkg -i and dpkg --purge)"
if dpkg-query -W -f='${Status}' hamlet 2>/dev/null | grep -q installed; then
  fail "a hamlet package is installed here already; this test would purge it"
fi

Scripts/package_deb.sh "$@"
version="$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)"
deb=".build-deb/hamlet_${version}_$(dpkg --print-architecture).deb"

echo "== dpkg -i $deb"
dpkg -i "$deb"
mapfile -t owned < <(dpkg-query -L hamlet | grep -vx '/\.')   # "/." is the root directory
echo "the package owns ${#owned[@]} paths"
[ "$(command -v hamlet)" = /usr/bin/hamlet ] || fail "hamlet is not /usr/bin/hamlet"
installed_version="$(hamlet --version)"
echo "hamlet --version: $installed_version"
[ "$installed_version" = "$version" ] || fail "hamlet --version says '$installed_version', the package is $version"
dpkg-query -W -f='${Conffiles}\n' hamlet | grep -q '^ /etc/hamlet/hamlet.yaml ' || fail "/etc/hamlet/hamlet.yaml is no conffile"
# The service's own command line, up to the configuration check (no broker or systemd needed).
hamlet run --check --config /etc/hamlet/hamlet.yaml >/dev/null || fail "hamlet run --check rejects /etc/hamlet/hamlet.yaml"
echo "hamlet run --check --config /etc/hamlet/hamlet.yaml: accepted"

unit=/lib/systemd/system/hamlet.service
echo "== systemd-analyze verify $unit"
# It exits 0 on some errors and prints them: any output fails (docs: platform.md §4.1).
verify="$(systemd-analyze verify --recursive-errors=no --man=no "$unit" 2>&1)" || fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify printed: $verify"
echo "clean"
enabled="$(systemctl is-enabled hamlet.service 2>&1 || true)"
echo "systemctl is-enabled hamlet.service: $enabled"
[ "$enabled" = disabled ] || fail "installing enabled the unit ($enabled)"
! getent passwd hamlet >/dev/null || fail "a hamlet user exists (the unit uses DynamicUser=)"

# What the running service would have left: systemd's StateDirectory= under DynamicUser=.
had_private=0; [ -d /var/lib/private ] && had_private=1
mkdir -p /var/lib/private/hamlet/checkpoints && ln -sfn private/hamlet /var/lib/hamlet
echo "== dpkg --purge hamlet"
dpkg --purge hamlet
! dpkg-query -W -f='${Status}' hamlet 2>/dev/null | grep -q installed || fail "hamlet is still installed"
left=()
for path in "${owned[@]}" /etc/hamlet /var/lib/hamlet /var/lib/private/hamlet; do
  [ -e "$path" ] || [ -L "$path" ] || continue
  # A directory that another package also owns (/usr/bin, /lib/systemd/system, …) stays.
  [ -d "$path" ] && dpkg-query -S "$path" >/dev/null 2>&1 && continue
  left+=("$path")
done
[ "${#left[@]}" -eq 0 ] || fail "left after purge: ${left[*]}"
! getent passwd hamlet >/dev/null || fail "a hamlet user is left"
[ "$had_private" -eq 1 ] || rmdir /var/lib/private   # systemd's, made above only for this test
echo "purged: none of the ${#owned[@]} paths, /etc/hamlet or the state directory is left"
echo "test_deb.sh: 1 passed, 0 failed"
