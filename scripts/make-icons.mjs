#!/usr/bin/env node
// Draws the tray icons and the app icon as PNG (and ICO for Windows) with no image library:
// shapes are sampled 4×4 per pixel for smooth edges. Run with `npm run icons`; the output is
// committed under assets/, so builds never depend on this script.
//   running: a filled disk · stopped: a ring · error: a disk with an exclamation mark
// macOS gets black *Template.png images (the menu bar tints them); Linux and Windows get colours.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const out = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'assets');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** RGBA pixels (size×size×4) → PNG file bytes. */
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
/** PNG images in an ICO container (Windows Vista and later read PNG entries). */
function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, data }, i) => {
    const e = 6 + 16 * i;
    header[e] = size >= 256 ? 0 : size;
    header[e + 1] = size >= 256 ? 0 : size;
    header.writeUInt16LE(1, e + 4);
    header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(data.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.data)]);
}

/** Renders `paint(x, y)` (unit coordinates, returns [r,g,b,a] or null) at `size` pixels. */
function render(size, paint) {
  const S = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const c = paint((px + (sx + 0.5) / S) / size, (py + (sy + 0.5) / S) / size);
          if (!c) continue;
          const alpha = c[3] / 255;
          r += c[0] * alpha; g += c[1] * alpha; b += c[2] * alpha; a += alpha;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        rgba[i] = Math.round(r / a); rgba[i + 1] = Math.round(g / a); rgba[i + 2] = Math.round(b / a);
      }
      rgba[i + 3] = Math.round((a / (S * S)) * 255);
    }
  }
  return rgba;
}

const dist = (x, y) => Math.hypot(x - 0.5, y - 0.5);
const inBang = (x, y) =>
  (Math.abs(x - 0.5) < 0.07 && y > 0.22 && y < 0.6) || Math.hypot(x - 0.5, y - 0.73) < 0.075;

function shape(state, fg, cutout) {
  return (x, y) => {
    const d = dist(x, y);
    if (state === 'stopped') return d < 0.44 && d > 0.28 ? fg : null;
    if (d >= 0.44) return null;
    if (state === 'error' && inBang(x, y)) return cutout;
    return fg;
  };
}

const COLOURS = { running: [46, 160, 67, 255], stopped: [140, 140, 140, 255], error: [218, 54, 51, 255] };
const BLACK = [0, 0, 0, 255];
const WHITE = [255, 255, 255, 255];

mkdirSync(join(out, 'tray'), { recursive: true });
for (const state of ['running', 'stopped', 'error']) {
  for (const [suffix, size] of [['', 16], ['@2x', 32]]) {
    writeFileSync(join(out, 'tray', `${state}Template${suffix}.png`), png(size, render(size, shape(state, BLACK, null))));
    writeFileSync(join(out, 'tray', `${state}${suffix}.png`), png(size, render(size, shape(state, COLOURS[state], WHITE))));
  }
  const entries = [16, 24, 32].map((size) => ({ size, data: png(size, render(size, shape(state, COLOURS[state], WHITE))) }));
  writeFileSync(join(out, 'tray', `${state}.ico`), ico(entries));
}

// The app icon: a dark rounded square with the running mark, as electron-builder wants (512 px).
const appIcon = (x, y) => {
  const r = 0.18;
  const qx = Math.max(Math.abs(x - 0.5) - (0.5 - r - 0.04), 0);
  const qy = Math.max(Math.abs(y - 0.5) - (0.5 - r - 0.04), 0);
  if (Math.hypot(qx, qy) > r) return null;
  const d = dist(x, y);
  if ((d < 0.3 && d > 0.2) || d < 0.1) return [240, 240, 240, 255];
  return [32, 36, 44, 255];
};
writeFileSync(join(out, 'icon.png'), png(512, render(512, appIcon)));
console.log(`icons written to ${out}`);
