// lib/shared-bridge.js - the copies between an engine's memory and the train
// page's shared memory, done by a small WebAssembly module that has both
// (lib/shared-bridge.wat: why it is faster, and where it runs).
//
//   const bridge = await sharedBridge(cl.memory, shared);   // null where it cannot run
//   bridge.put(sharedOffset, enginePtr, bytes);              // engine -> shared
//   bridge.get(enginePtr, sharedOffset, bytes);              // shared -> engine
//   bridge.putRows(sharedOffset, enginePtr, bytes, stride, rows); // engine -> shared, rows bytes long, stride apart
//   bridge.add(enginePtr, sharedOffset, floats);             // engine floats += shared floats
//
// Part of the glue layer: with lib/convlab.js the only code that calls WebAssembly exports.

/** The module, once: null where it cannot be had (fetched or compiled), asked once per worker. @type {Promise<WebAssembly.Module | null> | null} */
let compiled = null;

/**
 * A bridge between engine (an engine's WebAssembly.Memory) and shared (a
 * shared WebAssembly.Memory), or null where the browser cannot compile it
 * (no multi-memory) or it cannot be loaded: the caller copies with typed arrays then.
 * @param {WebAssembly.Memory} engine @param {WebAssembly.Memory} shared
 */
export async function sharedBridge(engine, shared) {
  compiled ??= fetch(new URL('./shared-bridge.wasm', import.meta.url))
    .then((res) => (res.ok ? res.arrayBuffer() : Promise.reject(new Error(`HTTP ${res.status}`))))
    .then((bytes) => WebAssembly.compile(bytes))
    .catch(() => null);
  const module = await compiled;
  if (!module) return null;
  try {
    const instance = await WebAssembly.instantiate(module, { env: { engine, shared } });
    const ex = /** @type {any} */ (instance.exports);
    return {
      /** @param {number} dst @param {number} src @param {number} bytes */
      put: (dst, src, bytes) => ex.put(dst, src, bytes),
      /** @param {number} dst @param {number} src @param {number} bytes */
      get: (dst, src, bytes) => ex.get(dst, src, bytes),
      /** @param {number} dst @param {number} src @param {number} bytes @param {number} stride @param {number} rows */
      putRows: (dst, src, bytes, stride, rows) => ex.put_rows(dst, src, bytes, stride, rows),
      /** @param {number} dst @param {number} src @param {number} floats */
      add: (dst, src, floats) => ex.add(dst, src, floats),
    };
  } catch {
    return null; // memories it cannot take (not shared, too large): typed arrays
  }
}
