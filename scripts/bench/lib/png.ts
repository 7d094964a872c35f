/** RGBA images → a labelled-free grid PNG (rows × cols tiles, scaled up with nearest neighbour). */
import * as fs from 'node:fs';
import { PNG } from 'pngjs';

export interface Tile {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

export function writeGridPng(file: string, tiles: (Tile | null)[][], scale = 2, gap = 2): void {
  const rows = tiles.length;
  const cols = Math.max(...tiles.map((r) => r.length));
  const first = tiles.flat().find((t): t is Tile => t !== null);
  if (!first) throw new TypeError('writeGridPng: no tiles');
  const tw = first.width * scale;
  const th = first.height * scale;
  const png = new PNG({ width: cols * (tw + gap) + gap, height: rows * (th + gap) + gap });
  png.data.fill(255);
  tiles.forEach((row, r) =>
    row.forEach((t, c) => {
      if (!t) return;
      for (let y = 0; y < th; y++)
        for (let x = 0; x < tw; x++) {
          const src = (Math.floor(y / scale) * t.width + Math.floor(x / scale)) * 4;
          const dst = ((r * (th + gap) + gap + y) * png.width + c * (tw + gap) + gap + x) * 4;
          for (let k = 0; k < 4; k++) png.data[dst + k] = t.data[src + k]!;
        }
    }),
  );
  fs.writeFileSync(file, PNG.sync.write(png));
}
