#!/bin/sh
# Make the release packages: builds srvdoctor.exe for x64 and x86 in the
# Release configuration (stripped, Windows Server 2003 imports checked,
# manifest checked) and has CPack zip each one with README.md, LICENSE and
# docs/, plus a SHA-256 checksum file:
#
#   dist/srvdoctor-<version>-win64.zip  dist/srvdoctor-<version>-win64.zip.sha256
#   dist/srvdoctor-<version>-win32.zip  dist/srvdoctor-<version>-win32.zip.sha256
#
# Installs cmake and the mingw-w64 cross compilers when missing (Debian 12,
# as root).  Exit 0 when both packages were made, 1 otherwise.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
need=""
command -v cmake >/dev/null 2>&1 || need="$need cmake"
command -v make >/dev/null 2>&1 || need="$need make"
command -v python3 >/dev/null 2>&1 || need="$need python3"
command -v unzip >/dev/null 2>&1 || need="$need unzip"
command -v file >/dev/null 2>&1 || need="$need file"
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need="$need gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64"
command -v i686-w64-mingw32-gcc >/dev/null 2>&1 || need="$need gcc-mingw-w64-i686 binutils-mingw-w64-i686"
if [ -n "$need" ]; then
  echo "package: installing$need"
  apt-get update -q >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need >/dev/null ||
    { echo "package: cannot install$need" >&2; exit 1; }
fi
rm -f dist/srvdoctor-*.zip dist/srvdoctor-*.zip.sha256
mkdir -p dist
for arch in 64 32; do
  dir=build/release-win$arch
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DSD_TESTS=OFF \
    -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/toolchain-mingw$arch.cmake" >/dev/null &&
    cmake --build "$dir" -j2 >/dev/null &&
    bash scripts/check-imports.sh "$dir/srvdoctor.exe" &&
    python3 scripts/check-manifest.py "$dir/srvdoctor.exe" &&
    (cd "$dir" && rm -rf package && cpack -G ZIP >/dev/null) ||
    { echo "package: the win$arch package failed" >&2; exit 1; }
  for f in "$dir"/package/srvdoctor-*.zip "$dir"/package/srvdoctor-*.zip.sha256; do
    cp "$f" dist/ || exit 1
  done
done
bash scripts/check-package.sh dist/srvdoctor-*-win64.zip dist/srvdoctor-*-win32.zip
