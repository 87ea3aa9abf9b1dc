#!/usr/bin/env bash
# Boots a Debian 12 container with systemd as its init (systemd-nspawn --boot of a debootstrap
# root, its own network namespace with only a loopback), installs the agent's .deb and a mosquitto
# that wants a password there, and checks the unit under that real systemd: READY=1, predictions
# through the broker with the password from the credential, writes outside the state directory
# denied, the exposure `systemd-analyze security` gives, the watchdog restarting a wedged pipeline
# (a test-only fault: HAMLETTEST_WEDGE_AFTER_SECONDS) and a clean stop. The checks run inside the
# container (Scripts/container/hamlet-check, a oneshot unit) and write their verdicts to a bound folder.
#
#   Scripts/check_systemd_container.sh [--binary PATH] [--work DIR]
#
# Root only. The Debian root is made once with debootstrap (about 1 min, from deb.debian.org) and
# kept in the work folder (default .build-container/) for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
die() { echo "check_systemd_container.sh: $*" >&2; exit 1; }
work=.build-container
package_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) [ $# -ge 2 ] || die "--binary needs a path"; package_args=(--binary "$2"); shift 2 ;;
    --work) [ $# -ge 2 ] || die "--work needs a folder"; work="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (usage: Scripts/check_systemd_container.sh [--binary PATH] [--work DIR])" ;;
  esac
done
[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and systemd-nspawn need it)"
if ! command -v debootstrap >/dev/null || ! command -v systemd-nspawn >/dev/null; then
  echo "== apt-get install debootstrap systemd-container"
  env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap systemd-container >/dev/null \
    || die "could not install debootstrap and systemd-container"
fi
mkdir -p "$work"
work="$(readlink -f "$work")"
rootfs="$work/rootfs"
results="$work/results"

Scripts/package_deb.sh "${package_args[@]}" >"$work/package.log" 2>&1 || { tail -20 "$work/package.log"; die "Scripts/package_deb.sh failed"; }
version="$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)"
deb=".build-deb/hamlet_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || die "no package at $deb"

# The package's run-time libraries, from its own Depends (first of each alternative, no versions).
depends="$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -E 's/\|.*//; s/\(.*\)//; s/[[:space:]]//g' | grep -v '^$' | paste -sd, -)"
include="systemd,systemd-sysv,dbus,mosquitto,mosquitto-clients,util-linux,$depends"
if [ ! -f "$rootfs/.hamlet-root" ] || [ "$(cat "$rootfs/.hamlet-root")" != "$include" ]; then
  rm -rf "$rootfs"
  echo "== debootstrap bookworm (minbase + $include) into $rootfs"
  debootstrap --variant=minbase --include="$include" bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; die "debootstrap failed (log: $work/debootstrap.log)"; }
  echo "$include" >"$rootfs/.hamlet-root"
fi

# nspawn refuses to clean its propagation folder on a /run that is no tmpfs (as in some sandboxes):
# give it one, in a mount namespace of this script's own, so the host's /run is untouched.
nspawn() {
  unshare --mount --propagation private -- bash -c \
    'mkdir -p /run/systemd/nspawn && mount -t tmpfs tmpfs /run/systemd/nspawn && exec systemd-nspawn "$@"' nspawn \
    --quiet --register=no --keep-unit --private-network -D "$rootfs" "$@"
}

echo "== installing $deb and the test's configuration into the container"
cp "$deb" "$rootfs/root/hamlet.deb"
nspawn dpkg --purge hamlet >/dev/null 2>&1 || true
nspawn dpkg -i /root/hamlet.deb >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; die "dpkg -i failed in the container"; }
password="container-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
install -D -m 0600 /dev/stdin "$rootfs/etc/credstore/mqtt-password" <<<"$password"
install -D -m 0644 Scripts/container/mosquitto.conf "$rootfs/etc/mosquitto/conf.d/hamlet-check.conf"
nspawn mosquitto_passwd -b -c /etc/mosquitto/hamlet-check.passwd hamlet "$password" >/dev/null
nspawn chown mosquitto: /etc/mosquitto/hamlet-check.passwd
install -m 0644 Scripts/container/hamlet.yaml "$rootfs/etc/hamlet/hamlet.yaml"
install -m 0755 Scripts/container/hamlet-check "$rootfs/usr/local/sbin/hamlet-check"
install -m 0644 Scripts/container/hamlet-check.service "$rootfs/etc/systemd/system/hamlet-check.service"
echo "$password" >"$rootfs/root/mqtt-password"
chmod 0600 "$rootfs/root/mqtt-password"
rm -rf "$rootfs/var/lib/private/hamlet" "$rootfs/etc/systemd/system/hamlet.service.d"
nspawn systemctl enable hamlet.service mosquitto.service hamlet-check.service >/dev/null 2>&1
rm -rf "$results" && mkdir -p "$results"

echo "== booting the container (systemd as PID 1); the checks run inside, at most 240 s"
started=$(date +%s)
timeout --kill-after=10 240 unshare --mount --propagation private -- bash -c \
  'mkdir -p /run/systemd/nspawn && mount -t tmpfs tmpfs /run/systemd/nspawn && exec systemd-nspawn "$@"' nspawn \
  --quiet --register=no --keep-unit --private-network -D "$rootfs" --bind="$results:/results" --boot \
  >"$work/boot.log" 2>&1 </dev/null || echo "(the container exited with status $?)"
echo "the container ran $(( $(date +%s) - started )) s; its console: $work/boot.log, the agent's journal: $results/hamlet.journal"

[ -f "$results/summary" ] || { tail -30 "$work/boot.log"; die "the checks left no summary (see $work/boot.log)"; }
cat "$results/summary"
grep -q '^DONE' "$results/summary" || die "the checks did not finish"
passed=$(grep -c '^PASS' "$results/summary" || true)
failed=$(grep -c '^FAIL' "$results/summary" || true)
echo "check_systemd_container.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
