# mk/pixels.mk - the pixels page's Fashion-MNIST examples (part 5): the first
# test image of a few classes, from Debian's t10k files, as one small JSON
# file beside the sample photos (so the service worker keeps it). Never committed.

FASHION_DIR ?= /usr/share/datasets/fashion-mnist
FASHION_EXAMPLES := $(SITE)/samples/fashion-mnist.json

$(FASHION_EXAMPLES): scripts/fashion-examples.mjs scripts/idx.mjs web/lib/limits.js $(FASHION_DIR)/t10k-images-idx3-ubyte.gz $(FASHION_DIR)/t10k-labels-idx1-ubyte.gz
	@mkdir -p $(dir $@)
	node scripts/fashion-examples.mjs --from $(FASHION_DIR) --to $@

dist: $(FASHION_EXAMPLES)
