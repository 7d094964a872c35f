/**
 * Runs the jobs the coordinator (or an edge) sends to one receiver, one at a time in arrival
 * order, the same on the page and headless: decode the message, `ReceiverCore.handle`
 * (receiver steps, decode, quality, the record), then send the record and a preview of the
 * image. Errors are data: a payload that does not decode is answered with an `error` (the
 * coordinator logs it with this node's id); a job that fails after decoding produces a
 * failed record. Either way the runner keeps going. Transports stay outside: bytes come in
 * through `enqueue`, messages leave through `send` (a `NodeSession`'s, on either transport).
 */
import type { DecodedImage } from '@semaigc/diffusion';
import {
  decode,
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
  | { kind: 'dropped'; source: string; fault: ErrorMessage };

export interface JobRunnerOptions {
  core: ReceiverCore;
  nodeId: string;
  /** Coordinator clock (epoch ms). */
  clock: () => number;
  /** Delivers a record, preview or error to the coordinator; throws if the message does not validate. */
  send: (msg: RecordMessage | PreviewMessage | ErrorMessage) => void;
  onOutcome?: (o: JobOutcome) => void;
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
  private tail: Promise<void> = Promise.resolve();
  inFlight = 0;
  queued = 0;

  constructor(private readonly o: JobRunnerOptions) {}

  /** Resolves once every job enqueued so far has finished. */
  idle(): Promise<void> {
    return this.tail;
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
    this.tail = this.tail.then(() => this.run(job, { arrivedAt, payloadBytes }));
  }

  private async run(job: ReceiverJob, arrival: { arrivedAt: number; payloadBytes: number }): Promise<void> {
    this.queued--;
    this.inFlight++;
    this.o.onOutcome?.({ kind: 'started', job, queued: this.queued });
    const request: RequestBody = job.type === 'request' ? job : job.request;
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
      const e = toErrorMessage(err, { requestId: request.requestId, nodeId: this.o.nodeId });
      // A failure inside inference is the model's, not a bug of the receiver.
      const code: ErrorCode = e.code === 'INTERNAL' ? 'MODEL_ERROR' : e.code;
      const record = this.o.core.failedRecord(request, code, e.reason, arrival);
      try {
        this.o.send(record);
      } catch (sendErr) {
        const fault = toErrorMessage(sendErr, { requestId: request.requestId, nodeId: this.o.nodeId });
        try {
          this.o.send(fault);
        } catch {
          // the link itself is gone (closing): the outcome below is all that is left
        }
      }
      this.o.onOutcome?.({ kind: 'failed', request, record, reason: e.reason });
    } finally {
      this.inFlight--;
    }
  }
}
