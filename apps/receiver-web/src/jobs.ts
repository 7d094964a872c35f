/**
 * Runs the jobs the coordinator sends, one at a time in arrival order: decode the message,
 * `ReceiverCore.handle` (receiver steps, decode, quality, the record), then send the record
 * and a preview of the image. Errors are data: a payload that does not decode is answered
 * with a `fault` (the coordinator logs it with this node's id); a job that fails after
 * decoding produces a failed record. Either way the runner keeps going.
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
import { previewMessage, type ReceiverCore, type ReceiverJob } from '@semaigc/receiver';
import { BadPayloadError } from './errors';

export type JobOutcome =
  | { kind: 'started'; job: ReceiverJob; queued: number }
  | { kind: 'done'; job: ReceiverJob; record: RecordMessage; image: DecodedImage }
  | { kind: 'failed'; request: RequestBody; record: RecordMessage; reason: string }
  | { kind: 'dropped'; event: string; fault: ErrorMessage };

export interface JobSink {
  record(msg: RecordMessage): void;
  preview(msg: PreviewMessage): void;
  fault(msg: ErrorMessage): void;
}

export interface JobRunnerOptions {
  core: ReceiverCore;
  nodeId: string;
  /** Coordinator clock (epoch ms). */
  clock: () => number;
  sink: JobSink;
  onOutcome: (o: JobOutcome) => void;
}

/** Decodes one job message; throws the protocol's errors or BadPayloadError. */
export function decodeJob(event: string, bytes: ArrayBuffer | Uint8Array): ReceiverJob {
  const msg = decode(bytes);
  if (msg.type !== 'latent' && msg.type !== 'image' && msg.type !== 'request') {
    throw new BadPayloadError(`socket event '${event}' carried a '${msg.type}' message`);
  }
  return msg;
}

export class JobRunner {
  private tail: Promise<void> = Promise.resolve();
  inFlight = 0;
  queued = 0;

  constructor(private readonly o: JobRunnerOptions) {}

  /** Takes a job message as it arrives (the arrival time is taken now, before any queueing). */
  enqueue(event: string, bytes: ArrayBuffer | Uint8Array): void {
    const arrivedAt = this.o.clock();
    let job: ReceiverJob;
    try {
      job = decodeJob(event, bytes);
    } catch (err) {
      const fault = toErrorMessage(err, { nodeId: this.o.nodeId });
      this.o.sink.fault(fault);
      this.o.onOutcome({ kind: 'dropped', event, fault });
      return;
    }
    const payloadBytes = job.type === 'request' ? 0 : bytes.byteLength;
    this.queued++;
    this.tail = this.tail.then(() => this.run(job, { arrivedAt, payloadBytes }));
  }

  private async run(job: ReceiverJob, arrival: { arrivedAt: number; payloadBytes: number }): Promise<void> {
    this.queued--;
    this.inFlight++;
    this.o.onOutcome({ kind: 'started', job, queued: this.queued });
    const request: RequestBody = job.type === 'request' ? job : job.request;
    try {
      const { record, image } = await this.o.core.handle(job, arrival);
      this.o.sink.record(record);
      this.o.onOutcome({ kind: 'done', job, record, image });
      try {
        this.o.sink.preview(previewMessage(record, image, this.o.clock()));
      } catch {
        // the preview is for people watching; the record above is what counts
      }
    } catch (err) {
      const e = toErrorMessage(err, { requestId: request.requestId, nodeId: this.o.nodeId });
      // A failure inside inference is the model's, not a bug of the page.
      const code: ErrorCode = e.code === 'INTERNAL' ? 'MODEL_ERROR' : e.code;
      const record = this.o.core.failedRecord(request, code, e.reason, arrival);
      try {
        this.o.sink.record(record);
      } catch (sendErr) {
        this.o.sink.fault(toErrorMessage(sendErr, { requestId: request.requestId, nodeId: this.o.nodeId }));
      }
      this.o.onOutcome({ kind: 'failed', request, record, reason: e.reason });
    } finally {
      this.inFlight--;
    }
  }
}
