# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing first.
# make deps     install the Debian packages bnlab needs (idempotent; apt-get update only if needed)
# make build    configure and build the release build in build/
# make run      deps + build + open bnlab
# make test     deps + build + ctest, then the suite under AddressSanitizer + UBSan, then the
#               threaded tests (trainer, twin runs, sweeps) under ThreadSanitizer, then the
#               gradient checks and PyTorch references built portable (no -march=native: what runs
#               on another machine's CPU), then each parser's fuzzer for 30 seconds, one per core
# make fuzz     build the libFuzzer harnesses (clang) in build-fuzz/ and run each for FUZZ_SECONDS
# make bench    deps + build + `bnlab bench` and the Google Benchmark micro-benchmarks
# make bench-libtorch  installs libtorch-dev if missing, builds bnlab_vs_libtorch in
#               build-libtorch/ and runs it: each workload's step in bnlab and in LibTorch C++,
#               one thread, interleaved rounds of CPU time (LIBTORCH_ARGS, e.g. "W1 --rounds 5";
#               its table also goes to build-libtorch/vs_libtorch.json)

JOBS ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
PORTABLE_BUILD ?= build-portable
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 300
LIBTORCH_BUILD ?= build-libtorch
LIBTORCH_ARGS ?=
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

DEBIAN_PACKAGES := cmake g++ make pkg-config libimgui-dev libglfw3-dev libgl-dev libeigen3-dev \
  nlohmann-json3-dev zlib1g-dev libopenblas-dev libgtest-dev libbenchmark-dev dataset-fashion-mnist \
  libcairo2-dev libfontconfig-dev fontconfig fonts-wqy-microhei fonts-dejavu-core \
  xvfb xauth xdotool libgl1-mesa-dri clang-14 libclang-rt-14-dev

.PHONY: deps build run test test-release test-asan test-tsan test-portable test-fuzz fuzz fuzz-build bench bench-libtorch clean

deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "make deps: all Debian packages present"; fi

# Unity builds (CMakeLists.txt): each target's files compiled eight to a translation unit, about
# 40% less compile time from scratch, which is most of CI's time.
UNITY = -DBNLAB_UNITY=ON

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(UNITY)
	cmake --build $(BUILD) -j $(JOBS) --target bnlab bnlab_tests

run: build
	./$(BUILD)/bnlab

test: test-release test-asan test-tsan test-portable test-fuzz

test-release: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The widget-ID scan (thousands of frames of hovering, 227 s under ASan against 50 s in release)
# checks IDs, not memory: it runs in the release suite only.
# The sanitizer builds use -O1 -g1 (line tables only): a third of the compile time of -O2 -g, and
# still readable stack traces.
SANITIZER_FLAGS = -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG"
# Precompiled headers (CMakeLists.txt): Eigen, nlohmann/json, GoogleTest and the standard library
# parsed once per target, not once per file; the sanitizer and fuzz builds (-O1) use them.
PCH = -DBNLAB_PCH=ON

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) $(SANITIZER_FLAGS) -DBNLAB_SANITIZE=ON -DBNLAB_NATIVE=OFF $(PCH) $(UNITY)
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target bnlab bnlab_tests
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -E '^WidgetIds.NoTwoWidgetsShareAnIdInEitherLanguage$$'

# The ThreadSanitizer and portable builds run one gtest filter each; BNLAB_TESTS_ONLY builds just
# the test files that define a test the filter selects (tests/CMakeLists.txt), on the core alone.
TSAN_TESTS := Trainer*:TwinRuns*:Sweep*:History*
PORTABLE_TESTS := GradientCheck*:Reference*

test-tsan: deps
	cmake -S . -B $(TSAN_BUILD) $(SANITIZER_FLAGS) -DBNLAB_TSAN=ON -DBNLAB_NATIVE=OFF $(PCH) $(UNITY) -DBNLAB_TESTS_ONLY='$(TSAN_TESTS)'
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target bnlab_tests
	cd $(TSAN_BUILD) && TSAN_OPTIONS=halt_on_error=1 ./bnlab_tests --gtest_filter='$(TSAN_TESTS)'

# The release build without -march=native, as a package for other machines is built; its numerics
# checked against finite differences and PyTorch's fixtures.
test-portable: deps
	cmake -S . -B $(PORTABLE_BUILD) -DCMAKE_BUILD_TYPE=Release -DBNLAB_NATIVE=OFF $(UNITY) -DBNLAB_TESTS_ONLY='$(PORTABLE_TESTS)'
	cmake --build $(PORTABLE_BUILD) -j $(JOBS) --target bnlab_tests
	./$(PORTABLE_BUILD)/bnlab_tests --gtest_filter='$(PORTABLE_TESTS)'

# The fuzzers (fuzz/README.md): clang-14 with libFuzzer, ASan and UBSan, built from the parsers'
# sources alone at -O1.
fuzz-build: deps
	cmake -S . -B $(FUZZ_BUILD) -DBNLAB_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14 -DBNLAB_NATIVE=OFF $(PCH)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers

fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

test-fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_BUILD) 30

bench: build
	cmake --build $(BUILD) -j $(JOBS)
	./$(BUILD)/bnlab bench
	./$(BUILD)/bnlab_bench

# LibTorch is for this comparison only: not in DEBIAN_PACKAGES, so `make test` never needs it.
bench-libtorch: deps
	@dpkg-query -W -f='$${Status}' libtorch-dev 2>/dev/null | grep -q "install ok installed" || { \
	  echo "make bench-libtorch: installing libtorch-dev"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends libtorch-dev; }
	cmake -S . -B $(LIBTORCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DBNLAB_LIBTORCH=ON
	cmake --build $(LIBTORCH_BUILD) -j $(JOBS) --target bnlab_vs_libtorch
	./$(LIBTORCH_BUILD)/bnlab_vs_libtorch --check
	./$(LIBTORCH_BUILD)/bnlab_vs_libtorch $(LIBTORCH_ARGS) --json $(LIBTORCH_BUILD)/vs_libtorch.json

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(PORTABLE_BUILD) $(FUZZ_BUILD) $(LIBTORCH_BUILD)
