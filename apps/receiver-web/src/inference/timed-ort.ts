/**
 * Times `session.run` of an ORT module on the page's own thread, into the same `RunClock`
 * the inference worker fills, so the benchmark can split a step into ORT's run and the
 * JavaScript around it whichever side ORT runs on. With ORT's proxy worker the time includes
 * the proxy's messaging (it is measured here, not in the proxy).
 */
import type { OrtModule } from '@semaigc/diffusion';
import type { InferenceSession } from 'onnxruntime-web';
import type { RunClock } from './run-clock';

class TimedSession implements InferenceSession {
  constructor(
    private readonly s: InferenceSession,
    private readonly clock: RunClock,
  ) {}

  get inputNames(): readonly string[] {
    return this.s.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.s.outputNames;
  }

  get inputMetadata(): readonly InferenceSession.ValueMetadata[] {
    return this.s.inputMetadata;
  }

  get outputMetadata(): readonly InferenceSession.ValueMetadata[] {
    return this.s.outputMetadata;
  }

  async run(
    feeds: InferenceSession.FeedsType,
    fetchesOrOptions?: InferenceSession.FetchesType | InferenceSession.RunOptions,
    options?: InferenceSession.RunOptions,
  ): Promise<InferenceSession.ReturnType> {
    const t0 = performance.now();
    const out =
      fetchesOrOptions === undefined
        ? await this.s.run(feeds)
        : await this.s.run(feeds, fetchesOrOptions as InferenceSession.FetchesType, options);
    this.clock.runs++;
    this.clock.ortMs += performance.now() - t0;
    return out;
  }

  release(): Promise<void> {
    return this.s.release();
  }

  startProfiling(): void {
    this.s.startProfiling();
  }

  endProfiling(): void {
    this.s.endProfiling();
  }
}

export function timedOrt(ort: OrtModule, clock: RunClock): OrtModule {
  return {
    Tensor: ort.Tensor,
    InferenceSession: {
      create: async (bytes: Uint8Array, options?: InferenceSession.SessionOptions) =>
        new TimedSession(await ort.InferenceSession.create(bytes, options), clock),
    },
  };
}
