# mk/nn.mk - the network model: native trainer, fuzzing of the parsers.
#
#   make trainer               build/native/convlab-train (also: make build/convlab-train)
#   make fuzz                  libFuzzer on the IDX reader and the model loader (FUZZ_SECONDS each)

.PHONY: trainer fuzz fuzz-build

trainer: $(NATIVE_OPT)/convlab-train

$(BUILD)/convlab-train: $(NATIVE_OPT)/convlab-train
	cp $< $@

# ---- fuzzing: clang's libFuzzer with ASan/UBSan, outside `make test` ----
FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 120
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_FLAGS := -std=c11 -g -O1 -Icore -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TARGETS := $(FUZZ_DIR)/fuzz_idx $(FUZZ_DIR)/fuzz_model

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c $(CORE_SRC) $(CORE_HDR)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $< $(CORE_SRC) -lm -o $@

fuzz-build: $(FUZZ_TARGETS)

# Each target runs FUZZ_SECONDS from a corpus in build/fuzz/corpus-NAME seeded
# from tests/fuzz-regressions/NAME/; a crash is written to build/fuzz/ (copy it
# into tests/fuzz-regressions/NAME/ so that test_fuzz_regressions replays it).
fuzz: $(FUZZ_TARGETS)
	@set -e; for t in idx model; do \
	  mkdir -p $(FUZZ_DIR)/corpus-$$t; \
	  cp -n tests/fuzz-regressions/$$t/* $(FUZZ_DIR)/corpus-$$t/ 2>/dev/null || true; \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -artifact_prefix=$(FUZZ_DIR)/crash-$$t- $(FUZZ_DIR)/corpus-$$t; \
	done

# the node test of the model compares the .wasm builds with this native run
test-wasm: $(NATIVE_OPT)/nn-cases
