/**
 * Charts for benchmarks, reports and the ROOT figures: a Vega-Lite spec is compiled and
 * rendered to SVG by Vega (headless, no canvas needed) and rasterised to PNG by resvg.
 * Vega and Vega-Lite are ES modules; this package is CommonJS, so they are loaded with a
 * dynamic import() that TypeScript keeps as-is under module node16.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };

export type ChartSpec = TopLevelSpec;

export interface RenderedChart {
  svgPath: string;
  pngPath: string | null;
}

export interface RenderOptions {
  /** Also write a PNG next to the SVG (default true). */
  png?: boolean;
  /** PNG width in pixels (default 1200). */
  pngWidth?: number;
}

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const vl = await import('vega-lite');
  const vega = await import('vega');
  const compiled = vl.compile({ background: 'white', ...spec }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG string to PNG bytes. */
export function svgToPng(svg: string, width = 1200): Uint8Array {
  const resvg = new Resvg(svg, { fitTo: { mode: 'width', value: width }, background: 'white' });
  return resvg.render().asPng();
}

/**
 * Writes `<base>.svg` (and `<base>.png`) for a Vega-Lite spec; `base` is a path without
 * extension. Directories are created as needed.
 */
export async function writeChart(
  spec: ChartSpec,
  base: string,
  opts: RenderOptions = {},
): Promise<RenderedChart> {
  const { png = true, pngWidth = 1200 } = opts;
  fs.mkdirSync(path.dirname(base), { recursive: true });
  const svg = await renderSvg(spec);
  const svgPath = `${base}.svg`;
  fs.writeFileSync(svgPath, svg);
  let pngPath: string | null = null;
  if (png) {
    pngPath = `${base}.png`;
    fs.writeFileSync(pngPath, svgToPng(svg, pngWidth));
  }
  return { svgPath, pngPath };
}
