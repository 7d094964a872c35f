/**
 * The inference worker: onnxruntime-web and its sessions live here, off the page's main
 * thread, so the page keeps answering (heartbeats, socket.io, the DOM) while a UNet runs.
 * Requests are served one at a time in arrival order (ORT's wasm backend runs one call at a
 * time anyway); a failure is replied as data and the worker keeps serving.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { loadOrt, type Ort } from '../ort-env';
import {
  asWire,
  fromWire,
  type WireTensor,
  type WorkerReply,
  type WorkerRequest,
  type WorkerResults,
} from './messages';

interface WorkerScope {
  onmessage: ((ev: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
let ort: Ort | null = null;
const sessions = new Map<number, InferenceSession>();
let nextSession = 1;
let queue: Promise<void> = Promise.resolve();

function needOrt(): Ort {
  if (!ort) throw new Error("the worker got a request before 'init'");
  return ort;
}

function needSession(id: number): InferenceSession {
  const s = sessions.get(id);
  if (!s) throw new Error(`no session ${id} (released?)`);
  return s;
}

/** A tensor's data as a typed array that owns its whole buffer, so it can be transferred. */
function toWire(t: Tensor, name: string): WireTensor {
  const w = asWire(t, `output '${name}'`);
  const src = w.data;
  const owns =
    src.byteOffset === 0 &&
    src.byteLength === src.buffer.byteLength &&
    !(src.buffer instanceof SharedArrayBuffer);
  return owns ? w : ({ ...w, data: src.slice() } as WireTensor);
}

async function serve(req: WorkerRequest): Promise<[WorkerResults[keyof WorkerResults], Transferable[]]> {
  switch (req.op) {
    case 'init': {
      ort = await loadOrt(req.setup);
      return [
        { crossOriginIsolated: globalThis.crossOriginIsolated, threads: ort.env.wasm.numThreads ?? 1 },
        [],
      ];
    }
    case 'create': {
      const s = await needOrt().InferenceSession.create(req.bytes, req.options);
      const id = nextSession++;
      sessions.set(id, s);
      return [
        {
          session: id,
          inputNames: [...s.inputNames],
          outputNames: [...s.outputNames],
          inputMetadata: [...s.inputMetadata],
          outputMetadata: [...s.outputMetadata],
        },
        [],
      ];
    }
    case 'run': {
      const o = needOrt();
      const s = needSession(req.session);
      const feeds: Record<string, Tensor> = {};
      for (const [name, w] of Object.entries(req.feeds)) feeds[name] = fromWire(o.Tensor, w);
      const t0 = performance.now();
      const out = req.fetches ? await s.run(feeds, req.fetches) : await s.run(feeds);
      const runMs = performance.now() - t0;
      const outputs: Record<string, WireTensor> = {};
      const transfer: Transferable[] = [];
      for (const [name, t] of Object.entries(out)) {
        outputs[name] = toWire(t, name);
        transfer.push(outputs[name].data.buffer as ArrayBuffer);
        t.dispose();
      }
      return [{ outputs, runMs }, transfer];
    }
    case 'release': {
      await needSession(req.session).release();
      sessions.delete(req.session);
      return [null, []];
    }
  }
}

scope.onmessage = (ev) => {
  const req = ev.data;
  queue = queue.then(async () => {
    try {
      const [result, transfer] = await serve(req);
      scope.postMessage({ id: req.id, ok: true, result }, transfer);
    } catch (err) {
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      scope.postMessage({ id: req.id, ok: false, error }, []);
    }
  });
};
