// convlab-nn.js - models (cl_nn) and data sets (IDX) for the train page, over
// the engine that lib/convlab.js loads: a Network wraps one cl_nn pointer; an
// IDX handle holds one file's bytes in WASM memory, where training reads them
// in place (no copy per batch). Use them through a Convlab (cl.createNetwork,
// cl.loadNetwork, cl.loadIdx, ...): its methods call the functions here.
import { LAYER_KIND, STATUS, CLASS_NAMES } from './limits.js';
import { ConvlabError } from './convlab-error.js';

const ERR_BYTES = 256;
const KIND_NAME = Object.fromEntries(Object.entries(LAYER_KIND).map(([k, v]) => [v, k]));

/** Checks a spec; returns '' if it is good, else the core's message naming the bad layer. */
export function checkSpec(cl, spec, c = 1, h = 28, w = 28) {
  const pErr = cl.scratch('nn-err', ERR_BYTES);
  const st = cl.exports.cl_nn_check_spec(cl.cString(spec), c, h, w, pErr, ERR_BYTES);
  return st === 0 ? '' : cl.readString(pErr) || cl.message(st);
}

/** A new model from a spec: a Network (free() it) or a thrown ConvlabError naming the bad layer. */
export function createNetwork(cl, spec, { c = 1, h = 28, w = 28, seed = 1 } = {}) {
  const pOut = cl.scratch('nn-out', 4), pErr = cl.scratch('nn-err', ERR_BYTES);
  const pSpec = cl.cString(spec);
  const st = cl.exports.cl_nn_create(pOut, pSpec, c, h, w, seed >>> 0, pErr, ERR_BYTES);
  if (st !== 0) throw new ConvlabError(st, cl.readString(pErr) || cl.message(st));
  return new Network(cl, cl.i32(pOut, 1)[0]);
}

/**
 * Layers, shapes and parameter counts of a spec, from a throwaway model:
 * { ok: true, layers: [...], params, outputs } or { ok: false, message }.
 */
export function describeSpec(cl, spec, dims = {}) {
  let net;
  try {
    net = createNetwork(cl, spec, { ...dims, seed: 1 });
    return { ok: true, spec: net.spec, layers: net.layers(), params: net.paramCount, outputs: net.outputs };
  } catch (e) {
    if (!(e instanceof ConvlabError)) throw e;
    return { ok: false, message: e.message, status: e.status };
  } finally {
    net?.free();
  }
}

/** A model from saved bytes (cl_nn_save's format); throws ConvlabError saying why not. */
export function loadNetwork(cl, bytes) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const pBuf = cl.alloc(Math.max(1, b.length));
  try {
    cl.u8(pBuf, b.length).set(b);
    const pOut = cl.scratch('nn-out', 4), pErr = cl.scratch('nn-err', ERR_BYTES);
    const st = cl.exports.cl_nn_load(pOut, pBuf, b.length, pErr, ERR_BYTES);
    if (st !== 0) throw new ConvlabError(st, cl.readString(pErr) || cl.message(st));
    return new Network(cl, cl.i32(pOut, 1)[0]);
  } finally {
    cl.free(pBuf);
  }
}

/**
 * Copies one IDX file (already decompressed) into WASM memory and parses it
 * with the core's reader. kind 'images' (N, rows, cols) or 'labels' (N).
 * Returns a handle { ptr, data, count, rows, cols, itemBytes }: data points
 * at the first element. Free it with freeIdx(); throws ConvlabError on a bad file.
 */
export function loadIdx(cl, bytes, kind) {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  // the parsed cl_idx (8 int32) lives after the bytes, for checkIdxPair()
  const at = (b.length + 15) & ~15;
  const ptr = cl.alloc(at + 32);
  try {
    cl.u8(ptr, b.length).set(b);
    const parse = kind === 'images' ? cl.exports.cl_idx_parse_images : cl.exports.cl_idx_parse_labels;
    cl.check(parse(ptr, b.length, ptr + at), `reading the ${kind} file`);
    // magic, ndims, dims[3], count, item_bytes, offset
    const v = cl.i32(ptr + at, 8);
    return { ptr, idx: ptr + at, data: ptr + v[7], count: v[5], rows: v[3], cols: v[4], itemBytes: v[6], kind };
  } catch (e) {
    cl.free(ptr);
    throw e;
  }
}
/** Images and labels agree in count and every label is < classes; throws otherwise. */
export function checkIdxPair(cl, images, labels, classes = 10) {
  cl.check(cl.exports.cl_idx_check_pair(images.idx, labels.idx, labels.ptr, classes), 'images and labels');
}
export function freeIdx(cl, handle) {
  if (!handle?.ptr) return;
  cl.free(handle.ptr);
  handle.ptr = handle.data = 0;
}

/**
 * One model in WASM memory (cl_nn). Pointers to images, labels and orders
 * are WASM pointers (from loadIdx() or alloc()). Arrays returned are copies,
 * safe to keep and to transfer.
 */
export class Network {
  constructor(cl, ptr) {
    this.cl = cl;
    this.ptr = ptr;
    this.ex = cl.exports;
  }
  free() {
    if (this.ptr) this.ex.cl_nn_free(this.ptr);
    this.ptr = 0;
  }
  get spec() { return this.cl.readString(this.ex.cl_nn_spec(this.ptr)); }
  get seed() { return this.ex.cl_nn_seed(this.ptr) >>> 0; }
  get paramCount() { return this.ex.cl_nn_param_count(this.ptr); }
  get outputs() { return this.ex.cl_nn_outputs(this.ptr); }
  get classes() { return this.ex.cl_nn_classes(this.ptr); }
  get steps() { return this.ex.cl_nn_steps(this.ptr); }
  /** (C, H, W) of the input layer. */
  get inputShape() { return [0, 1, 2].map((d) => this.ex.cl_nn_layer_shape(this.ptr, 0, d)); }
  get settings() {
    const ex = this.ex, p = this.ptr;
    return {
      optimizer: ex.cl_nn_get_optimizer(p), lr: ex.cl_nn_get_lr(p), momentum: ex.cl_nn_get_momentum(p),
      l2: ex.cl_nn_get_l2(p), loss: ex.cl_nn_get_loss_kind(p),
    };
  }

  /** optimizer: OPTIMIZER value; lr > 0, 0 <= momentum < 1, l2 >= 0. Resets the optimiser state. */
  setOptimizer(optimizer, lr, momentum = 0.9, l2 = 0) {
    this.cl.check(this.ex.cl_nn_set_optimizer(this.ptr, optimizer, lr, momentum, l2), 'optimiser settings');
  }
  setLr(lr) { this.cl.check(this.ex.cl_nn_set_lr(this.ptr, lr), 'learning rate'); }
  /** loss: LOSS value; throws (status mismatch) if the output does not suit it. */
  setLoss(loss) { this.cl.check(this.ex.cl_nn_set_loss(this.ptr, loss), 'loss'); }

  /** Fills n int32 at orderPtr with a random permutation from the model's generator. */
  shuffle(orderPtr, n) { this.cl.check(this.ex.cl_nn_shuffle(this.ptr, orderPtr, n), 'shuffle'); }

  /**
   * One training step (one WASM call) on images[idx[i]], i < n.
   * Returns { loss, correct, n }; throws ConvlabError (status STATUS.diverged
   * when the loss or a weight stopped being finite: the weights are the last good ones).
   */
  trainStepIdx(imagesPtr, labelsPtr, idxPtr, n) {
    this.cl.check(this.ex.cl_nn_train_step_idx(this.ptr, imagesPtr, labelsPtr, idxPtr, n), 'training step');
    return { loss: this.ex.cl_nn_loss(this.ptr), correct: this.ex.cl_nn_correct(this.ptr), n };
  }
  /** The same on n consecutive images. */
  trainStep(imagesPtr, labelsPtr, n) {
    this.cl.check(this.ex.cl_nn_train_step(this.ptr, imagesPtr, labelsPtr, n), 'training step');
    return { loss: this.ex.cl_nn_loss(this.ptr), correct: this.ex.cl_nn_correct(this.ptr), n };
  }

  // ---- data-parallel training (core/cl_nn.h): one batch over several engines ----

  /** Floats of the parameter block and of the gradient buffer (padding included). */
  get paramFloats() { return this.ex.cl_nn_param_floats(this.ptr); }
  /** A view of the current parameters in WASM memory (it moves after every update, and a grown memory detaches it). */
  paramsView() { return this.cl.f32(this.ex.cl_nn_params(this.ptr), this.paramFloats); }
  /** A view of the gradient buffer in WASM memory (detached when memory grows). */
  gradsView() { return this.cl.f32(this.ex.cl_nn_grads(this.ptr), this.paramFloats); }
  /** Where the gradient buffer is in WASM memory (for lib/shared-bridge.js). */
  get gradsPtr() { return this.ex.cl_nn_grads(this.ptr); }

  /**
   * Forward and backward on images[idx[i]], i < n, without the update: the
   * gradient buffer gets these n examples' share of the gradient of a batch of
   * `batch` examples (n <= batch). Returns { loss, correct, n } of these n;
   * throws ConvlabError (STATUS.diverged: their loss is not finite).
   */
  gradientsIdx(imagesPtr, labelsPtr, idxPtr, n, batch) {
    this.cl.check(this.ex.cl_nn_gradients_idx(this.ptr, imagesPtr, labelsPtr, idxPtr, n, batch), 'gradients');
    return { loss: this.ex.cl_nn_loss(this.ptr), correct: this.ex.cl_nn_correct(this.ptr), n };
  }
  /** gradients += g, element by element in order (g: WASM pointer to paramFloats floats). */
  addGradients(gPtr) { this.cl.check(this.ex.cl_nn_add_gradients(this.ptr, gPtr), 'adding gradients'); }
  /** The optimiser step from the gradient buffer; throws ConvlabError (STATUS.diverged: nothing changed). */
  applyGradients() { this.cl.check(this.ex.cl_nn_apply_gradients(this.ptr), 'training step'); }

  // ---- model-parallel training (core/cl_nn.h): layer 1's units split over several engines ----

  /** Units of layer 1 a split step divides; 0: this network cannot be split. */
  get splitUnits() { return this.ex.cl_nn_split_units(this.ptr); }
  /** A view of the activation's values of the last splitForward: n rows of splitUnits floats (detached when memory grows). */
  splitValues(n) { return this.cl.f32(this.splitValuesPtr, n * this.splitUnits); }
  /** Where those values are in the engine's memory. */
  get splitValuesPtr() { return this.ex.cl_nn_split_values(this.ptr); }
  /** Loads images[idx[i]], i < n, and computes units [u0, u1) of layer 1 and their activation. */
  splitForward(imagesPtr, labelsPtr, idxPtr, n, u0, u1) {
    this.cl.check(this.ex.cl_nn_split_forward(this.ptr, imagesPtr, labelsPtr, idxPtr, n, u0, u1), 'training step');
  }
  /**
   * With every unit's values in place: the rest of the step, updating units
   * [u0, u1) of layer 1 and every other layer. Returns { loss, correct, n } of
   * the batch; throws ConvlabError (STATUS.diverged: nothing changed).
   */
  splitStep(n, u0, u1) {
    this.cl.check(this.ex.cl_nn_split_step(this.ptr, n, u0, u1), 'training step');
    return { loss: this.ex.cl_nn_loss(this.ptr), correct: this.ex.cl_nn_correct(this.ptr), n };
  }
  /** Takes back the last step (once, right after it). */
  splitUndo() { this.cl.check(this.ex.cl_nn_split_undo(this.ptr), 'taking back a step'); }
  /** Floats of units [u0, u1)'s rows of layer 1 with their optimiser state (splitGetRows, splitSetRows). */
  splitRowsFloats(u0, u1) { return this.ex.cl_nn_split_rows_floats(this.ptr, u0, u1); }
  /** Units [u0, u1)'s rows of layer 1 and their optimiser state, copied to dstPtr (splitRowsFloats floats). */
  splitGetRows(u0, u1, dstPtr) { this.cl.check(this.ex.cl_nn_split_get_rows(this.ptr, u0, u1, dstPtr), 'collecting the weights'); }
  /** The same rows, copied in from srcPtr: the model's own from then on. */
  splitSetRows(u0, u1, srcPtr) { this.cl.check(this.ex.cl_nn_split_set_rows(this.ptr, u0, u1, srcPtr), 'collecting the weights'); }

  /** Loss, accuracy and the (K, K) confusion matrix [true][predicted] on n examples. */
  evaluate(imagesPtr, labelsPtr, n) {
    this.cl.check(this.ex.cl_nn_evaluate(this.ptr, imagesPtr, labelsPtr, n), 'evaluation');
    const k = this.classes, pc = this.ex.cl_nn_confusion(this.ptr);
    return {
      loss: this.ex.cl_nn_eval_loss(this.ptr),
      accuracy: this.ex.cl_nn_eval_accuracy(this.ptr),
      confusion: pc ? Int32Array.from(this.cl.i32(pc, k * k)) : null,
      classes: k,
    };
  }

  /** Outputs (class probabilities after softmax), (n, outputs) floats. */
  predict(imagesPtr, n) {
    const k = this.outputs;
    const p = this.cl.scratch('nn-probs', 4 * n * k);
    this.cl.check(this.ex.cl_nn_predict(this.ptr, imagesPtr, n, p), 'prediction');
    return Float32Array.from(this.cl.f32(p, n * k));
  }

  /** Forward pass on n images; then layerOutput(i) holds layer i's activations. */
  forward(imagesPtr, n) { this.cl.check(this.ex.cl_nn_forward(this.ptr, imagesPtr, n), 'forward pass'); }

  /** Every layer: { index, kind, name, shape: [C, H, W], params, weightShape, geometry }. */
  layers() {
    const ex = this.ex, p = this.ptr, out = [];
    const count = ex.cl_nn_layer_count(p);
    for (let i = 0; i < count; i++) {
      const kind = ex.cl_nn_layer_kind(p, i);
      out.push({
        index: i,
        kind: KIND_NAME[kind] ?? String(kind),
        name: this.cl.readString(ex.cl_nn_layer_name(p, i), 64),
        shape: [0, 1, 2].map((d) => ex.cl_nn_layer_shape(p, i, d)),
        params: ex.cl_nn_layer_params(p, i),
        weightShape: [0, 1, 2, 3].map((d) => ex.cl_nn_layer_weight_shape(p, i, d)),
        geometry: [0, 1, 2, 3].map((d) => ex.cl_nn_layer_geometry(p, i, d)),
      });
    }
    return out;
  }

  /** Copies of layer i's weights and biases (null for a layer without). */
  weights(i) {
    const ws = [0, 1, 2, 3].map((d) => this.ex.cl_nn_layer_weight_shape(this.ptr, i, d));
    const n = ws[0] * ws[1] * ws[2] * ws[3];
    const pw = this.ex.cl_nn_layer_weights(this.ptr, i), pb = this.ex.cl_nn_layer_bias(this.ptr, i);
    if (!pw || !n) return null;
    return { shape: ws, weights: Float32Array.from(this.cl.f32(pw, n)), bias: Float32Array.from(this.cl.f32(pb, ws[0])) };
  }

  /** A copy of layer i's activations for the last forward pass, (n, C, H, W). */
  layerOutput(i) {
    const n = this.ex.cl_nn_batch(this.ptr);
    const size = [0, 1, 2].reduce((s, d) => s * this.ex.cl_nn_layer_shape(this.ptr, i, d), 1);
    const po = this.ex.cl_nn_layer_output(this.ptr, i);
    return po ? Float32Array.from(this.cl.f32(po, n * size)) : null;
  }

  /**
   * How conv layer i computed output (o, r, c) of image n of the last forward
   * pass, input channel by input channel, by the engine's reference
   * (cl_f32_conv_layer_forward_ref on one channel at a time): { bias, sums,
   * totals, value, forward }. sums[ch]: channel ch's products added from 0;
   * totals[ch]: the running sum, bias first, after channel ch, as the layer
   * adds (value = the last total); forward: the layer's own output there.
   * @param {number} i @param {number} o @param {number} r @param {number} c @param {number} [n]
   */
  convSteps(i, o, r, c, n = 0) {
    const ex = this.ex, p = this.ptr, cl = this.cl;
    const [oc, C, kh, kw] = [0, 1, 2, 3].map((d) => ex.cl_nn_layer_weight_shape(p, i, d));
    const [, H, W] = [0, 1, 2].map((d) => ex.cl_nn_layer_shape(p, i - 1, d));
    const [, OH, OW] = [0, 1, 2].map((d) => ex.cl_nn_layer_shape(p, i, d));
    if (ex.cl_nn_layer_kind(p, i) !== LAYER_KIND.conv || !(o >= 0 && o < oc && r >= 0 && r < OH && c >= 0 && c < OW)) {
      throw new RangeError(`convSteps: (${o}, ${r}, ${c}) is not a value of a conv layer ${i}`);
    }
    const pad = ex.cl_nn_layer_geometry(p, i, 2), stride = ex.cl_nn_layer_geometry(p, i, 3);
    const pShape = cl.scratch('steps-shape', 44), pBias = cl.scratch('steps-bias', 4);
    const pOut = cl.scratch('steps-out', 4 * OH * OW);
    const shape = cl.i32(pShape, 11);
    shape.set([1, 1, H, W, 1, kh, kw, pad, stride, 0, 0]);
    cl.check(ex.cl_conv_shape_init(pShape), 'conv shape');
    const x = ex.cl_nn_layer_output(p, i - 1) + 4 * n * C * H * W;
    const w = ex.cl_nn_layer_weights(p, i) + 4 * o * C * kh * kw;
    const bias = cl.f32(ex.cl_nn_layer_bias(p, i) + 4 * o, 1)[0];
    const at = r * OW + c;
    const one = (ch, start) => {
      cl.f32(pBias, 1)[0] = start;
      ex.cl_f32_conv_layer_forward_ref(pShape, x + 4 * ch * H * W, w + 4 * ch * kh * kw, pBias, pOut);
      return cl.f32(pOut, OH * OW)[at];
    };
    const sums = [], totals = [];
    let total = bias;
    for (let ch = 0; ch < C; ch++) {
      sums.push(one(ch, 0));
      totals.push(total = one(ch, total));
    }
    const forward = cl.f32(ex.cl_nn_layer_output(p, i) + 4 * ((n * oc + o) * OH * OW + at), 1)[0];
    return { bias, sums, totals, value: total, forward };
  }

  /** The model in convlab's file format (a copy). */
  save() {
    const len = this.ex.cl_nn_save_size(this.ptr);
    const p = this.cl.alloc(len);
    try {
      this.cl.check(this.ex.cl_nn_save(this.ptr, p, len), 'saving the model');
      return Uint8Array.from(this.cl.u8(p, len));
    } finally {
      this.cl.free(p);
    }
  }

  /**
   * The model as an ONNX file (opset 13; core/cl_onnx.h says what it holds):
   * input "image" (N, C, H, W) float32 = pixel bytes / 255, output "output".
   * classNames, one per class, go into the file's metadata; by default
   * Fashion-MNIST's when the model has 10 classes, else the class numbers.
   * Throws ConvlabError (status mismatch: not one name per class; arg: an
   * empty name or one with a comma or control character).
   * @param {{ classNames?: readonly string[] }} [options]
   * @returns {Uint8Array}
   */
  saveOnnx({ classNames } = {}) {
    return this._export('onnx', classNames);
  }

  /**
   * The model as one Python file for PyTorch (core/cl_pytorch.h): a
   * torch.nn.Sequential mirroring the spec, the trained weights embedded, and
   * how to run it in a comment at the top. classNames as for saveOnnx().
   * @param {{ classNames?: readonly string[] }} [options]
   * @returns {string}
   */
  savePyTorch({ classNames } = {}) {
    return new TextDecoder().decode(this._export('pytorch', classNames));
  }

  /** Runs one engine export (its _size and save_ calls) into a fresh Uint8Array. */
  _export(format, classNames = this.classes === CLASS_NAMES.length ? CLASS_NAMES : null) {
    const ex = this.ex, cl = this.cl;
    const [size, save] = format === 'onnx' ? [ex.cl_nn_onnx_size, ex.cl_nn_save_onnx] : [ex.cl_nn_pytorch_size, ex.cl_nn_save_pytorch];
    if (classNames && classNames.some((n) => n.includes(','))) {
      throw new ConvlabError(STATUS.arg, 'a class name contains a comma', `saving for ${format}`);
    }
    const pNames = classNames ? cl.cString(classNames.join(','), 'class-names') : 0;
    const st = ex.cl_nn_check_class_names(this.ptr, pNames);
    if (st === STATUS.mismatch) {
      throw new ConvlabError(st, `${classNames.length} class names for ${this.classes} classes`, `saving for ${format}`);
    }
    cl.check(st, `saving for ${format}: the class names`);
    const len = size(this.ptr, pNames);
    if (!len) throw new ConvlabError(STATUS.overflow, cl.message(STATUS.overflow), `saving for ${format}`);
    const p = cl.alloc(len);
    try {
      cl.check(save(this.ptr, pNames, p, len), `saving for ${format}`);
      return Uint8Array.from(cl.u8(p, len));
    } finally {
      cl.free(p);
    }
  }
}
