/** The latest images: each preview's RGBA pixels drawn on a canvas, newest first, with its prompt and split. */
import type { PreviewMessage } from '@semaigc/protocol';
import { $, fmt, h } from './dom';

export const MAX_IMAGES = 12;

export function addPreview(p: PreviewMessage): void {
  const grid = $('images');
  grid.querySelector('.empty')?.remove();
  const canvas = document.createElement('canvas');
  canvas.width = p.image.width;
  canvas.height = p.image.height;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    const pixels = new Uint8ClampedArray(p.image.data); // a copy: ImageData needs its own ArrayBuffer
    ctx.putImageData(new ImageData(pixels, p.image.width, p.image.height), 0, 0);
  }
  const split = `a = ${p.edgeSteps}/${p.totalSteps}`;
  const snr = p.snrDbSet === null ? 'no channel' : `${fmt(p.snrDbSet, 1)} dB`;
  const card = h(
    'figure',
    { class: 'image', title: `${p.requestId} · ${p.receiverId}` },
    canvas,
    h(
      'figcaption',
      {},
      h('div', { class: 'prompt' }, p.prompt),
      h('div', { class: 'sub' }, `${split} · ${snr} · ${p.receiverId}`),
    ),
  );
  grid.prepend(card);
  while (grid.children.length > MAX_IMAGES) grid.lastElementChild?.remove();
}
