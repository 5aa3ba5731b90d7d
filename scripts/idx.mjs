// scripts/idx.mjs - Debian's Fashion-MNIST files (IDX, gzip'd) for the build
// scripts that make data from them (quick-pack.mjs, fashion-examples.mjs).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** Reads an IDX file (decompressed): { dims, data } after checking its magic and size. */
export function readIdx(bytes, wantDims) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = dv.getUint32(0);
  if (magic >> 8 !== 0x08 || (magic & 0xff) !== wantDims) throw new Error(`not an IDX file of ${wantDims} dimension(s) of bytes`);
  const dims = [];
  for (let d = 0; d < wantDims; d++) dims.push(dv.getUint32(4 + 4 * d));
  const offset = 4 + 4 * wantDims;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== offset + size) throw new Error(`IDX size ${bytes.length}, expected ${offset + size}`);
  return { dims, data: bytes.subarray(offset) };
}

/** The gzip'd IDX file `name` in the folder `from`, read as readIdx does. */
export function readIdxGz(from, name, wantDims) {
  return readIdx(zlib.gunzipSync(fs.readFileSync(path.join(from, name))), wantDims);
}
