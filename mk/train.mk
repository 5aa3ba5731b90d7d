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
