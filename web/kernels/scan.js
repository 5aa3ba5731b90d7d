// scan.js - section 5's scan: the selected output pixel moving on by itself,
// a step every so many milliseconds, until it is stopped (by its button, or
// by any other choice of a pixel). main.js says what a step does.

export class Scan {
  /**
   * @param {() => void} step            one step of the scan
   * @param {(playing: boolean) => void} changed  the scan started or stopped
   */
  constructor(step, changed) {
    this.step = step;
    this.changed = changed;
    this.timer = null;
  }

  get playing() {
    return this.timer !== null;
  }

  /** Starts, a step every `ms`. @param {number} ms */
  start(ms) {
    clearInterval(this.timer);
    this.timer = setInterval(this.step, ms);
    this.changed(true);
  }

  /** Stops where it is (the pixel it reached stays selected). */
  stop() {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
    this.changed(false);
  }

  /** Another speed: a scan on its way goes on at it. @param {number} ms */
  every(ms) {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = setInterval(this.step, ms);
  }
}
