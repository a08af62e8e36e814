#!/bin/sh
# Build srvdoctor natively and analyse the bundled sample snapshot of a
# troubled server.  The exit code is srvdoctor's verdict (0 OK, 1 WARNING,
# 2 CRITICAL, 3 UNKNOWN).  Installs cmake and a C compiler when missing.
set -u
cd "$(dirname "$0")/.." || exit 3
if ! command -v cmake >/dev/null 2>&1 || ! command -v cc >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then
  apt-get update -q >/dev/null && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends cmake gcc make libc6-dev >/dev/null || exit 3
fi
cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=Release -DSD_TESTS=OFF >/dev/null && \
  cmake --build build/demo -j2 >/dev/null || { echo "build failed" >&2; exit 3; }
exec build/demo/srvdoctor check --from docs/examples/troubled-server.json "$@"
