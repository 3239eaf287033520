// A QR code encoder small enough to live on the tablet (no library, no network): byte mode,
// error correction level M, versions 1 to 10 (up to 213 bytes; a check-in link is under 120).
// It follows ISO/IEC 18004: data and Reed-Solomon codewords interleaved per block, the
// zigzag placement, the eight masks scored by the four penalty rules, format and version
// information. tests/runsheet/test_checkin.py compares its modules with segno's (the
// server's QR library) for every mask.

// Per version 1..10 at level M: [EC codewords per block, [[blocks, data codewords], ...]].
const BLOCKS_M = [null,
  [10, [[1, 16]]], [16, [[1, 28]]], [26, [[1, 44]]], [18, [[2, 32]]], [24, [[2, 43]]],
  [16, [[4, 27]]], [18, [[4, 31]]], [22, [[2, 38], [2, 39]]], [22, [[3, 36], [2, 37]]],
  [26, [[4, 43], [1, 44]]]];
const ALIGNMENT = [null, [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38],
  [6, 24, 42], [6, 26, 46], [6, 28, 50]];
export const MAX_VERSION = 10;
const LEVEL_M = 0;   // the two format bits of level M

function gfMultiply(x, y) {
  let z = 0;
  for (let i = 7; i >= 0; i--) {
    z = (z << 1) ^ ((z >>> 7) * 0x11d);
    z ^= ((y >>> i) & 1) * x;
  }
  return z;
}

function rsDivisor(degree) {
  const result = new Array(degree).fill(0);
  result[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      result[j] = gfMultiply(result[j], root);
      if (j + 1 < degree) result[j] ^= result[j + 1];
    }
    root = gfMultiply(root, 0x02);
  }
  return result;
}

function rsRemainder(data, divisor) {
  const result = new Array(divisor.length).fill(0);
  for (const byte of data) {
    const factor = byte ^ result.shift();
    result.push(0);
    divisor.forEach((coefficient, i) => { result[i] ^= gfMultiply(coefficient, factor); });
  }
  return result;
}

function dataCodewords(version) {
  return BLOCKS_M[version][1].reduce((sum, [count, size]) => sum + count * size, 0);
}

function chooseVersion(length) {
  for (let version = 1; version <= MAX_VERSION; version++) {
    const countBits = version < 10 ? 8 : 16;
    if (4 + countBits + 8 * length <= dataCodewords(version) * 8) return version;
  }
  throw new RangeError(`too long for a QR code of version ${MAX_VERSION} (${length} bytes)`);
}

// The codewords of `bytes` in version `version`: data, padding, error correction, interleaved.
function codewords(bytes, version) {
  const bits = [];
  const put = (value, count) => { for (let i = count - 1; i >= 0; i--) bits.push((value >>> i) & 1); };
  const capacity = dataCodewords(version) * 8;
  put(0b0100, 4);
  put(bytes.length, version < 10 ? 8 : 16);
  bytes.forEach((b) => put(b, 8));
  put(0, Math.min(4, capacity - bits.length));      // the terminator
  // Zero bits up to the next codeword, a whole zero codeword when already on a boundary, as
  // segno writes them (readers stop at the terminator), so the two agree module for module.
  put(0, Math.min(8 - (bits.length % 8), capacity - bits.length));
  for (let pad = 0xec; bits.length < capacity; pad ^= 0xec ^ 0x11) put(pad, 8);
  const data = [];
  for (let i = 0; i < bits.length; i += 8) data.push(parseInt(bits.slice(i, i + 8).join(""), 2));

  const [ecLength, groups] = BLOCKS_M[version];
  const divisor = rsDivisor(ecLength);
  const blocks = [];
  let offset = 0;
  groups.forEach(([count, size]) => {
    for (let b = 0; b < count; b++) {
      const chunk = data.slice(offset, offset + size);
      offset += size;
      blocks.push({ data: chunk, ec: rsRemainder(chunk, divisor) });
    }
  });
  const out = [];
  const longest = Math.max(...blocks.map((b) => b.data.length));
  for (let i = 0; i < longest; i++) blocks.forEach((b) => { if (i < b.data.length) out.push(b.data[i]); });
  for (let i = 0; i < ecLength; i++) blocks.forEach((b) => out.push(b.ec[i]));
  return out;
}

const MASKS = [
  (x, y) => (x + y) % 2 === 0,
  (x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

class Grid {
  constructor(version) {
    this.version = version;
    this.size = version * 4 + 17;
    this.dark = Array.from({ length: this.size }, () => new Array(this.size).fill(false));
    this.fixed = Array.from({ length: this.size }, () => new Array(this.size).fill(false));
  }

  set(x, y, dark) { this.dark[y][x] = dark; this.fixed[y][x] = true; }

  // Function patterns; format and version areas left light (as segno scores the masks) until
  // drawFormat and drawVersion fill them in.
  drawPatterns() {
    const { size } = this;
    for (let i = 0; i < size; i++) { this.set(6, i, i % 2 === 0); this.set(i, 6, i % 2 === 0); }
    for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
      for (let dy = -4; dy <= 4; dy++) {
        for (let dx = -4; dx <= 4; dx++) {
          const x = cx + dx;
          const y = cy + dy;
          const distance = Math.max(Math.abs(dx), Math.abs(dy));
          if (x >= 0 && x < size && y >= 0 && y < size) this.set(x, y, distance !== 2 && distance !== 4);
        }
      }
    }
    const centres = ALIGNMENT[this.version];
    const last = centres.length - 1;
    centres.forEach((cx, i) => centres.forEach((cy, j) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) this.set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
      }
    }));
    this.drawFormat(null);
    if (this.version >= 7) this.drawVersion(false);
  }

  drawFormat(mask) {
    const { size } = this;
    const data = (LEVEL_M << 3) | (mask ?? 0);
    let rem = data;
    for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
    const bits = mask === null ? 0 : ((data << 10) | rem) ^ 0x5412;
    const bit = (i) => ((bits >>> i) & 1) === 1;
    for (let i = 0; i <= 5; i++) this.set(8, i, bit(i));
    this.set(8, 7, bit(6));
    this.set(8, 8, bit(7));
    this.set(7, 8, bit(8));
    for (let i = 9; i < 15; i++) this.set(14 - i, 8, bit(i));
    for (let i = 0; i < 8; i++) this.set(size - 1 - i, 8, bit(i));
    for (let i = 8; i < 15; i++) this.set(8, size - 15 + i, bit(i));
    this.set(8, size - 8, mask !== null);   // the dark module (light while masks are scored)
  }

  drawVersion(filled = true) {
    let rem = this.version;
    for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
    const bits = filled ? (this.version << 12) | rem : 0;
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >>> i) & 1) === 1;
      const a = this.size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      this.set(a, b, dark);
      this.set(b, a, dark);
    }
  }

  place(words) {
    const { size } = this;
    let i = 0;
    for (let right = size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      for (let vertical = 0; vertical < size; vertical++) {
        for (let j = 0; j < 2; j++) {
          const x = right - j;
          const upward = ((right + 1) & 2) === 0;
          const y = upward ? size - 1 - vertical : vertical;
          if (!this.fixed[y][x] && i < words.length * 8) {
            this.dark[y][x] = ((words[i >>> 3] >>> (7 - (i & 7))) & 1) === 1;
            i++;
          }
        }
      }
    }
  }

  applyMask(mask) {
    const test = MASKS[mask];
    for (let y = 0; y < this.size; y++) {
      for (let x = 0; x < this.size; x++) {
        if (!this.fixed[y][x] && test(x, y)) this.dark[y][x] = !this.dark[y][x];
      }
    }
  }
}

// The four penalty rules of ISO/IEC 18004 section 7.8.3 (the mask with the lowest score wins).
function runsPenalty(line) {
  let score = 0;
  let run = 1;
  for (let i = 1; i <= line.length; i++) {
    if (i < line.length && line[i] === line[i - 1]) { run++; continue; }
    if (run >= 5) score += run - 2;
    run = 1;
  }
  return score;
}

function finderLikePenalty(line) {
  const pattern = [true, false, true, true, true, false, true];
  const light = (k) => k < 0 || k >= line.length || !line[k];   // the quiet zone is light
  let score = 0;
  let i = 0;
  while (i + 7 <= line.length) {
    if (pattern.every((v, k) => line[i + k] === v)
        && ([1, 2, 3, 4].every((k) => light(i - k)) || [7, 8, 9, 10].every((k) => light(i + k)))) {
      score += 40;
      i += 7;   // counted: the next one starts after it (as segno counts)
    } else {
      i += 1;
    }
  }
  return score;
}

function penalty(dark) {
  const size = dark.length;
  const columns = Array.from({ length: size }, (_, x) => dark.map((row) => row[x]));
  let score = 0;
  for (const line of [...dark, ...columns]) score += runsPenalty(line) + finderLikePenalty(line);
  for (let y = 0; y < size - 1; y++) {
    for (let x = 0; x < size - 1; x++) {
      const c = dark[y][x];
      if (c === dark[y][x + 1] && c === dark[y + 1][x] && c === dark[y + 1][x + 1]) score += 3;
    }
  }
  const darkCount = dark.reduce((sum, row) => sum + row.filter(Boolean).length, 0);
  const total = size * size;
  score += Math.floor(Math.abs(darkCount * 20 - total * 10) / total) * 10;
  return score;
}

// The modules of the QR code of `text` (UTF-8, byte mode, level M): rows of booleans, dark =
// true, without the quiet zone. `mask` forces a mask (0-7); otherwise the lowest penalty wins.
export function qrMatrix(text, mask = null) {
  const bytes = [...new TextEncoder().encode(text)];
  const version = chooseVersion(bytes.length);
  const words = codewords(bytes, version);
  const build = (m, finished) => {
    const grid = new Grid(version);
    grid.drawPatterns();
    grid.place(words);
    grid.applyMask(m);
    if (finished) {
      grid.drawFormat(m);
      if (version >= 7) grid.drawVersion();
    }
    return grid.dark;
  };
  if (mask !== null) return build(mask, true);
  // Each mask is scored before the format and version information are written (ISO/IEC
  // 18004:2015 7.8, as segno does); the lowest score wins, the first on a tie.
  let best = null;
  for (let m = 0; m < 8; m++) {
    const score = penalty(build(m, false));
    if (best === null || score < best.score) best = { mask: m, score };
  }
  return build(best.mask, true);
}

// An <svg> element of the code, drawn as one path (markup only: nothing for the CSP to
// refuse), with a quiet zone of 4 modules and a text alternative.
export function qrSvg(text, label) {
  const dark = qrMatrix(text);
  const size = dark.length + 8;
  let d = "";
  dark.forEach((row, y) => row.forEach((on, x) => { if (on) d += `M${x + 4} ${y + 4}h1v1h-1z`; }));
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  const background = document.createElementNS(ns, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  svg.append(background, path);
  return svg;
}
