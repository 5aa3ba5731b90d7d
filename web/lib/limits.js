// limits.js - the names and limits the pages and their workers share, in one
// place (as squoosh's shared/ is). The engine's own values (core/*.h) are
// the truth: tests/wasm/limits.test.mjs checks every number here that mirrors
// one of them against the engine (cl_constant), so they cannot drift apart.

// ---- the engine's enums (core/cl_conv.h, cl_image.h, cl_kernel.h, cl_nn.h, cl_base.h) ----

/** cl_pad: how a convolution reads outside the image. */
export const PAD = Object.freeze({ valid: 0, zero: 1, reflect: 2, edge: 3 });
/** cl_display: how float results become bytes. */
export const DISPLAY = Object.freeze({ clamp: 0, abs: 1, diverging: 2 });
/** cl_kernel_kind: the engine's preset kernels. */
export const KERNEL = Object.freeze({
  identity: 0, box: 1, gaussian: 2, sobelX: 3, sobelY: 4, sharpen: 5, laplacian: 6, emboss: 7,
});
/** cl_filter_mode: what cl_filter_rgba computes. */
export const FILTER_MODE = Object.freeze({ gray: 0, 'per-channel': 1, sum: 2, magnitude: 3 });
/** Size of cl_filter_params on wasm32 (CL_FILTER_PARAMS_BYTES): 21 words of 4 bytes, filled by convlab.js. */
export const FILTER_PARAMS_BYTES = 84;
/** cl_layer_kind. */
export const LAYER_KIND = Object.freeze({
  input: 0, dense: 1, conv: 2, maxpool: 3, avgpool: 4, flatten: 5, relu: 6, sigmoid: 7, tanh: 8, linear: 9, softmax: 10,
});
export const LOSS = Object.freeze({ xent: 0, mse: 1, bce: 2 });
export const OPTIMIZER = Object.freeze({ sgd: 0, momentum: 1, adam: 2 });
/** cl_status values the pages react to by name. */
export const STATUS = Object.freeze({ ok: 0, overflow: 3, arg: 10, format: 13, version: 14, checksum: 15, truncated: 16, mismatch: 17, diverged: 18 });

// ---- the engine's limits ----

/** Largest kernel side (CL_MAX_KERNEL). */
export const MAX_KERNEL = 15;
/** Largest stride (CL_MAX_STRIDE). */
export const MAX_STRIDE = 4;
/** Largest batch of one training call (CL_NN_MAX_BATCH). */
export const MAX_BATCH = 4096;
/** Longest spec, NUL included (CL_NN_MAX_SPEC): a spec has at most MAX_SPEC - 1 characters. */
export const MAX_SPEC = 256;
/** Most parameters of a model (CL_NN_MAX_PARAMS). */
export const MAX_PARAMS = 1 << 24;
/** The largest model file the engine can write (CL_NN_MAX_FILE_BYTES): bigger files are refused unread. */
export const MAX_MODEL_FILE_BYTES = 52 + 255 + 4 + 12 * 64 + 4 * (1 << 24) + 4;

/**
 * The grayscale weights in thousandths (CL_LUMA_R, CL_LUMA_G, CL_LUMA_B of
 * CL_LUMA_SCALE): the engine computes q = 299 R + 587 G + 114 B exactly and
 * rounds q / 1000 to the nearest whole number, halves to even.
 */
export const LUMA = Object.freeze({ r: 299, g: 587, b: 114, scale: 1000 });

/** The colours of the engine's diverging map (CL_DIVERGING_*: ColorBrewer RdBu's ends and middle). */
export const DIVERGING = Object.freeze({ blue: [33, 102, 172], white: [247, 247, 247], red: [178, 24, 43] });

// ---- the data ----

/** Fashion-MNIST: 28 x 28 grayscale images in 10 classes, in the lesson's class order. */
export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
export const CLASS_NAMES = Object.freeze(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
/** The site's copies of Debian's Fashion-MNIST files, relative to the pages. */
export const DATA_FILES = Object.freeze({
  trainImages: 'data/train-images-idx3-ubyte.gz', trainLabels: 'data/train-labels-idx1-ubyte.gz',
  testImages: 'data/t10k-images-idx3-ubyte.gz', testLabels: 'data/t10k-labels-idx1-ubyte.gz',
});
/**
 * The quick pack (scripts/quick-pack.mjs, built at make dist): 11,000 balanced
 * training images, the last 1,000 of them to hold out; Quick mode downloads
 * only it and the test files.
 */
export const QUICK_FILES = Object.freeze({
  trainImages: 'data/quick-train-images-idx3-ubyte.gz', trainLabels: 'data/quick-train-labels-idx1-ubyte.gz',
  testImages: DATA_FILES.testImages, testLabels: DATA_FILES.testLabels,
});
/** How the quick pack is made: the first perClass + heldOutPerClass of each class, training part then held-out part. */
export const QUICK_PACK = Object.freeze({ perClass: 1000, heldOutPerClass: 100, classes: 10 });
/** Every data file's size in bytes, written by make dist beside the files (the page says a download's size first). */
export const DATA_SIZES = 'data/sizes.json';
/** The IndexedDB database the downloaded data is kept in (it works on plain http too, unlike Cache Storage). */
export const DATA_DB = 'convlab-data';

/** Images trained on, held out and tested in each mode (the page says these numbers). */
export const SPLITS = Object.freeze({
  quick: Object.freeze({ train: 10_000, validation: 1_000, test: 10_000 }),
  full: Object.freeze({ train: 55_000, validation: 5_000, test: 10_000 }),
});

/**
 * The architectures the train page opens with (its MLP and CNN defaults), by
 * name; the train page's default settings make these (tests/node/train-state.test.mjs).
 */
export const PRESET_SPECS = Object.freeze({
  mlp: 'dense128-relu-dense10-softmax',
  cnn: 'conv3x3x8-relu-maxpool2-conv3x3x16-relu-dense64-relu-dense10-softmax',
});

/**
 * Most workers that train one batch together (the train page's worker and its
 * helpers, train/team.js): a link may ask for up to this many; a device uses
 * at most its logical cores.
 */
export const MAX_WORKERS = 32;

/** Where earlier versions of the lab kept downloaded data (Cache Storage): read once and moved to DATA_DB. */
export const DATA_CACHE = 'convlab-fashion-mnist-v1';

// ---- images brought in by a student ----

/** Longest side of an image the pages work on; larger ones are scaled down (and told so). */
export const MAX_IMAGE_SIDE = 2048;
/** Images above this many pixels (by their header) are refused before decoding: a 4 GB device survives the decode. */
export const MAX_DECODE_PIXELS = 50_000_000;
