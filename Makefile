# convlab: the one entry point. `make help` lists the targets.
#
#   make serve   install what is missing, build, serve on http://127.0.0.1:$(PORT)
#   make test    install what is missing, build, run every test (native, wasm, browser,
#                and the cross-engine scenarios in Chromium, Firefox and WebKit)
#   make dist    build the static site into build/site/ (upload it anywhere)
#   make bench   speed figures: native, and both .wasm builds in Chromium
#   make fuzz    fuzz the parsers with libFuzzer (not part of make test)

SHELL := /bin/bash
PORT ?= 8000
# what make test runs side by side: the build's jobs, the native test programs, the node test files
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# `make V=1` shows the full commands
Q := $(if $(V),,@)
BUILD := build
SITE := $(BUILD)/site

# Debian's emscripten needs its own node modules (acorn) beside whatever node is first on PATH.
export NODE_PATH := /usr/share/nodejs
EMCC ?= emcc
CC ?= gcc
CFLAGS_COMMON := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Werror -ffp-contract=off -Icore

CORE_SRC := $(sort $(filter-out %_wasmsimd.c,$(wildcard core/*.c)))
SIMD_SRC := $(sort $(wildcard core/*_wasmsimd.c))
CORE_HDR := $(wildcard core/*.h)

# ---- WebAssembly: a SIMD and a scalar module, both standalone (no Emscripten JS) ----
EMFLAGS := -O3 -DNDEBUG $(CFLAGS_COMMON) --no-entry -sALLOW_MEMORY_GROWTH=1 \
  -sINITIAL_MEMORY=32MB -sMAXIMUM_MEMORY=2GB -sERROR_ON_UNDEFINED_SYMBOLS=1 -sFILESYSTEM=0

$(SITE)/convlab-simd.wasm: $(CORE_SRC) $(SIMD_SRC) $(CORE_HDR) | $(SITE)
	@echo "  EMCC  $@"
	$(Q)$(EMCC) $(EMFLAGS) -msimd128 -DCL_HAVE_SIMD $(CORE_SRC) $(SIMD_SRC) -o $@

$(SITE)/convlab-scalar.wasm: $(CORE_SRC) $(CORE_HDR) | $(SITE)
	@echo "  EMCC  $@"
	$(Q)$(EMCC) $(EMFLAGS) $(CORE_SRC) -o $@

# ---- the static site: web/ as it is, plus the modules and the sample images ----
# every file of web/ as it is, but the service worker, which is stamped with the site's version
WEB_FILES := $(filter-out web/sw.js %.wat,$(shell find web -type f 2>/dev/null))
SITE_WEB := $(patsubst web/%,$(SITE)/%,$(WEB_FILES))

$(SITE):
	mkdir -p $@

$(SITE)/%: web/%
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

# The train page's copies into and out of shared memory (web/lib/shared-bridge.wat says why)
$(SITE)/lib/shared-bridge.wasm: web/lib/shared-bridge.wat
	@mkdir -p $(dir $@)
	@echo "  WAT   $@"
	$(Q)wat2wasm --enable-multi-memory --enable-threads $< -o $@

WASM := $(SITE)/convlab-simd.wasm $(SITE)/convlab-scalar.wasm $(SITE)/lib/shared-bridge.wasm
# After everything else is in place (mk/*.mk add the data): sw.js with the hash of the site.
dist: $(WASM) $(SITE_WEB)
	@node scripts/site-version.mjs --site $(SITE) --template web/sw.js
all: dist
.DEFAULT_GOAL := dist

# ---- native builds of the core: tests (sanitizers) and tools (optimised) ----
NATIVE_SAN := $(BUILD)/native-san
NATIVE_OPT := $(BUILD)/native
SANFLAGS := -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
TEST_SRC := $(sort $(wildcard tests/native/test_*.c))
TEST_BIN := $(patsubst tests/native/%.c,$(NATIVE_SAN)/%,$(TEST_SRC))

$(NATIVE_SAN)/%.o: core/%.c $(CORE_HDR)
	@mkdir -p $(dir $@)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS_COMMON) $(SANFLAGS) -DCL_HAVE_SIMD -c $< -o $@
$(NATIVE_SAN)/libconvlab.a: $(patsubst core/%.c,$(NATIVE_SAN)/%.o,$(CORE_SRC) $(SIMD_SRC))
	$(Q)rm -f $@ && ar rcs $@ $^
$(NATIVE_SAN)/test_%: tests/native/test_%.c tests/native/cl_test.h $(NATIVE_SAN)/libconvlab.a
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS_COMMON) $(SANFLAGS) -DCL_HAVE_SIMD -Itests/native $< $(NATIVE_SAN)/libconvlab.a -lcmocka -lz -lm -o $@

$(NATIVE_OPT)/%.o: core/%.c $(CORE_HDR)
	@mkdir -p $(dir $@)
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS_COMMON) -O3 -march=native -DCL_HAVE_SIMD -c $< -o $@
$(NATIVE_OPT)/libconvlab.a: $(patsubst core/%.c,$(NATIVE_OPT)/%.o,$(CORE_SRC) $(SIMD_SRC))
	$(Q)rm -f $@ && ar rcs $@ $^
$(NATIVE_OPT)/%: tools/%.c $(NATIVE_OPT)/libconvlab.a
	@echo "  CC    $@"
	$(Q)$(CC) $(CFLAGS_COMMON) -O3 -march=native -DCL_HAVE_SIMD $< $(NATIVE_OPT)/libconvlab.a -lz -lm -o $@

# ---- parts of the build kept beside the code they build (mk/*.mk) ----
-include $(sort $(wildcard mk/*.mk))

# ---- commands ----
.PHONY: all dist install serve test test-types test-native test-wasm test-browser test-engines bench clean help fuzz

install:
	@bash scripts/install.sh

# ISOLATE=1 (the default): cross-origin isolated, so the train page's workers share memory
ISOLATE ?= 1
serve: install dist
	node scripts/serve.mjs --root $(SITE) --port $(PORT) $(if $(filter 1,$(ISOLATE)),--isolate)

# The site's JS against its JSDoc types (tsconfig.json): TypeScript's checker, no build step.
test-types:
	npx tsc -p .

# The test programs run JOBS at a time, each into its own log, shown in order afterwards.
test-native: $(TEST_BIN)
	@printf '%s\n' $(TEST_BIN) | xargs -P $(JOBS) -I{} sh -c '{} > {}.log 2>&1; echo $$? > {}.rc'; \
	failed=""; for t in $(TEST_BIN); do echo "== $$t"; cat $$t.log; [ "$$(cat $$t.rc)" = 0 ] || failed="$$failed $$(basename $$t)"; done; \
	if [ -n "$$failed" ]; then echo "test-native: FAILED:$$failed"; exit 1; fi

test-wasm: dist $(NATIVE_OPT)/conv-cases $(NATIVE_OPT)/convlab-train
	node --test --test-concurrency=$(JOBS) tests/wasm/ tests/node/

# two files at a time (each a Chromium), the longest first so that both end together (tests/browser/run.mjs)
test-browser: dist
	node tests/browser/run.mjs --jobs 2

# The same scenarios in each engine a class has: Chromium, Firefox ESR, WebKitGTK (tests/engines/)
test-engines: dist $(NATIVE_OPT)/convlab-train
	node --test --test-concurrency=1 tests/engines/

# Every suite runs even when an earlier one fails; the last line sums them up.
SUITES := test-types test-native test-wasm test-browser test-engines
test: install
	@$(MAKE) --no-print-directory -j$(JOBS) dist $(TEST_BIN) $(NATIVE_OPT)/conv-cases $(NATIVE_OPT)/convlab-train $(NATIVE_OPT)/nn-cases
	@passed=0; failed=0; bad=""; \
	for s in $(SUITES); do \
	  if $(MAKE) --no-print-directory $$s; then passed=$$((passed+1)); else failed=$$((failed+1)); bad="$$bad $$s"; fi; \
	done; \
	[ -z "$$bad" ] || echo "make test: failing suites:$$bad"; \
	echo "suites: $$passed passed, $$failed failed"; \
	[ $$failed -eq 0 ]

# The vector peak the convolution benchmarks measure against (tests/bench/peak.wat says why by hand)
$(BUILD)/bench/peak.wasm: tests/bench/peak.wat
	@mkdir -p $(dir $@)
	@echo "  WAT   $@"
	$(Q)wat2wasm $< -o $@

# ... and the fused multiply-add peak the relaxed build's are measured against (tests/bench/peak-relaxed.wat)
$(BUILD)/bench/peak-relaxed.wasm: tests/bench/peak-relaxed.wat
	@mkdir -p $(dir $@)
	@echo "  WAT   $@"
	$(Q)wat2wasm --enable-relaxed-simd $< -o $@

bench: install dist $(NATIVE_OPT)/bench-native $(BUILD)/bench/peak.wasm $(BUILD)/bench/peak-relaxed.wasm
	$(NATIVE_OPT)/bench-native
	node scripts/bench.mjs

clean:
	rm -rf $(BUILD) test-artifacts

help:
	@sed -n '1,/^$$/p' Makefile
