// images.js - where X comes from: the class's number matrices, the sample
// photos, a file, the webcam. Each image is handed to the engine; when images
// overlap (a slow photo, then a matrix), only the newest is taken. What the
// page does with it is main.js's (`taken`), as are the words said meanwhile (`say`).
import { loadSample, openCamera } from '../lib/image-source.js';
import { MATRICES, matrixImage } from './state.js';

/** @typedef {import('./engine.js').Engine} Engine */
/** @typedef {import('./engine.js').Busy} Busy */

export class Images {
  /**
   * @param {object} hooks
   * @param {() => Engine} hooks.engine  the engine (once loaded)
   * @param {Busy} hooks.busy
   * @param {(text: string, kind?: 'warning'|'error') => void} hooks.say  the image's message line
   * @param {(img: any, id: string, seq: number) => Promise<void>} hooks.taken  the engine holds image number `seq` now
   * @param {number} maxSide  the longest side of an image brought in
   */
  constructor({ engine, busy, say, taken }, maxSide) {
    this.engine = engine;
    this.busy = busy;
    this.say = say;
    this.taken = taken;
    this.maxSide = maxSide;
    this.seq = 0;           // images handed to the engine so far
    this.fileLoading = false;
    this.camera = null;
  }

  /** A matrix or a sample photo, by its menu entry ('own' is the one on screen already). @param {string} id */
  async choose(id) {
    if (id === 'own') return;
    this.say(MATRICES[id] ? '' : 'Loading…');
    this.busy.add(1);
    try {
      await this.use(MATRICES[id] ? matrixImage(id) : await loadSample(id), id);
    } catch (e) {
      this.say(e.message, 'error');
    } finally {
      this.busy.doneSoon();
    }
  }

  /**
   * Hands an image ({ data: RGBA bytes, width, height, name, gray, note? }) to the engine.
   * @param {any} img
   * @param {string} id
   */
  async use(img, id) {
    const seq = ++this.seq;
    const { width, height } = img;
    const data = img.data.byteLength === img.data.buffer.byteLength ? img.data : img.data.slice();
    await this.engine().call('setImage', { data: data.buffer, width, height }, [data.buffer]);
    if (seq === this.seq) await this.taken(img, id, seq);
  }

  /** Says why the engine refused an image. @param {Error} e */
  failed(e) {
    this.say(`The engine could not take this image (${e.message}). The image shown is unchanged.`, 'error');
  }

  // Files: only the newest of overlapping loads reports back, so they count as one piece of work.

  /** @param {string} label */
  fileStart(label) {
    if (!this.fileLoading) this.busy.add(1);
    this.fileLoading = true;
    this.say(`Reading ${label}…`);
  }

  fileDone() {
    if (!this.fileLoading) return;
    this.fileLoading = false;
    this.busy.doneSoon();
  }

  /** @param {Error} err */
  fileError(err) {
    this.say(`${err.message} The image shown is unchanged.`, 'error');
    this.fileDone();
  }

  /** The webcam on, into `video`: returns true when it is. @param {HTMLVideoElement} video */
  async startCamera(video) {
    try {
      this.camera = await openCamera(video, { maxSide: this.maxSide });
      this.say('The webcam is on: take a picture to use it as X.');
      return true;
    } catch (e) {
      this.say(e.message, 'error');
      return false;
    }
  }

  /** The webcam's picture, as X: resolves once it is taken (null while the webcam is off). */
  capture() {
    return this.camera ? this.use(this.camera.capture('webcam picture'), 'own') : null;
  }

  stopCamera() {
    this.camera?.stop();
    this.camera = null;
    this.say('');
  }
}
