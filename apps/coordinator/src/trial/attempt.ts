/**
 * One attempt of a request: send it (to the chosen edge, to the edges' queue group, or for
 * a = 0 straight to the receiver) and turn whatever comes back into an `Outcome`:
 *
 *   the receiver's record                       → record
 *   no edge to send it to                        → NO_EDGE (retryable: an edge may come back)
 *   the edge refuses (error reply)              → fail with the edge's code
 *   the edge does not accept in time / nobody listens → TIMEOUT / NO_EDGE (retryable)
 *   the edge goes offline before its payload left → NODE_LOST (retryable, edge blamed)
 *   the receiver goes offline                   → NODE_LOST, receiverLost (worth a wait)
 *   a wire error about the request              → fail with its code
 *   no record by the attempt timeout            → TIMEOUT
 *   the trial is aborted                        → CANCELLED
 *
 * Every attempt has a timer, so nothing waits forever. An edge's load (`assigned`) is
 * reserved in the registry while its attempt is open.
 */
import {
  decode,
  describeError,
  EDGE_REQUEST_SUBJECT,
  edgeRequestSubject,
  encode,
  errorMessage,
  type ErrorMessage,
  type PreviewMessage,
  type RecordMessage,
  type RequestMessage,
} from '@semaigc/protocol';
import { overloadReason, type OverloadSemantics } from '../edges/capacity';
import type { EdgeChoice } from '../edges/selector';
import type { NodeEntry, NodeRegistry } from '../registry/node-registry';
import { errorVerdict, previewVerdict, recordVerdict, type Verdict } from './acceptance';
import type { TrialLinks } from './links';
import { failOutcome, type FailOutcome, type Outcome } from './outcome';

export interface AttemptOptions {
  trialId: string;
  registry: NodeRegistry;
  links: Pick<TrialLinks, 'requestEdge' | 'toReceiver' | 'toEdgeControl'>;
  /** What an overload of an edge's announced capacitySteps does (edges/capacity.ts); default reject. */
  overload?: OverloadSemantics;
  now: () => number;
  /** How long one attempt may wait for its record (capped by the request's deadline), ms. */
  attemptTimeoutMs: number;
  /** How long an edge may take to answer request.accepted, ms. */
  acceptTimeoutMs: number;
}

interface OpenAttempt {
  attempt: number;
  receiverId: string;
  edgeId: string | null;
  /** The payload left the edge (seen on the receiver's subject): losing the edge no longer matters. */
  delivered: boolean;
  /** Steps it holds of the edge's capacity (its a until the payload leaves the edge, then 0). */
  steps: number;
  settle(o: Outcome): void;
}

/** NATS's "no responders" error, without importing the transport. */
function isNoResponders(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'isNoResponders' in err &&
    typeof err.isNoResponders === 'function' &&
    (err as { isNoResponders: () => boolean }).isNoResponders()
  );
}

/** The trial's open attempts, one per request at most, and the events that settle them. */
export class Attempts {
  private readonly open = new Map<string, OpenAttempt>();
  /** Requests sent whose preview has not come yet → their receiver (one preview each). */
  private readonly previews = new Map<string, string>();

  constructor(private readonly o: AttemptOptions) {}

  /** Sends one attempt and waits for its outcome; never rejects. */
  send(request: RequestMessage, choice: EdgeChoice, failAt: number): Promise<Outcome> {
    const { registry, now } = this.o;
    const receiver = registry.get(request.receiverId);
    if (!receiver || receiver.status !== 'online') {
      // Known but offline (a phone between connections): the caller may wait for it.
      return Promise.resolve(
        failOutcome('NO_RECEIVER', `receiver ${request.receiverId} is offline`, {
          retryable: false,
          receiverLost: receiver !== undefined,
        }),
      );
    }
    const local = request.edgeSteps === 0;
    if (!local && choice.kind === 'none') {
      // Retryable: the retry rules may wait for an edge (retries.edgeGraceS).
      return Promise.resolve(failOutcome('NO_EDGE', choice.reason, { retryable: true }));
    }
    // The attempt's deadline travels with it: an edge or receiver drops work past it (an
    // outage, a frozen node), since nobody waits for its record any more.
    const deadline = Math.min(failAt, now() + this.o.attemptTimeoutMs);
    const waitMs = Math.max(0, deadline - now());
    const edge = !local && choice.kind === 'edge' ? choice.edge : null;
    const msg: RequestMessage = { ...request, edgeId: edge?.nodeId ?? null, deadline };

    if (edge) {
      const overload = overloadReason(registry, edge.nodeId, request.edgeSteps);
      if (overload) return Promise.resolve(this.overloaded(edge.nodeId, request.requestId, overload));
    }

    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const attempt: OpenAttempt = {
        attempt: request.attempt,
        receiverId: request.receiverId,
        edgeId: edge?.nodeId ?? null,
        delivered: local,
        steps: edge ? request.edgeSteps : 0,
        settle: (outcome) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (this.open.get(request.requestId) === attempt) this.open.delete(request.requestId);
          if (edge) registry.release(edge.nodeId, attempt.steps);
          resolve(outcome);
        },
      };
      const timer = setTimeout(
        // Once the payload left the edge, the edge is not to blame: a retry may use it again.
        () =>
          attempt.settle(
            failOutcome('TIMEOUT', `no record within ${Math.round(waitMs)} ms (attempt ${request.attempt})`, {
              edgeId: attempt.delivered ? null : attempt.edgeId,
            }),
          ),
        waitMs,
      );
      this.open.set(request.requestId, attempt);
      this.previews.set(request.requestId, request.receiverId);
      if (edge) registry.reserve(edge.nodeId, attempt.steps);
      const bytes = encode(msg);
      if (local) {
        this.o.links.toReceiver(receiver, 'request', bytes);
        return;
      }
      const subject = edge ? edgeRequestSubject(edge.nodeId) : EDGE_REQUEST_SUBJECT;
      this.o.links.requestEdge(subject, bytes, this.o.acceptTimeoutMs).then(
        (reply) => {
          const failed = this.edgeAnswer(reply, attempt);
          if (failed) attempt.settle(failed);
        },
        (err: unknown) =>
          attempt.settle(
            isNoResponders(err)
              ? failOutcome('NO_EDGE', `no edge listens on ${subject}`, {
                  edgeId: attempt.edgeId,
                  retryable: true,
                })
              : failOutcome(
                  'TIMEOUT',
                  `edge did not accept within ${this.o.acceptTimeoutMs} ms: ${describeError(err)}`,
                  { edgeId: attempt.edgeId, retryable: true },
                ),
          ),
      );
    });
  }

  /**
   * The edge's answer to a request: request.accepted (null: the attempt goes on; a queue
   * group member names itself), or the failure it amounts to.
   */
  private edgeAnswer(reply: Uint8Array, attempt: OpenAttempt): FailOutcome | null {
    let answer;
    try {
      answer = decode(reply);
    } catch (err) {
      return failOutcome('BAD_MESSAGE', `edge reply: ${describeError(err)}`, {
        edgeId: attempt.edgeId,
        retryable: true,
      });
    }
    if (answer.type === 'request.accepted') {
      attempt.edgeId ??= answer.edgeId;
      return null;
    }
    if (answer.type === 'error') {
      const edgeId = attempt.edgeId ?? answer.nodeId ?? null;
      return failOutcome(answer.code, `edge ${edgeId ?? '?'}: ${answer.reason}`, { edgeId });
    }
    return failOutcome('BAD_MESSAGE', `edge answered '${answer.type}' to a request`, {
      edgeId: attempt.edgeId,
      retryable: true,
    });
  }

  // ---- events from the coordinator ---------------------------------------------------------

  private due(requestId: string | undefined): (OpenAttempt & { trialId: string }) | undefined {
    const a = requestId === undefined ? undefined : this.open.get(requestId);
    return a && { ...a, trialId: this.o.trialId };
  }

  /** A record from `sender`: settles its attempt only when it is due (acceptance.ts). */
  onRecord(record: RecordMessage, sender: string): Verdict {
    const verdict = recordVerdict(this.due(record.requestId), record, sender);
    if (verdict.kind === 'due') this.open.get(record.requestId)!.settle({ kind: 'record', record });
    return verdict;
  }

  /** A wire error from `sender` about an open request (edge late error, receiver failure). */
  onError(err: ErrorMessage, sender: string): Verdict {
    const verdict = errorVerdict(this.due(err.requestId), err, sender);
    if (verdict.kind !== 'due') return verdict;
    const a = this.open.get(err.requestId!)!;
    const fromEdge = a.edgeId !== null && sender === a.edgeId;
    a.settle(failOutcome(err.code, `${sender}: ${err.reason}`, { edgeId: fromEdge ? a.edgeId : null }));
    return verdict;
  }

  /** A preview from `sender`: due once per request sent in this trial, from its receiver. */
  onPreview(preview: PreviewMessage, sender: string): Verdict {
    const verdict = previewVerdict(this.o.trialId, this.previews.get(preview.requestId), preview, sender);
    if (verdict.kind === 'due') this.previews.delete(preview.requestId);
    return verdict;
  }

  /** The request's latent/image left the edge. */
  onPayload(requestId: string): void {
    const a = this.open.get(requestId);
    if (!a) return;
    a.delivered = true;
    // The edge's work on it is done: its steps no longer hold the edge's capacity.
    if (a.edgeId !== null && a.steps > 0) this.o.registry.releaseSteps(a.edgeId, a.steps);
    a.steps = 0;
  }

  /**
   * A request that does not fit on `edgeId` under the trial's overload semantics
   * (edges/capacity.ts): refused (reject), or the edge crashes (crash): every task in flight
   * on it (payload not yet sent) fails with EDGE_CRASH, the edge is told to drop each, and
   * the request that overflowed it fails too.
   */
  private overloaded(edgeId: string, requestId: string, reason: string): FailOutcome {
    if ((this.o.overload ?? 'reject') === 'reject')
      return failOutcome('EDGE_OVERLOADED', `${reason}; refused (overload: reject)`, {
        edgeId,
        retryable: true,
      });
    const crash = `edge ${edgeId} crashed (overload: crash): request ${requestId} overflowed it; ${reason}`;
    for (const [id, a] of [...this.open]) {
      if (a.edgeId !== edgeId || a.delivered) continue;
      const drop = errorMessage('EDGE_CRASH', crash, {
        requestId: id,
        trialId: this.o.trialId,
        attempt: a.attempt,
      });
      this.o.links.toEdgeControl(edgeId, encode(drop));
      a.settle(
        failOutcome('EDGE_CRASH', `${crash}; this task was in flight on it`, { edgeId, retryable: false }),
      );
    }
    return failOutcome('EDGE_CRASH', `${crash}; this request caused the crash`, { edgeId, retryable: false });
  }

  onNodeOffline(node: NodeEntry, reason: string): void {
    for (const a of this.open.values()) {
      if (node.role === 'edge' && a.edgeId === node.nodeId && !a.delivered) {
        a.settle(
          failOutcome('NODE_LOST', `edge ${node.nodeId} went offline (${reason})`, {
            edgeId: node.nodeId,
            retryable: true,
          }),
        );
      } else if (a.receiverId === node.nodeId) {
        a.settle(
          failOutcome('NODE_LOST', `receiver ${node.nodeId} went offline (${reason})`, {
            retryable: false,
            receiverLost: true,
          }),
        );
      }
    }
  }

  /** Settles every open attempt as CANCELLED (not retryable). */
  cancelAll(reason: string): void {
    for (const a of [...this.open.values()]) {
      a.settle(failOutcome('CANCELLED', reason, { edgeId: a.edgeId, retryable: false }));
    }
  }
}
