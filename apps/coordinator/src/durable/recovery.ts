/**
 * What a coordinator does at start with the trials its store knows (trial-journal.ts):
 *
 * - an ended trial is listed again (its summary read from summary.json);
 * - a trial that was running when the previous coordinator died is ended as
 *   `aborted: coordinator restarted`. Every request it had issued is accounted for: one
 *   whose record is in records.jsonl keeps it; one whose record reached the records stream
 *   (from the receiver of its current attempt) but was not written gets it written now, its
 *   end-to-end time ending when the stream stored it; any other gets a failed record,
 *   CANCELLED, saying the coordinator restarted while it was in flight. The summary is built
 *   from records.jsonl as always.
 *
 * Why end rather than resume: a resumed trial would mix requests served before and after an
 * outage of unknown length under one schedule (arrival times, the SNR process's time base,
 * a learning policy's state that died with the process), so its figures would describe no
 * experiment. Ending it keeps every record it made, honest about what was lost.
 */
import * as fs from 'node:fs/promises';
import { DeliverPolicy } from '@nats-io/jetstream';
import { decode, describeError, type RecordMessage } from '@semaigc/protocol';
import type { Logger } from 'pino';
import type { TrialInfo } from '../api-types';
import { Recorder, runFiles } from '../recorder/recorder';
import type { TrialSummary } from '../recorder/summary';
import { failedRecord, finalizeRecord } from '../trial/records';
import { buildSummary, newTrialInfo } from '../trial/report';
import { addConsumer, type DurableStore, lastSeq } from './store';
import type { RequestEntry, TrialJournal, TrialMeta } from './trial-journal';

export const RESTART_REASON = 'coordinator restarted';

/** A fetch that brings nothing for this long ends the read of the stream. */
const FETCH_EXPIRES_MS = 2_000;
const FETCH_BATCH = 512;

export interface RecoveryOptions {
  store: DurableStore;
  journal: TrialJournal;
  runsDir: string;
  coordinatorId: string;
  log: Logger;
  now: () => number;
}

/** A stored record and when the stream stored it (ms). */
interface Stored {
  record: RecordMessage;
  at: number;
}

/**
 * Ends the running trials, lists the ended ones, and points the store's consumer after the
 * last record read (so nothing the recovery saw is delivered again). Returns every trial the
 * store knows, newest first.
 */
export async function recoverTrials(o: RecoveryOptions): Promise<TrialInfo[]> {
  const bad = skipUnreadable(o.log);
  const metas = await o.journal.metas(bad);
  const running = metas.filter((m) => m.state === 'running');
  const last = await lastSeq(o.store);
  const from = Math.min(...running.map((m) => m.streamSeq + 1), last + 1);
  const stored =
    running.length > 0 ? await readStream(o, from, last, new Set(running.map((m) => m.trialId))) : [];

  const infos: TrialInfo[] = [];
  for (const meta of metas) {
    try {
      infos.push(
        meta.state === 'running'
          ? await endTrial(
              o,
              meta,
              stored.filter((s) => s.record.trialId === meta.trialId),
              bad,
            )
          : await endedInfo(meta),
      );
    } catch (err) {
      o.log.error({ trialId: meta.trialId, err }, 'could not recover trial');
    }
  }
  // The consumer starts after what was read: records up to `last` are written or not due.
  await o.store.jsm.consumers.delete(o.store.stream, o.store.consumer).catch(() => undefined);
  await addConsumer(o.store.jsm, o.store.stream, o.store.consumer, last + 1);
  return infos.sort((a, b) => b.createdAt - a.createdAt);
}

/** A trial state entry that does not parse is logged and skipped. */
export function skipUnreadable(log: Logger): (key: string, err: unknown) => void {
  return (key, err) => log.warn({ key, reason: describeError(err) }, 'unreadable trial state entry: skipped');
}

/**
 * Every trial the store knows as it stands, without ending any: the ones a previous
 * coordinator left running are listed as running (the restart grace, restart-grace.ts, shows
 * them so while receivers re-send; `recoverTrials` then ends them). Newest first.
 */
export async function listTrials(o: Pick<RecoveryOptions, 'journal' | 'log'>): Promise<TrialInfo[]> {
  const metas = await o.journal.metas(skipUnreadable(o.log));
  const infos = await Promise.all(
    metas.map(async (m) => (m.state === 'running' ? infoOf(m) : await endedInfo(m))),
  );
  return infos.sort((a, b) => b.createdAt - a.createdAt);
}

/** Records of `trials` stored in sequences [from, last]. */
async function readStream(
  o: RecoveryOptions,
  from: number,
  last: number,
  trials: Set<string>,
): Promise<Stored[]> {
  if (from > last) return [];
  const out: Stored[] = [];
  // The stream holds RECORD_SUBJECT only, so no filter (filter lists need nats-server 2.10).
  const reader = await o.store.js.consumers.get(o.store.stream, {
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: from,
  });
  let seq = from - 1;
  while (seq < last) {
    let got = 0;
    for await (const m of await reader.fetch({ max_messages: FETCH_BATCH, expires: FETCH_EXPIRES_MS })) {
      got += 1;
      seq = m.seq;
      try {
        const msg = decode(m.data);
        if (msg.type === 'record' && trials.has(msg.trialId)) out.push({ record: msg, at: m.time.getTime() });
      } catch (err) {
        o.log.warn({ seq: m.seq, reason: describeError(err) }, 'undecodable message in the records stream');
      }
      if (m.info.pending === 0) seq = Math.max(seq, last);
    }
    if (got === 0) break;
  }
  await reader.delete().catch(() => undefined);
  return out;
}

/** The info of a trial that ended before the restart: its summary from disk when there. */
async function endedInfo(meta: TrialMeta): Promise<TrialInfo> {
  const info = infoOf(meta);
  const summary = await readSummary(meta.runDir);
  info.summary = summary;
  if (summary) info.progress = progressOf(summary);
  return info;
}

async function readSummary(runDir: string): Promise<TrialSummary | null> {
  try {
    return JSON.parse(await fs.readFile(`${runDir}/summary.json`, 'utf8')) as TrialSummary;
  } catch {
    return null;
  }
}

function infoOf(meta: TrialMeta): TrialInfo {
  const info = newTrialInfo(meta.trialId, meta.name, meta.policy, meta.createdAt);
  info.state = meta.state;
  info.runDir = meta.runDir;
  info.error = meta.state === 'failed' ? meta.reason : null;
  info.progress.total = meta.planned;
  return info;
}

function progressOf(s: TrialSummary): TrialInfo['progress'] {
  return {
    done: s.requests,
    failed: s.failed,
    total: Math.max(s.planned, s.requests),
    inFlight: 0,
    meanSatisfaction: s.satisfactionMean,
    lastRequestId: null,
    elapsedMs: s.durationMs,
  };
}

/** Ends one trial that was running: the records it is owed, its summary, its state. */
async function endTrial(
  o: RecoveryOptions,
  meta: TrialMeta,
  stored: Stored[],
  bad: (key: string, err: unknown) => void,
): Promise<TrialInfo> {
  const log = o.log.child({ trialId: meta.trialId });
  const files = runFiles(o.runsDir, meta.trialId);
  const earlier = await readSummary(files.dir);
  if (earlier) {
    // It had ended on disk; only its state entry lagged.
    await o.journal.putMeta({
      ...meta,
      state: earlier.status,
      endedAt: earlier.endedAt,
      reason: earlier.reason,
    });
    return endedInfo({ ...meta, state: earlier.status });
  }
  const recorder = await Recorder.reopen(o.runsDir, meta.trialId);
  if (recorder.unreadLines > 0)
    log.warn(
      { lines: recorder.unreadLines, file: files.records },
      'records.jsonl lines that do not parse: kept, not counted',
    );
  const written = new Set(recorder.records().map((r) => r.requestId));
  const entries = (await o.journal.requests(meta.trialId, bad)).sort((a, b) => a.firstAt - b.firstAt);

  let fromStream = 0;
  let cancelled = 0;
  for (const e of entries) {
    const id = e.request.requestId;
    if (written.has(id)) continue;
    const due = stored.find(
      (s) =>
        s.record.requestId === id &&
        s.record.attempt === e.request.attempt &&
        s.record.receiverId === e.request.receiverId,
    );
    const record = due ? fromStreamRecord(o, e, due) : cancelledRecord(o, e);
    if (due) fromStream += 1;
    else cancelled += 1;
    await recorder.write(record);
    written.add(id);
  }
  const endedAt = o.now();
  const summary = buildSummary({
    trialId: meta.trialId,
    name: meta.name,
    status: 'aborted',
    reason: RESTART_REASON,
    policy: meta.policy,
    totalSteps: meta.totalSteps,
    planned: meta.planned,
    receiverIds: meta.receiverIds,
    startedAt: meta.startedAt,
    endedAt,
    records: recorder.records(),
    files: recorder.files,
    policyFiles: [],
  });
  await recorder.writeSummary(summary);
  await recorder.close();
  await o.journal.putMeta({ ...meta, state: 'aborted', endedAt, reason: RESTART_REASON });
  await o.journal.purgeRequests(meta.trialId);
  log.warn(
    {
      issued: written.size,
      planned: meta.planned,
      fromStream,
      cancelled,
      records: recorder.records().length,
    },
    'trial was running when the coordinator stopped: ended as aborted (coordinator restarted)',
  );
  const info = infoOf({ ...meta, state: 'aborted' });
  info.summary = summary;
  info.progress = progressOf(summary);
  return info;
}

/** A record that reached the stream while no coordinator wrote it. */
function fromStreamRecord(o: RecoveryOptions, e: RequestEntry, s: Stored): RecordMessage {
  return finalizeRecord(s.record, {
    coordinatorId: o.coordinatorId,
    firstDispatchAt: e.firstAt,
    now: s.at,
    retries: e.request.attempt,
    edgeCapabilities: e.edge,
  });
}

function cancelledRecord(o: RecoveryOptions, e: RequestEntry): RecordMessage {
  const r = e.request;
  return failedRecord({
    coordinatorId: o.coordinatorId,
    firstDispatchAt: e.firstAt,
    now: Math.max(o.now(), e.firstAt),
    retries: r.attempt,
    edgeCapabilities: e.edge,
    request: r,
    edgeId: r.edgeId,
    receiverCapabilities: e.receiver,
    code: 'CANCELLED',
    reason: `${RESTART_REASON}: attempt ${r.attempt} was in flight and its record did not reach the records stream before the restart`,
  });
}
