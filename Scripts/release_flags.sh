# Sourced by Scripts/package_deb.sh and Scripts/measure_rss.sh: the flags of the release binary a
# board runs, as one array, `release_flags`, after `release_flags_init DIR` (DIR: a directory of
# the build's own, where the libstdc++ link script is written). Each flag's resident-memory effect,
# measured with Scripts/measure_rss.sh, is in docs/footprint.md.
#
#   --static-swift-stdlib        the Swift runtime is no Debian package, so it is linked in
#   --disable-local-rpath        no $ORIGIN run path, which would make /usr/bin a library directory
#   -z now                       relocations resolved before start (as dpkg's hardening flags do)
#   -use-ld=lld, -z pack-relative-relocs
#                                the relative relocations of a position-independent binary packed
#                                (DT_RELR, glibc ≥ 2.36): 8.8 kB instead of 1 MB read at every start
#   --no-export-dynamic          the runtime's link file exports every symbol; nothing dlsym()s
#                                them, and the dynamic linker searched their 0.7 MB table for every
#                                symbol of every library
#   -L DIR (libstdc++.so there = a link script naming libstdc++.a)
#                                the parts of libstdc++ the Swift runtime uses, linked in, instead
#                                of the whole shared library and its start-up (1 MB resident)
#   -function-sections (Swift and C), --symbol-ordering-file packaging/symbol-order.txt
#                                the functions start-up and the steady loop run laid out together,
#                                so that the kernel's 64 kB fault-around windows over them hold
#                                little cold code; the file is written by Scripts/order_symbols.sh
#                                from a profile, and a symbol it names that is gone is ignored;
#                                packaging/unnamed-functions.ld keeps the functions without a
#                                symbol (closure destructors and the like) together

release_flags_init() {
    local dir="$1" archive order
    order="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/packaging/symbol-order.txt"
    archive="$(gcc -print-file-name=libstdc++.a)"
    [ -f "$archive" ] || { echo "release_flags.sh: no libstdc++.a (apt-get install libstdc++-12-dev)" >&2; return 1; }
    mkdir -p "$dir"
    # -lstdc++ comes from the Swift runtime's own link file; this directory is searched before
    # the compiler's, so -lstdc++ finds the script and links the archive.
    echo "INPUT($archive)" >"$dir/libstdc++.so"
    release_flags=(
        -c release --static-swift-stdlib --disable-local-rpath
        -Xlinker -z -Xlinker now
        -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs
        -Xlinker --no-export-dynamic
        -Xswiftc "-L$dir"
        -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections
    )
    # Absent only while Scripts/order_symbols.sh profiles a first build.
    [ ! -f "$order" ] || release_flags+=(-Xlinker "--symbol-ordering-file=$order" -Xlinker --no-warn-symbol-ordering)
    release_flags+=(-Xlinker "--script=$(dirname "$order")/unnamed-functions.ld")
}
