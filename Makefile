# Thin wrapper around CMake for the usual jobs.  The real build is CMake.
JOBS ?= 2

.PHONY: all native win64 win32 test demo bench clean

all: native

native:
	cmake -S . -B build/native && cmake --build build/native -j$(JOBS)

win64:
	cmake -S . -B build/win64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-mingw64.cmake -DSD_TESTS=OFF
	cmake --build build/win64 -j$(JOBS)

win32:
	cmake -S . -B build/win32 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-mingw32.cmake -DSD_TESTS=OFF
	cmake --build build/win32 -j$(JOBS)

# The whole suite (installs the test packages first; needs root).
test:
	bash scripts/test.sh

# Analyse the bundled sample snapshot (exit code 2: critical findings).
demo:
	sh scripts/demo.sh

bench:
	bash tests/bench/bench_snapshot.sh
	bash tests/bench/bench_hyperv.sh

clean:
	rm -rf build
