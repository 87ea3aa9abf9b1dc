#!/usr/bin/env bash
# Builds the numeric core (Sources/HamiltonianLearning, SeededRandom, swift-numerics' RealModule)
# for aarch64 Linux with Embedded Swift, links it with Debian's aarch64 cross gcc and glibc, and runs
# its exactness checks (Scripts/arm64/*.swift) under qemu-aarch64-static. Exits 1 if a check fails.
#
#   Scripts/check_arm64.sh        # installs its Debian packages first when run as root (or with sudo)
#
# Why Embedded Swift: this toolchain has no Swift SDK for aarch64-unknown-linux-gnu (`swift sdk
# list` is empty, /opt/swift holds x86_64 runtimes only); its embedded standard library for
# aarch64 is a bare-metal one (aarch64-none-none-elf), whose objects link into a Linux program as
# any AAPCS64 code does. Build products go to .build-arm64/.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
out="$root/.build-arm64"

packages=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static python3)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "check_arm64.sh: missing ${missing[*]}; run as root or install sudo" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "installing: ${missing[*]}" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

start=$SECONDS
swift package resolve >/dev/null
numerics="$root/.build/checkouts/swift-numerics/Sources"
[ -d "$numerics/RealModule" ] || { echo "check_arm64.sh: swift-numerics not resolved at $numerics" >&2; exit 1; }
embedded_lib="$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")/lib/swift/embedded/aarch64-none-none-elf"
rm -rf "$out" && mkdir -p "$out/modules"

# The clang side sees Debian's aarch64 glibc headers as on Linux: the bare-metal target defines
# none of the Linux macros those headers and the core's C imports expect.
swift_flags=(
  -swift-version 6 -target aarch64-none-none-elf -enable-experimental-feature Embedded -wmo -parse-as-library -O
  -I "$out/modules" -I Scripts/arm64/Glibc -I Scripts/arm64/CAllocationCounter -I "$numerics/_NumericsShims/include"
  -Xcc -isystem -Xcc /usr/aarch64-linux-gnu/include
  -Xcc -D__linux__ -Xcc -D__gnu_linux__ -Xcc -Dlinux -Xcc -D__unix__
)
module() {  # module NAME SOURCES...: an object and an embedded .swiftmodule for the next steps
  local name="$1"; shift
  swiftc "${swift_flags[@]}" -module-name "$name" -emit-module -emit-module-path "$out/modules/$name.swiftmodule" \
    "$@" -c -o "$out/$name.o"
}
echo "== compiling for aarch64 (Embedded Swift $(swiftc --version 2>/dev/null | sed -n 's/.*Swift version \([^ ]*\).*/\1/p'))"
module RealModule "$numerics"/RealModule/*.swift
module SeededRandom Sources/SeededRandom/*.swift
python3 Scripts/arm64/make_fixture_literals.py Tests/HamiltonianLearningTests/Fixtures/torch_sgd.json "$out/TorchSGDFixture.swift"
# The checks are compiled into the core's module so that they reach its internal SIMD kernels.
mapfile -t core < <(find Sources/HamiltonianLearning -name '*.swift' | sort)
swiftc "${swift_flags[@]}" -module-name HamiltonianLearning "${core[@]}" Scripts/arm64/*.swift "$out/TorchSGDFixture.swift" \
  -c -o "$out/HamiltonianLearning.o"
aarch64-linux-gnu-gcc -O2 -c Sources/CAllocationCounter/AllocationCounter.c -I Sources/CAllocationCounter/include \
  -o "$out/AllocationCounter.o"
# libswiftUnicodeDataTables: the embedded runtime's tables for String comparison.
aarch64-linux-gnu-gcc "$out"/{HamiltonianLearning,RealModule,SeededRandom,AllocationCounter}.o \
  "$embedded_lib/libswiftUnicodeDataTables.a" -lm -lpthread -o "$out/core-checks"
echo "built in $((SECONDS - start)) s: $(file -b "$out/core-checks" | cut -d, -f1-2)"
neon=$(aarch64-linux-gnu-objdump -d "$out/core-checks" | grep -cE '\s(fmul|fadd|fsub)\s+v[0-9]+\.(4s|2d)' || true)
echo "NEON vector multiplies, adds and subtracts (4 Float or 2 Double lanes) in the binary: $neon"

echo "== running under $(qemu-aarch64-static --version | head -1)"
run_start=$SECONDS
qemu-aarch64-static -L /usr/aarch64-linux-gnu "$out/core-checks"
echo "ran in $((SECONDS - run_start)) s; total $((SECONDS - start)) s"
