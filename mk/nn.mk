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
FUZZ_FLAGS := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Werror -g -O1 -Icore \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -fsanitize-coverage-ignorelist=fuzz/ignore-coverage.txt
FUZZ_TARGETS := $(FUZZ_DIR)/fuzz_idx $(FUZZ_DIR)/fuzz_model
# Largest input each target may try. The model target must reach files of
# realistic size and beyond (the MLP 784-128-10 is 407 KB, the biggest seed
# 3.2 MB); IDX headers and small files are what matter for the IDX reader.
FUZZ_MAX_LEN_idx := 65536
FUZZ_MAX_LEN_model := 8388608

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c fuzz/ignore-coverage.txt $(CORE_SRC) $(CORE_HDR)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $< $(CORE_SRC) -lm -o $@

# Real saved models of 20 KB to 3 MB (tools/fuzz-seeds.c), written at build
# time: too big to commit, and libFuzzer alone would not grow its inputs that far.
$(FUZZ_DIR)/seeds-model.stamp: $(NATIVE_OPT)/fuzz-seeds
	@rm -rf $(FUZZ_DIR)/seeds-model && mkdir -p $(FUZZ_DIR)/seeds-model
	$(NATIVE_OPT)/fuzz-seeds $(FUZZ_DIR)/seeds-model
	@touch $@
$(FUZZ_DIR)/seeds-idx.stamp:
	@mkdir -p $(FUZZ_DIR)/seeds-idx && touch $@

# the native replay of tests/fuzz-regressions/ compiles the targets' own code in
$(NATIVE_SAN)/test_fuzz_regressions: fuzz/fuzz_idx.c fuzz/fuzz_model.c

fuzz-build: $(FUZZ_TARGETS) $(FUZZ_DIR)/seeds-model.stamp

# Each target runs FUZZ_SECONDS on its corpus build/fuzz/corpus-NAME (where new
# inputs go), reading also the generated seeds build/fuzz/seeds-NAME and the
# committed inputs tests/fuzz-regressions/NAME/. A crash is written to
# build/fuzz/crash-NAME-*: copy it into tests/fuzz-regressions/NAME/ so that
# test_fuzz_regressions replays it, and fix the cause.
fuzz_run = mkdir -p $(FUZZ_DIR)/corpus-$(1) && echo "== fuzz_$(1) for $(FUZZ_SECONDS) s" && \
  $(FUZZ_DIR)/fuzz_$(1) -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN_$(1)) \
    -artifact_prefix=$(FUZZ_DIR)/crash-$(1)- \
    $(FUZZ_DIR)/corpus-$(1) $(FUZZ_DIR)/seeds-$(1) tests/fuzz-regressions/$(1)

fuzz: $(FUZZ_TARGETS) $(FUZZ_DIR)/seeds-model.stamp $(FUZZ_DIR)/seeds-idx.stamp
	$(call fuzz_run,idx)
	$(call fuzz_run,model)

# the node test of the model compares the .wasm builds with this native run
test-wasm: $(NATIVE_OPT)/nn-cases
