#!/usr/bin/env bash
# Writes packaging/symbol-order.txt, the order lld gives the release binary's functions
# (Scripts/release_flags.sh: --symbol-ordering-file), from a profile of which functions
# `hamlet run` touches: start-up, the synthetic steady loop with MQTT off and connected,
# checkpoint writes, and the broker away while the outboxes fill.
#
#   Scripts/order_symbols.sh                       # build, profile, write packaging/symbol-order.txt
#   Scripts/order_symbols.sh --out FILE --keep DIR # elsewhere; keep the profile binary, its map and pages
#
# Why: the kernel maps 64 kB of a file around each page a process touches (fault-around), so the
# few hot functions scattered over 11 MB of code kept about 6 MB of it resident (docs/footprint.md).
# Put together, they fill a few windows and the cold code stays on disk.
#
# How (each step says why it is needed):
#  1. the release build (Scripts/release_flags.sh: every function in a section of its own);
#  2. its link again into a profile binary in which every code section starts a page of its own
#     (copies of the objects and of the Swift runtime's archives with the sections' alignment set to
#     the page size, Scripts/order_symbols.py align), with lld's map file: a resident page = a
#     function that ran;
#  3. each case run by Scripts/measure_rss.sh --pages with the profile binary on a file system of its
#     own (an ext4 image on a loop device whose read-ahead is 0) and dropped from the page cache
#     first: without read-ahead a fault reads one page, and fault-around only maps pages already in
#     the page cache, so a page is resident only if the process touched it. (MADV_RANDOM does not
#     do this: Linux 6.18 reads around faults in executable mappings whatever the advice.)
#  4. the symbols of the sections those pages lie in, in link order (Scripts/order_symbols.py order).
# Sections that hold many functions (the Swift runtime's Swift.o, FoundationEssentials' files,
# _RegexParser) are moved whole: only the package's and the dependencies' modules, compiled here,
# are ordered function by function. A symbol missing from a later build is ignored by the link.
# The compiler's unnamed functions (`.L…`, no symbol to order by) are kept together by
# packaging/unnamed-functions.ld instead.
# Needs root (the loop device), mosquitto and mosquitto_sub (the MQTT cases), e2fsprogs.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
out="$root/packaging/symbol-order.txt"
keep=""
die() { echo "order_symbols.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || die "--out needs a path"; out="$2"; shift 2 ;;
    --keep) [ $# -ge 2 ] || die "--keep needs a directory"; keep="$2"; shift 2 ;;
    *) die "unknown argument '$1' (usage: Scripts/order_symbols.sh [--out FILE] [--keep DIR])" ;;
  esac
done

[ "$(id -u)" = 0 ] || die "needs root: the profile binary runs from a loop device without read-ahead"
work="$(mktemp -d "$root/.build-order.XXXXXX")"
loop=""
cleanup() {
  mountpoint -q "$work/mnt" 2>/dev/null && umount "$work/mnt"
  [ -z "$loop" ] || losetup -d "$loop"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT  # so that the loop device is detached on ^C as well
trap 'exit 143' TERM
# shellcheck source=Scripts/release_flags.sh
. Scripts/release_flags.sh
release_flags_init "$root/.build-deb/link"
echo "== swift build ${release_flags[*]} --product hamlet"
swift build "${release_flags[@]}" --product hamlet
bin_dir="$(swift build "${release_flags[@]}" --show-bin-path)"
# The link command, from SwiftPM's build manifest (`swift build -v` would also pass -v to every
# compile, and so rebuild everything); then run with -v to a throw-away output for the linker's
# own command line, which names the static libraries.
link_args=()
while IFS= read -r -d '' arg; do link_args+=("$arg"); done < <(python3 Scripts/order_symbols.py link-command \
  "$(dirname "$(dirname "$bin_dir")")/release.yaml" "$bin_dir/hamlet")
[ ${#link_args[@]} -gt 0 ] || die "no link command for $bin_dir/hamlet in SwiftPM's release.yaml"
run_link() {  # output, then extra arguments
  local output="$1" arg skip=0; shift
  local args=()
  for arg in "${link_args[@]}"; do
    if ((skip)); then skip=0; args+=("$output"); continue; fi
    case "$arg" in
      -o) skip=1; args+=(-o) ;;
      "@$list") args+=("@$objects") ;;
      --symbol-ordering-file=* | --no-warn-symbol-ordering) args+=(--no-demangle) ;;  # their -Xlinker stays
      *) args+=("$arg") ;;
    esac
  done
  "${args[@]}" "$@"
}
list=""
for arg in "${link_args[@]}"; do [[ "$arg" == @*Objects.LinkFileList ]] && list="${arg#@}"; done
[ -f "$list" ] || die "no object list in the link command"
objects="$list"
run_link "$work/probe" -v >"$work/probe.log" 2>&1 || { cat "$work/probe.log"; die "the link failed"; }
lld_line="$(grep -E '^ *"?/[^ ]*ld\.lld"? ' "$work/probe.log" | tail -1)"
[ -n "$lld_line" ] || die "no ld.lld command in swiftc -v's output"

echo "== the profile binary: every code section on a page of its own"
mkdir -p "$work/objects"
n=0
while read -r object; do
  n=$((n + 1))
  cp "$object" "$work/objects/$n-$(basename "$object")"
  echo "$work/objects/$n-$(basename "$object")"
done <"$list" >"$work/objects.list"
# The static archives the link takes from the Swift toolchain, and libstdc++'s (release_flags.sh),
# named before the link's own -l: the first definition of a symbol is the one linked.
static_dir="$(sed -n 's/.* -L\([^ ]*swift_static\/linux\) .*/\1/p' <<<"$lld_line")"
for library in $(grep -oE ' -l[^ ]+' <<<"$lld_line" | sed 's/ -l//' | sort -u) stdc++; do
  archive="$static_dir/lib$library.a"
  [ "$library" = stdc++ ] && archive="$(gcc -print-file-name=libstdc++.a)"
  [ -f "$archive" ] || continue
  cp "$archive" "$work/objects/lib$library.a"
  echo "$work/objects/lib$library.a"
done >>"$work/objects.list"
python3 Scripts/order_symbols.py align $(cat "$work/objects.list") 2>"$work/align.log"
mkdir -p "$work/mnt"
truncate -s 1G "$work/profile.img"
mkfs.ext4 -q -F "$work/profile.img"
loop="$(losetup --show -f "$work/profile.img")"
mount "$loop" "$work/mnt"
echo 0 >"/sys/block/$(basename "$loop")/queue/read_ahead_kb"
profile="$work/mnt/hamlet-profile"
objects="$work/objects.list"
run_link "$profile" -Xlinker "-Map=$work/hamlet-profile.map" -Xlinker --no-demangle >"$work/link.log" 2>&1 ||
  { cat "$work/link.log"; die "the profile link failed"; }
echo "$(wc -l <"$work/objects.list") objects and archives, $(grep -c 'page-aligned' "$work/align.log") patched; $(du -h "$profile" | cut -f1)"

profile_case() {  # name, then measure_rss.sh's options
  local name="$1"; shift
  echo "== profile: $name ($*)"
  python3 Scripts/order_symbols.py evict "$profile"
  Scripts/measure_rss.sh --binary "$profile" --pages "$work/pages-$name" --every 1000 "$@" >"$work/run-$name.log" 2>&1 ||
    { cat "$work/run-$name.log"; die "the $name run failed"; }
  echo "   $(wc -l <"$work/pages-$name") code pages resident; $(grep -E '^first ' "$work/run-$name.log")"
}
# Checkpoints every 5 s so that each run writes some; the away run long enough for both outboxes to fill.
profile_case off --seconds 15 --checkpoint-seconds 5
profile_case connected --seconds 20 --checkpoint-seconds 5 --mqtt connected
profile_case away --seconds 40 --checkpoint-seconds 5 --mqtt away
grep -q 'both full' "$work/run-away.log" || die "the outboxes did not both fill in the away run"

mkdir -p "$(dirname "$out")"
{
  echo "# The release binary's function order (lld --symbol-ordering-file; Scripts/release_flags.sh)."
  echo "# Generated by Scripts/order_symbols.sh: the functions hamlet run touched in start-up, the"
  echo "# synthetic steady loop with MQTT off and connected, checkpoints and the broker away."
  python3 Scripts/order_symbols.py order "$work/hamlet-profile.map" "$work"/pages-*
} >"$out"
echo "== $out: $(grep -vc '^#' "$out") symbols"
# The ordering file is no input SwiftPM tracks: the next release build must link again.
rm -f "$bin_dir/hamlet"
if [ -n "$keep" ]; then
  mkdir -p "$keep"
  cp "$profile" "$work/hamlet-profile.map" "$work"/pages-* "$work"/run-*.log "$keep/"
fi
