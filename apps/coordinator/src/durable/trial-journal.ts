/**
 * Trial state in the store's KV bucket, written as the trial goes, so that a coordinator
 * restarted on the same runs folder knows what was running and what was in flight:
 *
 *   trial.<trialId>              TrialMeta: name, policy, config, run folder, receivers,
 *                                planned requests, the records stream's sequence at the
 *                                start, state (running → completed/aborted/failed)
 *   req.<trialId>.<requestId>    RequestEntry: the request as last sent (its attempt), when
 *                                it was first sent, the capabilities its failed record
 *                                needs, and whether its final record is written (settled)
 *
 * A request is journaled before it is sent (the coordinator awaits the put), so every
 * request a node may have seen is known after a crash. The request entries of an ended
 * trial are purged; its meta stays (the API lists it after a restart).
 */
import { capabilitiesSchema, type RequestMessage, validateMessage } from '@semaigc/protocol';
import type { KV } from '@nats-io/kv';
import { z } from 'zod';

export const TRIAL_META_PREFIX = 'trial';
export const REQUEST_PREFIX = 'req';

export const trialMetaSchema = z.object({
  trialId: z.string(),
  name: z.string(),
  policy: z.string(),
  totalSteps: z.number().int(),
  planned: z.number().int(),
  receiverIds: z.array(z.string()),
  runDir: z.string(),
  coordinatorId: z.string(),
  createdAt: z.number(),
  startedAt: z.number(),
  /** The records stream's last sequence before the trial's first request. */
  streamSeq: z.number().int(),
  /** The validated trial config (config.yaml holds the same). */
  config: z.unknown(),
  state: z.enum(['running', 'completed', 'aborted', 'failed']),
  endedAt: z.number().nullable(),
  reason: z.string().nullable(),
});
export type TrialMeta = z.output<typeof trialMetaSchema>;

const requestEntrySchema = z.object({
  request: z.unknown().transform((v) => validateMessage(v) as RequestMessage),
  firstAt: z.number(),
  receiver: capabilitiesSchema,
  edge: capabilitiesSchema.nullable(),
  settled: z.boolean(),
});
export type RequestEntry = z.output<typeof requestEntrySchema>;

export const metaKey = (trialId: string): string => `${TRIAL_META_PREFIX}.${trialId}`;
export const requestKey = (trialId: string, requestId: string): string =>
  `${REQUEST_PREFIX}.${trialId}.${requestId}`;

function parse<T>(schema: z.ZodType<T>, text: string, key: string): T {
  const r = schema.safeParse(JSON.parse(text));
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(
      `trial state ${key}: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'invalid'}`,
    );
  }
  return r.data;
}

/** Reads and writes one store's trial state. */
export class TrialJournal {
  constructor(private readonly kv: KV) {}

  async putMeta(meta: TrialMeta): Promise<void> {
    await this.kv.put(metaKey(meta.trialId), JSON.stringify(meta));
  }

  async putRequest(trialId: string, entry: RequestEntry): Promise<void> {
    await this.kv.put(requestKey(trialId, entry.request.requestId), JSON.stringify(entry));
  }

  /** Every trial's meta (unreadable entries are reported to `bad` and skipped). */
  async metas(bad: (key: string, err: unknown) => void): Promise<TrialMeta[]> {
    const out: TrialMeta[] = [];
    for (const key of await this.keys(`${TRIAL_META_PREFIX}.*`)) {
      try {
        const e = await this.kv.get(key);
        if (e && e.operation === 'PUT') out.push(parse(trialMetaSchema, e.string(), key));
      } catch (err) {
        bad(key, err);
      }
    }
    return out;
  }

  /** The request entries of one trial. */
  async requests(trialId: string, bad: (key: string, err: unknown) => void): Promise<RequestEntry[]> {
    const out: RequestEntry[] = [];
    for (const key of await this.keys(`${REQUEST_PREFIX}.${trialId}.*`)) {
      try {
        const e = await this.kv.get(key);
        if (e && e.operation === 'PUT') out.push(parse(requestEntrySchema, e.string(), key));
      } catch (err) {
        bad(key, err);
      }
    }
    return out;
  }

  /** Removes an ended trial's request entries (its records.jsonl holds their outcome). */
  async purgeRequests(trialId: string): Promise<void> {
    for (const key of await this.keys(`${REQUEST_PREFIX}.${trialId}.*`)) await this.kv.purge(key);
  }

  private async keys(filter: string): Promise<string[]> {
    const out: string[] = [];
    for await (const k of await this.kv.keys(filter)) out.push(k);
    return out;
  }
}
