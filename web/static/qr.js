// A small QR code encoder for the check-in screen: byte mode, error correction level M,
// versions 1–6 (up to 106 bytes, plenty for a check-in URL). It runs on the leader's phone
// with no network, so the code can change every minute offline (ISO/IEC 18004 throughout;
// tests/test_qr.py compares its matrices with segno's).

/** Data codewords, blocks and error correction codewords per block, level M, by version. */
const LEVEL_M = [null, [16, 1, 10], [28, 1, 16], [44, 1, 26], [64, 2, 18], [86, 2, 24], [108, 4, 16]];
const FORMAT_M = 0b00;

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i++) {
  EXP[i] = x;
  LOG[x] = i;
  x <<= 1;
  if (x & 0x100) x ^= 0x11d;
}
for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];

function multiply(a, b) {
  return a && b ? EXP[LOG[a] + LOG[b]] : 0;
}

/** The Reed-Solomon generator polynomial of `degree` (highest coefficient first, leading 1 dropped). */
function generator(degree) {
  let poly = [1];
  for (let i = 0; i < degree; i++) {
    const next = new Array(poly.length + 1).fill(0);
    poly.forEach((c, j) => {
      next[j] ^= c;
      next[j + 1] ^= multiply(c, EXP[i]);
    });
    poly = next;
  }
  return poly.slice(1);
}

function errorCorrection(data, degree) {
  const gen = generator(degree);
  const rest = new Array(degree).fill(0);
  for (const byte of data) {
    const factor = byte ^ rest.shift();
    rest.push(0);
    gen.forEach((c, i) => { rest[i] ^= multiply(c, factor); });
  }
  return rest;
}

/** The smallest version (1–6) holding `length` bytes; throws when none does. */
export function versionFor(length) {
  for (let version = 1; version < LEVEL_M.length; version++) {
    if (12 + 8 * length <= LEVEL_M[version][0] * 8) return version;
  }
  throw new RangeError("too long for a QR code of version 6");
}

/** The final codeword sequence: data in byte mode, padded, split into blocks and interleaved. */
function codewords(bytes, version) {
  const [capacity, blockCount, ecLength] = LEVEL_M[version];
  const bits = [];
  const put = (value, length) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  put(0b0100, 4);
  put(bytes.length, 8);
  bytes.forEach((b) => put(b, 8));
  put(0, Math.min(4, capacity * 8 - bits.length));
  put(0, (8 - (bits.length % 8)) % 8);
  const data = [];
  for (let i = 0; i < bits.length; i += 8) data.push(bits.slice(i, i + 8).reduce((a, b) => (a << 1) | b));
  for (let pad = 0xec; data.length < capacity; pad ^= 0xec ^ 0x11) data.push(pad);
  const blockLength = capacity / blockCount;
  const blocks = [];
  for (let i = 0; i < blockCount; i++) blocks.push(data.slice(i * blockLength, (i + 1) * blockLength));
  const ecBlocks = blocks.map((block) => errorCorrection(block, ecLength));
  const out = [];
  for (let i = 0; i < blockLength; i++) blocks.forEach((b) => out.push(b[i]));
  for (let i = 0; i < ecLength; i++) ecBlocks.forEach((b) => out.push(b[i]));
  return out;
}

function grid(size, value) {
  return Array.from({ length: size }, () => new Array(size).fill(value));
}

/** The fixed patterns: finders with separators, timing, alignment, the dark module. */
function functionPatterns(version) {
  const size = 17 + 4 * version;
  const modules = grid(size, 0);
  const reserved = grid(size, false);
  const set = (row, col, dark) => {
    modules[row][col] = dark ? 1 : 0;
    reserved[row][col] = true;
  };
  for (const [top, left] of [[0, 0], [0, size - 7], [size - 7, 0]]) {
    for (let r = -1; r <= 7; r++) {
      for (let c = -1; c <= 7; c++) {
        const row = top + r;
        const col = left + c;
        if (row < 0 || row >= size || col < 0 || col >= size) continue;
        const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
        set(row, col, ring !== 2 && ring !== 4);
      }
    }
  }
  for (let i = 8; i < size - 8; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  if (version >= 2) {
    const centre = size - 7;
    for (let r = -2; r <= 2; r++) {
      for (let c = -2; c <= 2; c++) set(centre + r, centre + c, Math.max(Math.abs(r), Math.abs(c)) !== 1);
    }
  }
  // Format information areas (written after masking) and the dark module.
  for (let i = 0; i < 9; i++) {
    reserved[8][i] = true;
    reserved[i][8] = true;
  }
  for (let i = 0; i < 8; i++) {
    reserved[8][size - 1 - i] = true;
    reserved[size - 1 - i][8] = true;
  }
  set(size - 8, 8, true);
  return { size, modules, reserved };
}

function placeData(modules, reserved, data) {
  const size = modules.length;
  let index = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let step = 0; step < size; step++) {
      const row = upward ? size - 1 - step : step;
      for (let j = 0; j < 2; j++) {
        const col = right - j;
        if (reserved[row][col]) continue;
        const byte = data[index >> 3];
        modules[row][col] = byte === undefined ? 0 : (byte >>> (7 - (index & 7))) & 1;
        index++;
      }
    }
  }
}

const MASKS = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (r, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

function formatBits(mask) {
  const data = (FORMAT_M << 3) | mask;
  let rest = data;
  for (let i = 0; i < 10; i++) rest = (rest << 1) ^ ((rest >>> 9) * 0x537);
  return ((data << 10) | rest) ^ 0x5412;
}

function writeFormat(modules, mask) {
  const size = modules.length;
  const bits = formatBits(mask);
  const bit = (i) => (bits >>> i) & 1;
  for (let i = 0; i <= 5; i++) modules[i][8] = bit(i);
  modules[7][8] = bit(6);
  modules[8][8] = bit(7);
  modules[8][7] = bit(8);
  for (let i = 9; i < 15; i++) modules[8][14 - i] = bit(i);
  for (let i = 0; i < 8; i++) modules[8][size - 1 - i] = bit(i);
  for (let i = 8; i < 15; i++) modules[size - 15 + i][8] = bit(i);
}

function masked(base, reserved, mask) {
  const modules = base.map((row, r) => row.map((v, c) => (!reserved[r][c] && MASKS[mask](r, c) ? v ^ 1 : v)));
  writeFormat(modules, mask);
  return modules;
}

/** The standard's penalty score of a finished matrix (lower reads better). */
export function penalty(modules) {
  const size = modules.length;
  const column = (c) => modules.map((row) => row[c]);
  const lines = [...modules, ...modules.map((_, c) => column(c))];
  let score = 0;
  for (const line of lines) {
    let run = 1;
    for (let i = 1; i <= size; i++) {
      if (i < size && line[i] === line[i - 1]) {
        run++;
      } else {
        if (run >= 5) score += run - 2;
        run = 1;
      }
    }
    const text = line.join("");
    for (const pattern of ["10111010000", "00001011101"]) {
      for (let at = text.indexOf(pattern); at !== -1; at = text.indexOf(pattern, at + 1)) score += 40;
    }
  }
  let dark = 0;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      dark += modules[r][c];
      if (r && c) {
        const v = modules[r][c];
        if (v === modules[r - 1][c] && v === modules[r][c - 1] && v === modules[r - 1][c - 1]) score += 3;
      }
    }
  }
  const total = size * size;
  return score + 10 * Math.floor(Math.abs(dark * 20 - total * 10) / total);
}

/**
 * The QR code of `text` (UTF-8, byte mode, level M): `{ version, mask, modules }`, modules
 * a square of rows of 0 (light) and 1 (dark), without the quiet zone. `version` and `mask`
 * are chosen as the standard says unless given.
 */
export function encode(text, { version, mask } = {}) {
  const bytes = [...new TextEncoder().encode(text)];
  const smallest = versionFor(bytes.length);
  const chosen = version ?? smallest;
  if (chosen < smallest || chosen >= LEVEL_M.length) throw new RangeError("version cannot hold the text");
  const { modules: base, reserved } = functionPatterns(chosen);
  placeData(base, reserved, codewords(bytes, chosen));
  let best = null;
  for (const m of mask === undefined ? MASKS.keys() : [mask]) {
    const modules = masked(base, reserved, m);
    const score = mask === undefined ? penalty(modules) : 0;
    if (!best || score < best.score) best = { version: chosen, mask: m, modules, score };
  }
  return { version: best.version, mask: best.mask, modules: best.modules };
}

/** Draws `text`'s QR code on `canvas`, with the four-module quiet zone, `scale` pixels a module. */
export function draw(canvas, text, scale = 8) {
  const { modules } = encode(text);
  const quiet = 4;
  const side = (modules.length + 2 * quiet) * scale;
  canvas.width = side;
  canvas.height = side;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, side, side);
  context.fillStyle = "#000";
  modules.forEach((row, r) => row.forEach((dark, c) => {
    if (dark) context.fillRect((c + quiet) * scale, (r + quiet) * scale, scale, scale);
  }));
}
