/**
 * Runs the jobs the coordinator (or an edge) sends to one receiver, at most `maxConcurrent`
 * at a time (default 1) in arrival order, the same on the page and headless: decode the message, `ReceiverCore.handle`
 * (receiver steps, decode, quality, the record), then send the record and a preview of the
 * image. Errors are data: a payload that does not decode is answered with an `error` (the
 * coordinator logs it with this node's id); a job that fails after decoding produces a
 * failed record. Either way the runner keeps going. Transports stay outside: bytes come in
 * through `enqueue`, messages leave through `send` (a `NodeSession`'s, on either transport).
 *
 * The limit is what makes a weak device emulated as one: a receiver at compute share p
 * stretches each step by sleeping, and sleeps overlap freely, so without the queue nine
 * jobs would "run" at once on a device that can run one. Jobs beyond the limit wait, and
 * the wait is part of the record's `timings.queueMs` (with the edge's queue, if any).
 *
 * A job whose request deadline (the time the coordinator stops waiting for this attempt)
 * has passed when its turn comes is not run: it is answered with an error
 * DEADLINE_EXCEEDED, so a receiver back from an outage does not spend minutes on work
 * nobody will take.
 */
import type { DecodedImage } from '@semaigc/diffusion';
import {
  decode,
  errorMessage,
  toErrorMessage,
  type ErrorCode,
  type ErrorMessage,
  type PreviewMessage,
  type RecordMessage,
  type RequestBody,
} from '@semaigc/protocol';
import { BadPayloadError } from './errors';
import { previewMessage } from './preview';
import type { ReceiverCore, ReceiverJob } from './receiver-core';

export type JobOutcome =
  | { kind: 'started'; job: ReceiverJob; queued: number }
  | { kind: 'done'; job: ReceiverJob; record: RecordMessage; image: DecodedImage }
  | { kind: 'failed'; request: RequestBody; record: RecordMessage; reason: string }
  | { kind: 'dropped'; source: string; fault: ErrorMessage }
  /** Its deadline had passed when its turn came: not run, answered with `fault`. */
  | { kind: 'stale'; request: RequestBody; fault: ErrorMessage };

export interface JobRunnerOptions {
  core: ReceiverCore;
  nodeId: string;
  /** Coordinator clock (epoch ms). */
  clock: () => number;
  /** Delivers a record, preview or error to the coordinator; throws if the message does not validate. */
  send: (msg: RecordMessage | PreviewMessage | ErrorMessage) => void;
  onOutcome?: (o: JobOutcome) => void;
  /** Jobs run at once (the node's announced `maxConcurrent`; default 1). */
  maxConcurrent?: number;
}

/** Decodes one job message; throws the protocol's errors or BadPayloadError. */
export function decodeJob(source: string, bytes: ArrayBuffer | Uint8Array): ReceiverJob {
  const msg = decode(bytes);
  if (msg.type !== 'latent' && msg.type !== 'image' && msg.type !== 'request') {
    throw new BadPayloadError(
      `'${source}' carried a '${msg.type}' message, expected latent, image or request`,
    );
  }
  return msg;
}

export class JobRunner {
  private readonly jobs = new Set<Promise<void>>();
  /** Jobs waiting for a slot, oldest first: each resolves its job's start. */
  private readonly waiting: (() => void)[] = [];
  private readonly maxConcurrent: number;
  inFlight = 0;
  queued = 0;

  constructor(private readonly o: JobRunnerOptions) {
    const max = o.maxConcurrent ?? 1;
    if (!Number.isInteger(max) || max < 1) {
      throw new TypeError(`JobRunner: maxConcurrent must be an integer >= 1, got ${max}`);
    }
    this.maxConcurrent = max;
  }

  /** Resolves once every job enqueued so far has finished. */
  async idle(): Promise<void> {
    await Promise.all([...this.jobs]);
  }

  /** Waits for a free slot (FIFO); the slot is the caller's until `release`. */
  private slot(): Promise<void> {
    if (this.inFlight + this.waiting.length < this.maxConcurrent) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot to the oldest waiting job, or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }

  /**
   * Takes a job message as it arrives (the arrival time is taken now, before any queueing).
   * `source` names the subject or socket event, for error reports.
   */
  enqueue(source: string, bytes: ArrayBuffer | Uint8Array): void {
    const arrivedAt = this.o.clock();
    let job: ReceiverJob;
    try {
      job = decodeJob(source, bytes);
    } catch (err) {
      const fault = toErrorMessage(err, { nodeId: this.o.nodeId });
      this.o.send(fault);
      this.o.onOutcome?.({ kind: 'dropped', source, fault });
      return;
    }
    const payloadBytes = job.type === 'request' ? 0 : bytes.byteLength;
    this.queued++;
    const done = this.slot()
      .then(() =>
        this.run(job, { arrivedAt, payloadBytes, queuedMs: Math.max(0, this.o.clock() - arrivedAt) }),
      )
      .finally(() => {
        this.release();
        this.jobs.delete(done);
      });
    this.jobs.add(done);
  }

  private async run(
    job: ReceiverJob,
    arrival: { arrivedAt: number; payloadBytes: number; queuedMs: number },
  ): Promise<void> {
    this.queued--;
    const request: RequestBody = job.type === 'request' ? job : job.request;
    const late = this.o.clock() - request.deadline;
    if (late > 0) {
      const fault = errorMessage(
        'DEADLINE_EXCEEDED',
        `receiver ${this.o.nodeId}: request ${request.requestId} reached its turn ${Math.round(late)} ms after its deadline, not run`,
        {
          requestId: request.requestId,
          trialId: request.trialId,
          nodeId: this.o.nodeId,
          attempt: request.attempt,
        },
      );
      try {
        this.o.send(fault);
      } catch {
        // the link is gone (closing): the outcome below is all that is left
      }
      this.o.onOutcome?.({ kind: 'stale', request, fault });
      return;
    }
    this.o.onOutcome?.({ kind: 'started', job, queued: this.queued });
    try {
      const { record, image } = await this.o.core.handle(job, arrival);
      this.o.send(record);
      this.o.onOutcome?.({ kind: 'done', job, record, image });
      try {
        this.o.send(previewMessage(record, image, this.o.clock()));
      } catch {
        // the preview is for people watching; the record above is what counts
      }
    } catch (err) {
      const e = toErrorMessage(err, {
        requestId: request.requestId,
        nodeId: this.o.nodeId,
        attempt: request.attempt,
      });
      // A failure inside inference is the model's, not a bug of the receiver.
      const code: ErrorCode = e.code === 'INTERNAL' ? 'MODEL_ERROR' : e.code;
      const record = this.o.core.failedRecord(request, code, e.reason, arrival);
      try {
        this.o.send(record);
      } catch (sendErr) {
        const fault = toErrorMessage(sendErr, {
          requestId: request.requestId,
          nodeId: this.o.nodeId,
          attempt: request.attempt,
        });
        try {
          this.o.send(fault);
        } catch {
          // the link itself is gone (closing): the outcome below is all that is left
        }
      }
      this.o.onOutcome?.({ kind: 'failed', request, record, reason: e.reason });
    }
  }
}
