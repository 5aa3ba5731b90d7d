# mk/train.mk - the train page's data: Debian's Fashion-MNIST files (package
# dataset-fashion-mnist) copied into the built site as they are (gzip), for
# the page to download, decompress and cache. Never committed.

FASHION_DIR ?= /usr/share/datasets/fashion-mnist
FASHION_FILES := train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz \
  t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz
FASHION_SITE := $(addprefix $(SITE)/data/,$(FASHION_FILES))

$(SITE)/data/%.gz: $(FASHION_DIR)/%.gz
	@mkdir -p $(dir $@)
	cp $< $@

dist: $(FASHION_SITE)

# The quick pack (scripts/quick-pack.mjs): 11,000 balanced training images for
# Quick mode (10,000 to train, 1,000 held out), about 4.8 MB; with the test
# files, a Quick download is about 9.2 MB instead of 31.
QUICK_PACK := $(SITE)/data/quick-train-images-idx3-ubyte.gz $(SITE)/data/quick-train-labels-idx1-ubyte.gz
$(QUICK_PACK) $(SITE)/data/sizes.json &: scripts/quick-pack.mjs scripts/idx.mjs web/train/pack.js $(FASHION_SITE) $(FASHION_DIR)/train-images-idx3-ubyte.gz $(FASHION_DIR)/train-labels-idx1-ubyte.gz
	@mkdir -p $(dir $@)
	node scripts/quick-pack.mjs --from $(FASHION_DIR) --to $(SITE)/data

dist: $(QUICK_PACK) $(SITE)/data/sizes.json

# The costs of data-parallel training one at a time, and the epoch on 1, 2, 4
# and 8 cores they give (tools/bench-parallel.mjs; README, Performance). Part of make bench.
.PHONY: bench-parallel
bench-parallel: dist
	node tools/bench-parallel.mjs
bench: bench-parallel
