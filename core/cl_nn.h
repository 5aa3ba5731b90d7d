/*
 * cl_nn.h - neural networks (MLP and CNN): a model from a spec, a training
 * step per batch, inspection for the pages, save and load.
 *
 * Where things are: the model (memory, forward and backward over its layers,
 * training, inspection) in cl_nn.c; the spec parser in cl_nn_spec.c; save and
 * load in cl_nn_io.c. Each layer is a forward/backward pair in a file of its
 * own: cl_dense.h, cl_conv_layer.h, cl_pool.h, cl_activation.h; the losses
 * in cl_loss.h, the optimisers in cl_optimizer.h.
 *
 * Usage (the native trainer tools/convlab-train.c is a complete example):
 *
 *     char err[256];
 *     cl_nn *m = NULL;
 *     cl_status st = cl_nn_create(&m, "conv3x3x8-relu-maxpool2-dense10-softmax",
 *                                 1, 28, 28, 42, err, sizeof err);
 *     if (st != CL_OK) { fprintf(stderr, "%s\n", err); return; }
 *     cl_nn_set_optimizer(m, CL_OPT_ADAM, 0.001f, 0.9f, 0.0f);
 *     for (int epoch = 0; epoch < 5; epoch++) {
 *         cl_nn_shuffle(m, order, n_train);             // order: int32_t[n_train]
 *         for (int i = 0; i + 32 <= n_train; i += 32) {
 *             st = cl_nn_train_step_idx(m, images, labels, order + i, 32);
 *             if (st == CL_ERR_DIVERGED) ...            // weights are the last good ones
 *             printf("%g\n", cl_nn_loss(m));
 *         }
 *         cl_nn_evaluate(m, test_images, test_labels, n_test);
 *         printf("%.4f\n", cl_nn_eval_accuracy(m));
 *     }
 *     size_t len = cl_nn_save_size(m);   // then cl_nn_save(m, buf, len), cl_nn_load(...)
 *     cl_nn_free(m);
 *
 * ---- The spec ----
 * Layers separated by '-', read left to right from the input (C, H, W), which
 * is a parameter of cl_nn_create (Fashion-MNIST: 1, 28, 28). Case and spaces
 * around tokens do not matter.
 *
 *   dense<N>               fully connected, N units. Flattens its input
 *                          implicitly (C, H, W) -> C*H*W, in that order.
 *   conv<KH>x<KW>x<N>      convolution, N output channels, KH x KW kernels
 *                          over all input channels, with bias. Optional
 *                          suffixes: p<P> zero padding P on every side
 *                          (default 0, "valid": 28 -> 26 for 3x3),
 *                          s<S> stride S (default 1). Example: conv5x5x16p2s2.
 *                          OH = (H + 2P - KH) / S + 1 (floor).
 *   maxpool<K>, avgpool<K> K x K windows, stride K, no padding: OH = H / K
 *                          (floor; leftover rows and columns are dropped).
 *   flatten                (C, H, W) -> (C*H*W, 1, 1); a view, no copy.
 *   relu, sigmoid, tanh, linear   activations, each its own token.
 *   softmax                output function, only as the last token.
 * The last layer's output is the model's output (sigmoid at the end is the
 * binary/multi-label output; anything else but softmax is a linear output).
 * Limits (below): at most CL_NN_MAX_LAYERS tokens, CL_NN_MAX_SPEC - 1
 * characters, kernel sides 1..CL_MAX_KERNEL, stride 1..CL_MAX_STRIDE, padding
 * < kernel side, 1..CL_NN_MAX_CHANNELS channels, 1..CL_NN_MAX_UNITS units,
 * CL_NN_MAX_PARAMS parameters, CL_NN_MAX_ACTIVATIONS floats of activations per
 * example. A bad spec gives CL_ERR_SPEC and a message naming the layer, e.g.
 *     layer 3 "maxpool5": a 5x5 window does not fit the 2x2 input
 *
 * ---- Shapes and layout ----
 * Layer 0 is the input; layers 1..cl_nn_layer_count()-1 are the spec's tokens.
 * Every activation is NCHW float32: layer i holds (n, C_i, H_i, W_i) for the
 * last batch run through it. Images passed in are uint8, one example after the
 * other, each C planes of H rows of W pixels (C = 1: the IDX layout), and are
 * normalised to x / 255 inside. The _f32 calls take already-scaled floats.
 * Dense weights are (OUT, IN) row-major, conv weights (OC, C, KH, KW); biases
 * (OUT) or (OC).
 *
 * ---- Training ----
 * One call (cl_nn_train_step*) does forward, loss, backward and the optimiser
 * update on one batch. Loss J (mean over the batch; the L2 term is applied to
 * the gradient of the weights, not biases, and not included in cl_nn_loss):
 *   CL_LOSS_XENT  softmax cross-entropy -log p[label]   (needs a softmax output)
 *   CL_LOSS_MSE   mean over outputs of (y - onehot)^2   (any output)
 *   CL_LOSS_BCE   mean over outputs of binary cross-entropy with the one-hot
 *                 target                                (needs a sigmoid output)
 * With a single output unit the target is the label itself (0 or 1).
 * The default loss follows the output: softmax -> XENT, sigmoid -> BCE, else MSE.
 * Optimisers: w -= lr (g + l2 w) (SGD); v = mom v - lr (g + l2 w), w += v
 * (momentum); Adam (beta1 0.9, beta2 0.999, eps 1e-8) on g + l2 w.
 * Initialisation: He-uniform for a dense/conv followed by relu, Xavier-uniform
 * (Glorot) otherwise; biases 0. All randomness (init, cl_nn_shuffle) comes from
 * the model's own generator seeded by cl_nn_create: same seed, same build ->
 * the same run bit for bit.
 * If a step's loss or any updated parameter is not finite, the step returns
 * CL_ERR_DIVERGED and the weights and optimiser state stay as before the step.
 *
 * ---- Ownership ----
 * The model owns all its memory: one block holding two banks of parameters and
 * optimiser state plus the gradients (named pointers carved from it), and one
 * block for activations grown to the largest batch seen. Pointers returned by
 * the getters point into the model: valid until the next call that trains,
 * runs a forward pass, sets the optimiser, loads or frees. Input buffers are
 * the caller's and are only read during the call. No call keeps a pointer to
 * them. Nothing here prints, exits or uses global state.
 *
 * WebAssembly: every CL_API function is exported; arguments are ints, floats
 * and pointers; the model is an opaque pointer (cl_nn_create writes it to a
 * 4-byte slot the caller allocates). A worker's loop, with the JS glue
 * (convlab.js; tests/wasm/nn.test.mjs does exactly this):
 *
 *     const slot = cl.alloc(4), err = cl.alloc(256), spec = <C string>;
 *     const st = ex.cl_nn_create(slot, spec, 1, 28, 28, seed, err, 256);
 *     // st === 12: the message at err names the bad layer
 *     const m = cl.i32(slot, 1)[0];
 *     const images = <60000*784 bytes copied in once>, labels = <60000 bytes>;
 *     const order = cl.alloc(4 * 60000);
 *     ex.cl_nn_shuffle(m, order, 60000);                  // each epoch
 *     for (let i = 0; i + 32 <= 60000; i += 32) {
 *       cl.check(ex.cl_nn_train_step_idx(m, images, labels, order + 4 * i, 32));
 *       post(ex.cl_nn_loss(m), ex.cl_nn_correct(m) / 32);
 *     }
 *     ex.cl_nn_evaluate(m, testImages, testLabels, 10000);
 *     cl.i32(ex.cl_nn_confusion(m), 100);                  // re-make views after calls
 */
#ifndef CL_NN_H
#define CL_NN_H

#include "cl_base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits (with CL_MAX_KERNEL and CL_MAX_STRIDE of cl_base.h for conv layers). */
#define CL_NN_MAX_LAYERS 32             /* tokens of a spec */
#define CL_NN_MAX_SPEC 256              /* bytes of a spec, its NUL included */
#define CL_NN_MAX_PARAMS (1 << 24)      /* weights and biases of a model */
#define CL_NN_MAX_UNITS 65536           /* units of a dense layer */
#define CL_NN_MAX_CHANNELS 1024         /* channels into or out of a conv layer */
#define CL_NN_MAX_ACTIVATIONS (1 << 22) /* floats per example over every layer's output */
#define CL_NN_MAX_BATCH 4096            /* examples of one call (train, forward, predict) */
#define CL_NN_MAX_CONFUSION 100         /* classes of the largest confusion matrix kept */

typedef struct cl_nn cl_nn;

typedef enum cl_layer_kind {
    CL_LAYER_INPUT = 0,
    CL_LAYER_DENSE = 1,
    CL_LAYER_CONV = 2,
    CL_LAYER_MAXPOOL = 3,
    CL_LAYER_AVGPOOL = 4,
    CL_LAYER_FLATTEN = 5,
    CL_LAYER_RELU = 6,
    CL_LAYER_SIGMOID = 7,
    CL_LAYER_TANH = 8,
    CL_LAYER_LINEAR = 9,
    CL_LAYER_SOFTMAX = 10
} cl_layer_kind;

typedef enum cl_loss_kind { CL_LOSS_XENT = 0, CL_LOSS_MSE = 1, CL_LOSS_BCE = 2 } cl_loss_kind;
typedef enum cl_opt_kind { CL_OPT_SGD = 0, CL_OPT_MOMENTUM = 1, CL_OPT_ADAM = 2 } cl_opt_kind;

/* ---- create, free, spec ---- */

/* Parses spec for an input of (c, h, w) and builds an initialised model in *out.
 * Defaults: SGD, lr 0.01, momentum 0.9, l2 0, the loss that suits the output.
 * On CL_ERR_SPEC (or another error) *out is NULL and err (errlen bytes, may be
 * NULL/0) holds a message naming the bad layer; on success err is "". */
CL_API cl_status cl_nn_create(cl_nn **out, const char *spec, int c, int h, int w, uint32_t seed,
                              char *err, int errlen);
/* Checks a spec without building anything (for a page validating as one types). */
CL_API cl_status cl_nn_check_spec(const char *spec, int c, int h, int w, char *err, int errlen);
/* The number of parameters a model of this spec would have, or -1 if the spec
 * is not valid for a (c, h, w) input. Allocates nothing (the loader checks a
 * file's tensor table against it before building the model). */
CL_API int cl_nn_spec_param_count(const char *spec, int c, int h, int w);
/* Frees the model and all it owns; NULL is fine. */
CL_API void cl_nn_free(cl_nn *m);
/* The spec as parsed (lower case, no spaces), NUL-terminated. */
CL_API const char *cl_nn_spec(const cl_nn *m);
/* The seed given to cl_nn_create (or stored in a loaded file). */
CL_API uint32_t cl_nn_seed(const cl_nn *m);

/* ---- settings ---- */

/* opt: cl_opt_kind. lr > 0, 0 <= momentum < 1 (ignored by SGD and Adam),
 * l2 >= 0. Resets the optimiser state (velocity, Adam moments, step count). */
CL_API cl_status cl_nn_set_optimizer(cl_nn *m, int opt, float lr, float momentum, float l2);
/* Changes only the learning rate (for a schedule); keeps the optimiser state. */
CL_API cl_status cl_nn_set_lr(cl_nn *m, float lr);
/* loss: cl_loss_kind; CL_ERR_MISMATCH if the output does not suit it
 * (XENT needs softmax, BCE needs sigmoid). */
CL_API cl_status cl_nn_set_loss(cl_nn *m, int loss);
CL_API int cl_nn_get_loss_kind(const cl_nn *m);
CL_API int cl_nn_get_optimizer(const cl_nn *m);
CL_API float cl_nn_get_lr(const cl_nn *m);
CL_API float cl_nn_get_momentum(const cl_nn *m);
CL_API float cl_nn_get_l2(const cl_nn *m);
/* Optimiser steps taken since the last cl_nn_set_optimizer/create/load. */
CL_API int cl_nn_steps(const cl_nn *m);

/* ---- training ---- */

/* One step on a batch of n images (n, C, H, W) uint8 and n labels.
 * Labels must be < cl_nn_classes() (0/1 for a single output), else CL_ERR_ARG
 * and nothing changes. After the call: cl_nn_loss(), cl_nn_correct(). */
CL_API cl_status cl_nn_train_step(cl_nn *m, const uint8_t *images, const uint8_t *labels, int n);
/* The same on the examples idx[0..n-1] of a whole data set (images[idx[i]],
 * labels[idx[i]]): the data stays where it is, JS passes a slice of a
 * shuffled order. idx values must be >= 0 (the caller knows the set size). */
CL_API cl_status cl_nn_train_step_idx(cl_nn *m, const uint8_t *images, const uint8_t *labels,
                                      const int32_t *idx, int n);
/* The same with float inputs already scaled (n, C, H, W). */
CL_API cl_status cl_nn_train_step_f32(cl_nn *m, const float *x, const uint8_t *labels, int n);
/* Data loss (mean over the batch) and number of correct argmax predictions of
 * the last training step, and its batch size. */
CL_API float cl_nn_loss(const cl_nn *m);
CL_API int cl_nn_correct(const cl_nn *m);
CL_API int cl_nn_batch(const cl_nn *m);
/* Fills idx with a random permutation of 0..n-1 from the model's generator. */
CL_API cl_status cl_nn_shuffle(cl_nn *m, int32_t *idx, int n);

/* Forward and backward without the update: leaves the gradients of the data
 * loss (no L2) in cl_nn_layer_grad_weights/bias and the loss in cl_nn_loss().
 * For tests and for pages that show gradients. */
CL_API cl_status cl_nn_gradients_f32(cl_nn *m, const float *x, const uint8_t *labels, int n);

/* ---- data-parallel training ----
 * One batch of B examples split over W engines (workers), each a model with
 * the same spec, seed and weights. Each computes the gradient of its part
 * (cl_nn_gradients_idx with batch = B: the gradient of the batch's mean loss
 * that its examples contribute); the parts are summed in a fixed order,
 * g = ((g_0 + g_1) + g_2) + ..., into one model's gradient buffer
 * (cl_nn_add_gradients), which takes the optimiser step (cl_nn_apply_gradients)
 * and hands its new parameters (cl_nn_params, cl_nn_param_floats floats) to
 * the others. The same parts in the same order give the same bits, run after
 * run; W = 1 (one part, no add) is cl_nn_train_step_idx bit for bit. Other W
 * differ from it only in the order of the sums over the batch (the GEMMs of
 * the weight gradients): a few units in the last place of each gradient.
 *
 *     for (k = 0; k < W; k++)   // in parallel, on engine k: examples [lo_k, hi_k) of the batch
 *         cl_nn_gradients_idx(e[k], images, labels, order + lo_k, hi_k - lo_k, B);
 *     for (k = 1; k < W; k++) cl_nn_add_gradients(e[0], cl_nn_grads(e[k]));   // a copy, between workers
 *     st = cl_nn_apply_gradients(e[0]);
 *     for (k = 1; k < W; k++)
 *         memcpy(cl_nn_params(e[k]), cl_nn_params(e[0]), 4 * cl_nn_param_floats(e[0]));
 */

/* Forward and backward on the n examples idx[0..n-1] (as cl_nn_train_step_idx)
 * without the update: the gradient buffer holds the gradient of the mean data
 * loss over a batch of `batch` examples (n <= batch <= CL_NN_MAX_BATCH, else
 * CL_ERR_SIZE) that these n contribute: batch = n is the whole batch's. The
 * L2 term is left to the update. cl_nn_loss() and cl_nn_correct() are of these
 * n (mean and count). CL_ERR_DIVERGED if their loss is not finite. */
CL_API cl_status cl_nn_gradients_idx(cl_nn *m, const uint8_t *images, const uint8_t *labels,
                                     const int32_t *idx, int n, int batch);
/* The floats of the parameter block and of the gradient buffer: every layer's
 * weights, then every layer's biases, each tensor starting at a multiple of 4
 * floats (padding between them is 0). >= cl_nn_param_count(). */
CL_API int cl_nn_param_floats(const cl_nn *m);
/* The current parameters, cl_nn_param_floats() floats; writable (a worker
 * receives the trained model's). Moves after every update: get it again. */
CL_API float *cl_nn_params(cl_nn *m);
/* The gradient buffer, cl_nn_param_floats() floats; writable. */
CL_API float *cl_nn_grads(cl_nn *m);
/* grads[i] += g[i] for every i, one add each, in order. */
CL_API cl_status cl_nn_add_gradients(cl_nn *m, const float *g);
/* The optimiser step (learning rate, L2 on the weights, momentum or Adam
 * state, step count) from the gradient buffer, as cl_nn_train_step_idx takes
 * it after its backward pass; CL_ERR_DIVERGED, nothing changed, if a new
 * value is not finite. */
CL_API cl_status cl_nn_apply_gradients(cl_nn *m);

/* ---- model-parallel training ----
 * One batch over W engines (workers), each with the same spec, seed, weights
 * and settings, splitting the units of layer 1 instead of the examples: for a
 * network whose layer 1 is dense with relu, sigmoid or tanh after it (an MLP),
 * engine k owns units [u_k, u_{k+1}): it computes them for the whole batch,
 * the engines trade those values (n rows of units floats at
 * cl_nn_split_values, row-major: each writes its columns into the others'),
 * then each runs the rest of the network on the whole batch (the same bits
 * on every engine), the backward of its own units and the update of its rows
 * of layer 1 and of every other parameter. No gradient is summed: each
 * output's sums run in the same order as one engine's, so every engine's own
 * rows and all the rest are cl_nn_train_step_idx's bits, whatever W. Its
 * other rows of layer 1 go stale: collect them from their owners
 * (cl_nn_split_get_rows, cl_nn_split_set_rows) before reading the parameters
 * whole.
 *
 *     for (k = 0; k < W; k++)   // in parallel, on engine k
 *         cl_nn_split_forward(e[k], images, labels, order, B, u[k], u[k + 1]);
 *     for (k = 0; k < W; k++)   // a copy, between workers: columns [u[k], u[k + 1]) of each row
 *         for (j != k) copy those columns of cl_nn_split_values(e[k]) into cl_nn_split_values(e[j]);
 *     for (k = 0; k < W; k++)   // in parallel
 *         st[k] = cl_nn_split_step(e[k], B, u[k], u[k + 1]);
 *     // CL_ERR_DIVERGED from one: the others that took the step take it back (cl_nn_split_undo)
 */
/* The units of layer 1 a split step divides: 0 when this network cannot be
 * split (layer 1 not dense, no elementwise activation after it, or nothing
 * after that but what the loss takes). */
CL_API int cl_nn_split_units(const cl_nn *m);
/* The activation's values of the last cl_nn_split_forward: n rows of
 * cl_nn_split_units() floats; writable (the other engines' columns go in). */
CL_API float *cl_nn_split_values(cl_nn *m);
/* Loads the n examples idx[0..n-1] (and their labels) and computes units
 * [u0, u1) of layer 1 and their activation. CL_ERR_ARG if the network cannot
 * be split or the units are not 0 <= u0 < u1 <= cl_nn_split_units(). */
CL_API cl_status cl_nn_split_forward(cl_nn *m, const uint8_t *images, const uint8_t *labels,
                                     const int32_t *idx, int n, int u0, int u1);
/* With every unit's values in place: the rest of the forward pass, the loss
 * (cl_nn_loss, cl_nn_correct of the whole batch), the backward pass and the
 * optimiser step of units [u0, u1) of layer 1 and of all the other layers
 * (cl_nn_grads then holds their gradient; the other rows' is left as it was).
 * CL_ERR_DIVERGED, nothing changed, if the loss or a new value is not finite. */
CL_API cl_status cl_nn_split_step(cl_nn *m, int n, int u0, int u1);
/* Takes back the last optimiser step (the parameters, optimiser state and
 * step count before it): once, right after it. */
CL_API cl_status cl_nn_split_undo(cl_nn *m);
/* The rows of units [u0, u1) of layer 1, to bring an engine's own rows to
 * another (before the parameters are read whole, or one engine trains on
 * alone): per optimiser state array in use (the weights, then momentum's
 * velocity or Adam's two moments), that many rows of layer 1's weights (out x
 * in), then their biases. cl_nn_split_rows_floats: how many floats, 0 for
 * units that are not 0 <= u0 < u1 <= cl_nn_split_units(). */
CL_API int cl_nn_split_rows_floats(const cl_nn *m, int u0, int u1);
CL_API cl_status cl_nn_split_get_rows(const cl_nn *m, int u0, int u1, float *dst);
CL_API cl_status cl_nn_split_set_rows(cl_nn *m, int u0, int u1, const float *src);

/* ---- inference and inspection ---- */

/* Runs the forward pass on n images; then cl_nn_layer_output(m, i) holds every
 * layer's activations (n, C_i, H_i, W_i) and cl_nn_output() the model's. */
CL_API cl_status cl_nn_forward(cl_nn *m, const uint8_t *images, int n);
CL_API cl_status cl_nn_forward_f32(cl_nn *m, const float *x, int n);
/* probs (n, cl_nn_outputs()) = the model's outputs (class probabilities after
 * softmax) for n images, any n >= 1 (run in chunks). */
CL_API cl_status cl_nn_predict(cl_nn *m, const uint8_t *images, int n, float *probs);
/* Data loss, accuracy and confusion matrix on n examples (in chunks). Results
 * in cl_nn_eval_loss / _accuracy / cl_nn_confusion. */
CL_API cl_status cl_nn_evaluate(cl_nn *m, const uint8_t *images, const uint8_t *labels, int n);
CL_API float cl_nn_eval_loss(const cl_nn *m);
CL_API float cl_nn_eval_accuracy(const cl_nn *m);
/* (K, K) int32 row-major, K = cl_nn_classes(): [true label][predicted];
 * NULL when K > CL_NN_MAX_CONFUSION. */
CL_API const int32_t *cl_nn_confusion(const cl_nn *m);

/* Number of layers including the input layer 0. */
CL_API int cl_nn_layer_count(const cl_nn *m);
/* cl_layer_kind of layer i, or -1 if i is out of range (as for the calls below). */
CL_API int cl_nn_layer_kind(const cl_nn *m, int i);
/* The token of layer i ("conv3x3x8", "input1x28x28" for 0); "" if out of range. */
CL_API const char *cl_nn_layer_name(const cl_nn *m, int i);
/* Output shape of layer i per example: dim 0 C, 1 H, 2 W. */
CL_API int cl_nn_layer_shape(const cl_nn *m, int i, int dim);
/* Geometry of a conv or pooling layer i: what 0 kernel rows (pool: window),
 * 1 kernel columns (pool: window), 2 padding, 3 stride (pool: window); 0 for
 * other layers. */
CL_API int cl_nn_layer_geometry(const cl_nn *m, int i, int what);
/* Trainable parameters of layer i (weights + biases), and of the model. */
CL_API int cl_nn_layer_params(const cl_nn *m, int i);
CL_API int cl_nn_param_count(const cl_nn *m);
/* Weight tensor shape of layer i, dim 0..3: dense (OUT, IN, 1, 1), conv
 * (OC, C, KH, KW); all 0 for layers without weights. */
CL_API int cl_nn_layer_weight_shape(const cl_nn *m, int i, int dim);
/* Current weights and biases of layer i, NULL for layers without. Writable:
 * a page or test may set them (e.g. a hand-made filter). */
CL_API float *cl_nn_layer_weights(cl_nn *m, int i);
CL_API float *cl_nn_layer_bias(cl_nn *m, int i);
/* Gradients of the last step (or cl_nn_gradients_f32), same shapes. */
CL_API const float *cl_nn_layer_grad_weights(const cl_nn *m, int i);
CL_API const float *cl_nn_layer_grad_bias(const cl_nn *m, int i);
/* Activations of layer i for the last batch run (n = cl_nn_batch()). */
CL_API const float *cl_nn_layer_output(const cl_nn *m, int i);
/* The last layer's output, (n, cl_nn_outputs()). */
CL_API const float *cl_nn_output(const cl_nn *m);
/* Number of outputs per example, and of classes (outputs; 2 for a single
 * sigmoid/linear output unit read as a binary decision at 0.5). */
CL_API int cl_nn_outputs(const cl_nn *m);
CL_API int cl_nn_classes(const cl_nn *m);

/* ---- save and load (cl_nn_io.c) ----
 * Format, little-endian: "CLNN", u32 version (1), u32 total bytes, u32 in_c,
 * in_h, in_w, u32 seed, u32 optimiser, f32 lr, f32 momentum, f32 l2, u32 loss,
 * u32 spec bytes, the spec (no NUL), u32 tensor count, then per tensor u32
 * layer, u32 role (0 weights, 1 bias), u32 floats; then all tensors' f32
 * values in that order; last u32 CRC-32 (IEEE) of every byte before it.
 * Optimiser state (moments) is not saved: a loaded model starts it afresh.
 * No file the engine writes is larger than CL_NN_MAX_FILE_BYTES (about 64 MiB):
 * a page may refuse a larger one unread. */
#define CL_NN_FILE_VERSION 1
#define CL_NN_FILE_HEADER_BYTES 52 /* "CLNN" up to and including the spec's length */
#define CL_NN_MAX_TENSORS (2 * CL_NN_MAX_LAYERS) /* a weight and a bias tensor per layer */
#define CL_NN_MAX_FILE_BYTES                                                                  \
    (CL_NN_FILE_HEADER_BYTES + (CL_NN_MAX_SPEC - 1) + 4 + 12 * CL_NN_MAX_TENSORS +          \
     4 * CL_NN_MAX_PARAMS + 4) /* header, spec, tensor count and table, values, CRC */
CL_API size_t cl_nn_save_size(const cl_nn *m);
/* Writes exactly cl_nn_save_size() bytes; CL_ERR_OUTPUT if len is smaller. */
CL_API cl_status cl_nn_save(const cl_nn *m, uint8_t *buf, size_t len);
/* Builds a new model from saved bytes. Refuses with CL_ERR_FORMAT (not a
 * model file), CL_ERR_VERSION, CL_ERR_TRUNCATED, CL_ERR_CHECKSUM, CL_ERR_SPEC,
 * CL_ERR_MISMATCH (tensor table does not match the spec); err says which. */
CL_API cl_status cl_nn_load(cl_nn **out, const uint8_t *buf, size_t len, char *err, int errlen);
/* Loads saved weights into an existing model with the same spec and input
 * shape (CL_ERR_MISMATCH otherwise); settings stay, optimiser state resets. */
CL_API cl_status cl_nn_load_weights(cl_nn *m, const uint8_t *buf, size_t len, char *err,
                                    int errlen);
/* CRC-32 (IEEE 802.3, as zlib's crc32) of len bytes. */
CL_API uint32_t cl_crc32(const uint8_t *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
