/**
 * The page's DOM: status line and progress bar, the join form, the last image (64×64 drawn
 * into a canvas and scaled up crisply by CSS), the request's details (prompt, split, SNR,
 * per-stage timings, quality) and a short message log. Text from the network only ever
 * goes into `textContent`.
 */
import type { DecodedImage } from '@semaigc/diffusion';
import type { RecordMessage } from '@semaigc/protocol';
import type { ReceiverJob } from '@semaigc/receiver';
import type { ReceiverState } from './state';

export const MAX_LOG_LINES = 12;

function byId<T extends HTMLElement>(doc: Document, id: string, type: { new (): T }): T {
  const el = doc.getElementById(id);
  if (!(el instanceof type)) throw new TypeError(`the page has no <${type.name}> #${id}`);
  return el;
}

const ms = (v: number | null): string => (v === null ? '–' : `${v.toFixed(v < 10 ? 2 : 0)} ms`);
const db = (v: number | null): string => (v === null ? '–' : `${v.toFixed(1)} dB`);
const num = (v: number | null, digits = 3): string => (v === null ? '–' : v.toFixed(digits));

export class ReceiverView {
  private readonly status: HTMLElement;
  private readonly progress: HTMLProgressElement;
  private readonly joinForm: HTMLFormElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private readonly details: HTMLElement;
  private readonly device: HTMLElement;
  private readonly log: HTMLElement;
  private readonly counts: HTMLElement;

  constructor(private readonly doc: Document) {
    this.status = byId(doc, 'status', HTMLElement);
    this.progress = byId(doc, 'progress', HTMLProgressElement);
    this.joinForm = byId(doc, 'join-form', HTMLFormElement);
    this.canvas = byId(doc, 'image', HTMLCanvasElement);
    this.caption = byId(doc, 'caption', HTMLElement);
    this.details = byId(doc, 'details', HTMLElement);
    this.device = byId(doc, 'device', HTMLElement);
    this.log = byId(doc, 'log', HTMLElement);
    this.counts = byId(doc, 'counts', HTMLElement);
  }

  setState(state: ReceiverState, detail: string): void {
    this.status.dataset['state'] = state;
    this.status.textContent = detail ? `${state} · ${detail}` : state;
  }

  /** A fraction in [0, 1], or null to hide the bar. */
  setProgress(fraction: number | null): void {
    this.progress.hidden = fraction === null;
    if (fraction !== null) this.progress.value = Math.max(0, Math.min(1, fraction));
  }

  /** Shows the join form; resolves with the code typed in. */
  askJoinCode(message: string, initial = ''): Promise<string> {
    const input = this.joinForm.elements.namedItem('join');
    const note = this.joinForm.querySelector('.note');
    if (note) note.textContent = message;
    if (input instanceof HTMLInputElement) input.value = initial;
    this.joinForm.hidden = false;
    return new Promise((resolve) => {
      const onSubmit = (ev: SubmitEvent): void => {
        ev.preventDefault();
        const v = input instanceof HTMLInputElement ? input.value.trim() : '';
        if (!v) return;
        this.joinForm.removeEventListener('submit', onSubmit);
        this.joinForm.hidden = true;
        resolve(v);
      };
      this.joinForm.addEventListener('submit', onSubmit);
    });
  }

  setDevice(rows: [string, string][]): void {
    this.fill(this.device, rows);
  }

  setCounts(records: number, failed: number, queued: number): void {
    this.counts.textContent = `${records} records (${failed} failed) · ${queued} queued`;
  }

  showJob(job: ReceiverJob): void {
    const r = job.type === 'request' ? job : job.request;
    const kind = job.type === 'request' ? 'Local AIGC' : job.type === 'image' ? 'Edge AIGC' : 'split';
    this.caption.textContent = r.prompt;
    this.fill(this.details, [
      ['request', r.requestId],
      ['mode', `${kind} (${r.policy})`],
      ['split', `edge ${r.edgeSteps} / device ${r.totalSteps - r.edgeSteps} of ${r.totalSteps} steps`],
      ['working', '…'],
    ]);
  }

  showResult(record: RecordMessage, image: DecodedImage | null): void {
    if (image) this.draw(image);
    const t = record.timings;
    const q = record.quality;
    this.caption.textContent = record.prompt;
    this.fill(this.details, [
      ['request', record.requestId],
      ['policy', record.policy],
      [
        'split',
        `edge ${record.edgeSteps} / device ${record.totalSteps - record.edgeSteps} of ${record.totalSteps} steps`,
      ],
      ['channel', record.channelMode],
      [
        'SNR set / measured',
        record.edgeId === null
          ? 'no channel (Local AIGC)'
          : `${db(record.snrDbSet)} / ${db(record.snrDbMeasured)}`,
      ],
      ['queue', ms(t.queueMs)],
      ['text encode', ms(t.textEncodeMs)],
      ['edge steps', ms(t.edgeStepsMs)],
      ['emulated transmission', ms(t.txEmulatedMs)],
      ['transport', ms(t.transportMs)],
      ['device steps', ms(t.receiverStepsMs)],
      ['decode', ms(t.decodeMs)],
      ['end to end (this device)', ms(t.endToEndMs)],
      ['payload', `${record.payloadBytes} B`],
      ['consistency', num(q.consistency)],
      ['PSNR / SSIM', `${q.psnr === null ? '–' : `${q.psnr.toFixed(1)} dB`} / ${num(q.ssim)}`],
      ['satisfaction', num(record.satisfaction, 2)],
      [
        'result',
        record.failed ? `failed: ${record.failure?.code ?? ''} ${record.failure?.reason ?? ''}` : 'ok',
      ],
    ]);
  }

  private draw(image: DecodedImage): void {
    this.canvas.width = image.width;
    this.canvas.height = image.height;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const pixels = new Uint8ClampedArray(image.data);
    ctx.putImageData(new ImageData(pixels, image.width, image.height), 0, 0);
  }

  addLog(level: 'info' | 'error', text: string): void {
    const li = this.doc.createElement('li');
    li.className = level;
    li.textContent = `${new Date().toLocaleTimeString()} ${text}`;
    this.log.prepend(li);
    while (this.log.children.length > MAX_LOG_LINES) this.log.lastElementChild?.remove();
  }

  private fill(dl: HTMLElement, rows: [string, string][]): void {
    dl.replaceChildren(
      ...rows.flatMap(([k, v]) => {
        const dt = this.doc.createElement('dt');
        dt.textContent = k;
        const dd = this.doc.createElement('dd');
        dd.textContent = v;
        return [dt, dd];
      }),
    );
  }
}
