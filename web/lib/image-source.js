// image-source.js - where a page's image comes from: a sample, the student's
// file (picker or drag-and-drop), or the webcam. Shared by the pixels and
// kernels pages. No WASM here: it hands back plain RGBA bytes.
//
//   import { SAMPLES, loadSample, loadFile, bindImageInputs, openCamera,
//            ImageSourceError, MAX_SIDE } from './image-source.js';
//
//   let image = await loadSample('coffee');   // { data, width, height, name, ... }
//   draw(image);
//
//   // File picker + drop zone, with stale results ignored and errors reported:
//   bindImageInputs({
//     fileInput: document.querySelector('#file'),
//     dropZone: document.querySelector('[data-drop]'),
//     onStart: (label) => say(`Reading ${label}…`),
//     onImage: (img) => { image = img; draw(img); say(img.note ?? ''); },
//     onError: (err) => say(err.message, 'error'),   // the current image stays
//   });
//
//   // The webcam (a <video> element shows the live picture):
//   const cam = await openCamera(videoElement);     // throws ImageSourceError
//   image = cam.capture();  ...  cam.stop();
//
// Every image this module returns is ImageData-like:
//   {
//     data:   Uint8ClampedArray, RGBA, row-major: pixel (row y, column x) starts
//             at 4 * (y * width + x); alpha is always 255 (transparent pixels
//             are composited over white, see `note`)
//     width, height   in pixels, each at most MAX_SIDE (or the maxSide option)
//     name:   a short label for the page ("coffee.png", "my-cat.jpg", "webcam")
//     source: 'sample' | 'file' | 'camera'
//     gray:   true when every pixel has R = G = B (a grayscale picture)
//     scaledFrom?: { width, height }   the original size, when it was scaled down
//     transparent?: true   it had transparent pixels (composited over white)
//     note?:  a user-facing sentence about what was done (scaled down, transparency)
//   }
//
// Failures throw ImageSourceError (err.code below, err.message written for the
// student, e.g. "“notes.png” is not an image: …"). Nothing here changes a
// page's current image: a page keeps what it shows until a load succeeds.
//
//   code               when
//   'empty'            the file has no bytes
//   'not-image'        the bytes are not a picture format the browser can read
//   'decode'           it looks like an image but is cut short or damaged (checked
//                      here, before decoding) or the browser could not decode it
//   'too-large'        more than MAX_DECODE_PIXELS pixels by its header: not even tried
//   'sample'           a sample could not be fetched (unknown name, network)
//   'camera-unavailable' no webcam API here (insecure page, old browser)
//   'camera-denied'    the student or the browser refused access
//   'camera-missing'   no camera found, or it is in use elsewhere
//
// Decoding uses createImageBitmap (off the main thread in browsers) with
// colorSpaceConversion 'none', so the numbers are the ones stored in the file.
// Big images are scaled while decoding (resizeWidth/resizeHeight), so the
// page never holds a full-size copy of a large photo.
//
// Before decoding, the file's size is read from its header and its structure is
// walked (checkImageStructure, in image-header.js), so that every browser
// engine answers alike: Chromium refuses a PNG cut short while Firefox shows it half white and WebKit
// all white, and a decoder asked for 400 megapixels takes 3 GB or more, enough
// to kill a tab on a 4 GB Chromebook, whatever it is asked to scale it to.

// MAX_SIDE: the longest side of any image this module returns (default);
// MAX_DECODE_PIXELS: larger images (by their header) are refused before any
// decoding (a 4 GB device survives the decode: about 200 MB of RGBA, plus the
// decoder's own buffers); a 48-megapixel phone photo (8000 x 6000) is still read.
import { MAX_IMAGE_SIDE as MAX_SIDE, MAX_DECODE_PIXELS } from './limits.js';

import { readImageHeader, checkImageStructure } from './image-header.js';

export { MAX_SIDE, MAX_DECODE_PIXELS, readImageHeader, checkImageStructure };

/**
 * @typedef {{ readonly name: string, readonly file: string, readonly label: string }} Sample
 */

/**
 * The sample images in samples/ (credits on credits.html). Each label gives
 * the picture's size the lesson's way, (height, width, channels), each
 * number named.
 * @type {readonly Sample[]}
 */
export const SAMPLES = Object.freeze([
  { name: 'camera', file: 'camera.png', label: 'Cameraman (grayscale: height 512, width 512)' },
  { name: 'astronaut', file: 'astronaut.png', label: 'Astronaut (colour: height 512, width 512, 3 channels)' },
  { name: 'coffee', file: 'coffee.png', label: 'Coffee cup (colour: height 400, width 600, 3 channels)' },
  { name: 'chelsea', file: 'chelsea.png', label: 'Chelsea the cat (colour: height 300, width 451, 3 channels)' },
  { name: 'retina', file: 'retina.png', label: 'The back of an eye, the lesson’s photo (colour: height 1050, width 700, 3 channels)' },
].map((x) => Object.freeze(x)));

export class ImageSourceError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'ImageSourceError';
    this.code = code;
  }
}

/** Loads a sample by name ('camera', 'coffee', ...) from samples/ beside this module. */
export async function loadSample(name, { maxSide = MAX_SIDE } = {}) {
  const sample = SAMPLES.find((s) => s.name === name);
  if (!sample) throw new ImageSourceError('sample', `There is no sample image called “${name}”.`);
  let blob;
  try {
    const res = await fetch(new URL(`../samples/${sample.file}`, import.meta.url));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    blob = await res.blob();
  } catch (e) {
    throw new ImageSourceError('sample', `The sample “${sample.file}” could not be loaded (${e.message}).`, { cause: e });
  }
  return decodeBlob(blob, sample.file, { maxSide, source: 'sample' });
}

/** Loads a File (or any Blob; pass a name for a Blob) chosen or dropped by the student. */
export async function loadFile(file, { maxSide = MAX_SIDE, name = file?.name ?? 'image' } = {}) {
  if (!(file instanceof Blob)) throw new ImageSourceError('not-image', 'No file was chosen.');
  if (file.size === 0) throw new ImageSourceError('empty', `“${name}” is empty (0 bytes): there is no picture in it.`);
  return decodeBlob(file, name, { maxSide, source: 'file' });
}

/**
 * The image files in a DataTransfer (a drop), first one only; throws an
 * ImageSourceError when nothing was dropped or the drop holds no file.
 */
export function fileFromDrop(dataTransfer) {
  const file = dataTransfer?.files?.[0];
  if (!file) throw new ImageSourceError('not-image', 'What was dropped is not a file. Drop an image file (PNG, JPEG, WebP or GIF).');
  return file;
}

/**
 * Wires a file input and a drop zone to loadFile. Only the latest load reports
 * (a slow big image cannot overwrite a newer choice). Returns a function that
 * removes the listeners.
 *   onStart(label)  a load began (show "Reading …")
 *   onImage(img)    a load succeeded
 *   onError(err)    it failed (err.message is for the student)
 */
export function bindImageInputs({ fileInput, dropZone, onStart, onImage, onError, maxSide = MAX_SIDE }) {
  let generation = 0;
  const run = async (file) => {
    const mine = ++generation;
    onStart?.(file?.name ?? 'the file');
    try {
      const img = await loadFile(file, { maxSide });
      if (mine === generation) onImage(img);
    } catch (e) {
      if (mine === generation) onError?.(asSourceError(e));
    }
  };
  const onChange = () => {
    const file = fileInput.files?.[0];
    if (file) run(file);
    fileInput.value = ''; // choosing the same file again still fires change
  };
  const onDragOver = (e) => {
    if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    dropZone.dataset.dragging = 'true';
  };
  const onDragLeave = (e) => {
    if (!dropZone.contains(e.relatedTarget)) delete dropZone.dataset.dragging;
  };
  const onDrop = (e) => {
    e.preventDefault();
    delete dropZone.dataset.dragging;
    let file;
    try {
      file = fileFromDrop(e.dataTransfer);
    } catch (err) {
      onError?.(asSourceError(err));
      return;
    }
    run(file);
  };
  fileInput?.addEventListener('change', onChange);
  dropZone?.addEventListener('dragover', onDragOver);
  dropZone?.addEventListener('dragleave', onDragLeave);
  dropZone?.addEventListener('drop', onDrop);
  return () => {
    fileInput?.removeEventListener('change', onChange);
    dropZone?.removeEventListener('dragover', onDragOver);
    dropZone?.removeEventListener('dragleave', onDragLeave);
    dropZone?.removeEventListener('drop', onDrop);
  };
}

/**
 * Starts the webcam and shows it in `video` (a <video> element).
 * Resolves to { video, stream, capture(name?), stop() }; capture() returns an
 * image (as above) of the current frame. Throws ImageSourceError with a
 * camera-* code when there is no camera, no permission, or no API.
 */
export async function openCamera(video, { maxSide = MAX_SIDE } = {}) {
  if (!globalThis.isSecureContext) {
    throw new ImageSourceError('camera-unavailable',
      'The webcam only works on a secure page (an https:// address, or http://localhost). Use a sample or a file instead.');
  }
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new ImageSourceError('camera-unavailable', 'This browser does not let web pages use a webcam. Use a sample or a file instead.');
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
  } catch (e) {
    throw cameraError(e);
  }
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  try {
    await video.play();
    if (!video.videoWidth) await new Promise((resolve) => video.addEventListener('loadedmetadata', resolve, { once: true }));
  } catch (e) {
    stopStream(stream);
    throw new ImageSourceError('camera-missing', `The webcam started but shows no picture (${e.message}).`, { cause: e });
  }
  return {
    video,
    stream,
    capture(name = 'webcam') {
      const { width, height } = fitSize(video.videoWidth, video.videoHeight, maxSide);
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(video, 0, 0, width, height);
      const scaled = width !== video.videoWidth;
      return finish(ctx.getImageData(0, 0, width, height).data, width, height, name, 'camera',
        scaled ? { width: video.videoWidth, height: video.videoHeight } : undefined, maxSide);
    },
    stop() {
      stopStream(stream);
      video.srcObject = null;
    },
  };
}

/** True when every pixel of an RGBA image has R = G = B. */
export function isGrayscale({ data }) {
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) return false;
  }
  return true;
}

/** The size a width x height image gets under a longest-side limit (aspect kept, at least 1 px). */
export function fitSize(width, height, maxSide = MAX_SIDE) {
  const long = Math.max(width, height);
  if (long <= maxSide) return { width, height, scaled: false };
  const s = maxSide / long;
  return {
    width: Math.max(1, Math.min(maxSide, Math.round(width * s))),
    height: Math.max(1, Math.min(maxSide, Math.round(height * s))),
    scaled: true,
  };
}

// ---- private ----

const HEADER_BYTES = 256 * 1024; // enough for most JPEGs' EXIF block before their SOF marker

async function decodeBlob(blob, name, { maxSide, source }) {
  // The size from the first bytes: too many pixels is refused before the rest is read.
  let head = readImageHeader(new Uint8Array(await blob.slice(0, HEADER_BYTES).arrayBuffer()));
  refuseTooLarge(head, name);
  if (head) {
    // The whole file: the size of a JPEG whose frame header lies further in (a large
    // EXIF or XMP block), and its structure. A file cut short is refused here, not
    // left to the decoder: Chromium refuses it, Firefox and WebKit would show what
    // arrived and fill the rest with white.
    const bytes = new Uint8Array(await blob.arrayBuffer());
    if (!(head.width > 0 && head.height > 0)) {
      head = readImageHeader(bytes);
      refuseTooLarge(head, name);
    }
    const problem = checkImageStructure(bytes);
    if (problem) throw decodeError(name, head, new Error(problem), null);
  }
  const known = head && head.width > 0 && head.height > 0;
  /** @type {ImageBitmapOptions} */
  const options = { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' };
  const fit = known ? fitSize(head.width, head.height, maxSide) : null;
  let bitmap;
  try {
    bitmap = fit?.scaled
      ? await createImageBitmap(blob, { ...options, resizeWidth: fit.width, resizeHeight: fit.height, resizeQuality: 'high' })
      : await createImageBitmap(blob, options);
  } catch (e) {
    throw decodeError(name, head, e, await blob.slice(0, 512).arrayBuffer());
  }
  let original = known ? { width: head.width, height: head.height } : { width: bitmap.width, height: bitmap.height };
  // A format without a size in its header (AVIF, ICO, ...) or an orientation
  // the header did not tell: scale the decoded bitmap instead.
  const want = fitSize(bitmap.width, bitmap.height, maxSide);
  if (want.scaled || (fit?.scaled && (bitmap.width !== fit.width || bitmap.height !== fit.height))) {
    const full = fit?.scaled ? await createImageBitmap(blob, options) : bitmap;
    original = { width: full.width, height: full.height };
    const w = fitSize(full.width, full.height, maxSide);
    const small = await createImageBitmap(full, { resizeWidth: w.width, resizeHeight: w.height, resizeQuality: 'high' });
    full.close();
    if (bitmap !== full) bitmap.close();
    bitmap = small;
  }
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const scaledFrom = width !== original.width || height !== original.height ? original : undefined;
  return finish(ctx.getImageData(0, 0, width, height).data, width, height, name, source, scaledFrom, maxSide);
}

function refuseTooLarge(head, name) {
  if (!(head?.width * head?.height > MAX_DECODE_PIXELS)) return;
  throw new ImageSourceError('too-large',
    `“${name}” is ${head.width} × ${head.height} pixels, ${megapixels(head.width * head.height)} megapixels: ` +
    `more than this page can decode (the limit is ${megapixels(MAX_DECODE_PIXELS)} megapixels, so that a ` +
    'laptop or Chromebook with little memory does not run out of it). Make it smaller first.');
}

// Composites transparency over white, fills in gray and the note.
function finish(data, width, height, name, source, scaledFrom, maxSide) {
  let transparent = false;
  for (let i = 3; i < data.length; i += 4) {
    const a = data[i];
    if (a === 255) continue;
    transparent = true;
    const t = 255 - a;
    data[i - 3] = Math.round((data[i - 3] * a + 255 * t) / 255);
    data[i - 2] = Math.round((data[i - 2] * a + 255 * t) / 255);
    data[i - 1] = Math.round((data[i - 1] * a + 255 * t) / 255);
    data[i] = 255;
  }
  const notes = [];
  if (scaledFrom) {
    notes.push(`“${name}” is ${scaledFrom.width} × ${scaledFrom.height} pixels, more than the ${maxSide}-pixel limit ` +
      `on the longest side here, so it was scaled down to ${width} × ${height}.`);
  }
  if (transparent) notes.push(`“${name}” has transparent pixels: they are shown over white, since the arrays here have no alpha channel.`);
  const img = { data, width, height, name, source, gray: isGrayscale({ data }) };
  if (scaledFrom) img.scaledFrom = scaledFrom;
  if (transparent) img.transparent = true;
  if (notes.length) img.note = notes.join(' ');
  return img;
}

function decodeError(name, head, cause, firstBytes) {
  if (head) {
    return new ImageSourceError('decode',
      `“${name}” starts like a ${head.format.toUpperCase()} file but could not be decoded: it may be damaged or cut short.`, { cause });
  }
  const kind = looksLikeText(new Uint8Array(firstBytes)) ? ' (it looks like a text file)' : '';
  return new ImageSourceError('not-image',
    `“${name}” is not an image this browser can read${kind}. Choose a PNG, JPEG, WebP or GIF file.`, { cause });
}

function looksLikeText(b) {
  if (b.length === 0) return false;
  let printable = 0;
  for (const v of b) if (v === 9 || v === 10 || v === 13 || (v >= 32 && v < 127) || v >= 128) printable++;
  return printable / b.length > 0.95 && !b.includes(0);
}

function megapixels(n) {
  return String(Math.round(n / 1e6));
}

function asSourceError(e) {
  return e instanceof ImageSourceError ? e : new ImageSourceError('decode', `The image could not be read (${e.message}).`, { cause: e });
}

function cameraError(e) {
  switch (e?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new ImageSourceError('camera-denied',
        'The webcam was not allowed. To use it, allow camera access for this page in the browser (the icon in the address bar), then try again.', { cause: e });
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new ImageSourceError('camera-missing', 'No webcam was found on this device.', { cause: e });
    case 'NotReadableError':
    case 'AbortError':
      return new ImageSourceError('camera-missing', 'The webcam could not be started: another program may be using it.', { cause: e });
    default:
      return new ImageSourceError('camera-unavailable', `The webcam could not be started (${e?.message ?? e}).`, { cause: e });
  }
}

function stopStream(stream) {
  for (const track of stream.getTracks()) track.stop();
}
