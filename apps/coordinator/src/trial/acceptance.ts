/**
 * What the coordinator takes from nodes about a request, as pure rules (the trial's open
 * attempts call them; the tests run them as a table):
 *
 * - a record only from the receiver the request's current attempt is assigned to, naming
 *   that receiver and that attempt number;
 * - an error only from the edge or the receiver the open attempt concerns, and, when it
 *   names an attempt or a trial, only for the current ones;
 * - a preview only from the receiver of a request of the running trial, at most one per request.
 *
 * Over NATS the sender is the id the message claims (the shared subjects carry no id; the
 * role permissions keep edges, observers and strangers from publishing records at all);
 * over socket.io it is the node that said hello on that socket.
 */
import type { ErrorMessage, PreviewMessage, RecordMessage } from '@semaigc/protocol';

/** What an open attempt knows about whom it waits for. */
export interface DueAttempt {
  trialId: string;
  attempt: number;
  receiverId: string;
  /** null until a queue-group edge accepted it, and for local (a = 0) work. */
  edgeId: string | null;
}

/** `unknown`: no open attempt (late or duplicate: not a forgery by itself). */
export type Verdict = { kind: 'due' } | { kind: 'unknown' } | { kind: 'not-due'; why: string };

const DUE: Verdict = { kind: 'due' };
const notDue = (why: string): Verdict => ({ kind: 'not-due', why });

export function recordVerdict(
  open: DueAttempt | undefined,
  record: Pick<RecordMessage, 'trialId' | 'requestId' | 'receiverId' | 'attempt'>,
  sender: string,
): Verdict {
  if (!open || record.trialId !== open.trialId) return { kind: 'unknown' };
  if (sender !== open.receiverId || record.receiverId !== open.receiverId)
    return notDue(
      `record for ${record.requestId} from ${sender} (claims receiver ${record.receiverId}); it is due from ${open.receiverId}`,
    );
  if (record.attempt !== open.attempt)
    return notDue(
      `record for ${record.requestId} answers attempt ${record.attempt}; the current attempt is ${open.attempt}`,
    );
  return DUE;
}

export function errorVerdict(
  open: DueAttempt | undefined,
  err: Pick<ErrorMessage, 'requestId' | 'trialId' | 'attempt'>,
  sender: string,
): Verdict {
  if (!open) return { kind: 'unknown' };
  if (sender !== open.receiverId && (open.edgeId === null || sender !== open.edgeId))
    return notDue(
      `error about ${err.requestId ?? '?'} from ${sender}, which is neither its edge (${open.edgeId ?? 'none yet'}) nor its receiver (${open.receiverId})`,
    );
  if (err.trialId !== undefined && err.trialId !== open.trialId)
    return notDue(`error about ${err.requestId ?? '?'} names trial ${err.trialId}, not ${open.trialId}`);
  if (err.attempt !== undefined && err.attempt !== open.attempt)
    return notDue(
      `error about ${err.requestId ?? '?'} is for attempt ${err.attempt}; the current attempt is ${open.attempt}`,
    );
  return DUE;
}

/**
 * `receiverOf`: the receiver of the running trial's request that has no preview yet
 * (undefined when there is no such request, or its preview came already).
 */
export function previewVerdict(
  trialId: string | null,
  receiverOf: string | undefined,
  preview: Pick<PreviewMessage, 'trialId' | 'requestId' | 'receiverId'>,
  sender: string,
): Verdict {
  if (trialId === null || preview.trialId !== trialId || receiverOf === undefined) return { kind: 'unknown' };
  if (sender !== receiverOf || preview.receiverId !== receiverOf)
    return notDue(`preview of ${preview.requestId} from ${sender}; it is due from ${receiverOf}`);
  return DUE;
}
