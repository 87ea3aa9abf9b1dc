#!/usr/bin/env bash
# Builds hamlet_<version>_<arch>.deb with Debian's own tools from a release build and the files of
# packaging/debian/ (control, changelog, copyright, prerm, postrm), then prints lintian's verdict.
#
#   Scripts/package_deb.sh                    # release build, then .build-deb/hamlet_<version>_<arch>.deb
#   Scripts/package_deb.sh --binary PATH      # package this hamlet instead of building one
#
# The version is what `hamlet --version` says (Sources/hamlet/Hamlet.swift); the changelog's top
# entry must name the same one. Needs dpkg-dev, help2man and lintian (Scripts/install_dependencies.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
out="$root/.build-deb"
die() { echo "package_deb.sh: $*" >&2; exit 1; }

binary=""
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) [ $# -ge 2 ] || die "--binary needs a path"; binary="$(readlink -f "$2")"; shift 2 ;;
    *) die "unknown argument '$1' (usage: Scripts/package_deb.sh [--binary PATH])" ;;
  esac
done
if [ -z "$binary" ]; then
  # The Swift runtime linked in, and the link flags that keep the resident memory down
  # (Scripts/release_flags.sh says what each does).
  . Scripts/release_flags.sh
  release_flags_init "$out/link"
  echo "== swift build ${release_flags[*]} --product hamlet"
  swift build "${release_flags[@]}" --product hamlet
  binary="$(swift build "${release_flags[@]}" --show-bin-path)/hamlet"
fi
[ -x "$binary" ] || die "no executable hamlet at '$binary'"

version="$("$binary" --version)"
changelog_version="$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)"
[ "$version" = "$changelog_version" ] ||
  die "hamlet --version says '$version' but packaging/debian/changelog's top entry is '$changelog_version': add an entry"
arch="$(dpkg --print-architecture)"
deb="$out/hamlet_${version}_${arch}.deb"

# A throw-away source-like tree: dpkg-shlibdeps and dpkg-gencontrol read debian/control.
work="$out/work"
rm -rf "$work" && mkdir -p "$work/debian"
cp packaging/debian/control packaging/debian/changelog "$work/debian/"
pkg="$work/debian/hamlet"
doc="$pkg/usr/share/doc/hamlet"
umask 022

install -D -m 0755 "$binary" "$pkg/usr/bin/hamlet"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$pkg/usr/bin/hamlet"
install -d "$pkg/lib/systemd/system"
sed 's|/usr/local/bin/hamlet|/usr/bin/hamlet|g' systemd/hamlet.service >"$pkg/lib/systemd/system/hamlet.service"
grep -q '^ExecStart=/usr/bin/hamlet ' "$pkg/lib/systemd/system/hamlet.service" ||
  die "systemd/hamlet.service's ExecStart no longer names /usr/local/bin/hamlet; update the path rewrite"
install -D -m 0644 config/hamlet.yaml "$pkg/etc/hamlet/hamlet.yaml"
install -d "$pkg/usr/share/hamlet/schemas" "$pkg/usr/share/man/man1"
install -m 0644 schemas/*.schema.json "$pkg/usr/share/hamlet/schemas/"
install -D -m 0644 packaging/debian/copyright "$doc/copyright"
install -m 0644 README.md docs/control.md docs/nab.md "$doc/"
cp packaging/debian/changelog "$doc/changelog"      # a native package's changelog.gz
gzip -9n "$doc"/*.md "$doc/changelog"
help2man --locale=C.UTF-8 --no-info --version-string="$version" --name="edge agent that learns online from sensor streams" \
  "$pkg/usr/bin/hamlet" | gzip -9n >"$pkg/usr/share/man/man1/hamlet.1.gz"

install -d "$pkg/DEBIAN"
install -m 0755 packaging/debian/prerm packaging/debian/postrm "$pkg/DEBIAN/"
echo /etc/hamlet/hamlet.yaml >"$pkg/DEBIAN/conffiles"
(
  cd "$work"
  echo "misc:Depends=" >debian/hamlet.substvars
  dpkg-shlibdeps -Tdebian/hamlet.substvars debian/hamlet/usr/bin/hamlet
  dpkg-gencontrol -phamlet -Pdebian/hamlet -Tdebian/hamlet.substvars
)
(cd "$pkg" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum >DEBIAN/md5sums)
chmod 0644 "$pkg/DEBIAN/md5sums" "$pkg/DEBIAN/conffiles" "$pkg/DEBIAN/control"
dpkg-deb --root-owner-group --build "$pkg" "$deb" >/dev/null
echo "== $deb ($(du -h "$deb" | cut -f1))"
dpkg-deb --field "$deb" Version Architecture Installed-Size Depends

echo "== lintian"
# Errors and warnings fail the build (the package has no overrides; if one is ever needed, each
# with its reason); info tags and the overridden tags are printed for the record. Read from the
# output: with --show-overrides lintian's --fail-on counts overridden tags too.
report="$(lintian --display-info --show-overrides --fail-on none "$deb" 2>&1 | grep -v '^running with root privileges')"
echo "$report"
! grep -qE '^[EW]: ' <<<"$report" || die "lintian reports errors or warnings (above)"
echo "lintian: no errors or warnings beyond the overrides"
