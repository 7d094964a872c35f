/**
 * The trial config: what a trial sends, to whom, how fast, over which channel and under
 * which policy. YAML or JSON; every field has a default in `DEFAULT_TRIAL`; validation
 * errors are `TrialConfigError`s naming the field (`policy.edgeSteps: must be <= totalSteps
 * (20) in trial config`). README.md ("Trial config") documents each field.
 */
import {
  type ChannelConfig,
  channelConfigSchema,
  DEFAULT_FAILURE_LIMIT_S,
  DEFAULT_TOTAL_STEPS,
  idSchema,
  latencyRequirementSchema,
  MAX_PROMPT_LENGTH,
  MAX_TOTAL_STEPS,
  parseChannelConfig,
  parseSnrProcess,
  type SnrProcessConfig,
  snrDb,
  snrProcessSchema,
  type StepTime,
  ValidationError,
  pathOf,
  DELIVERY_TRANSPORTS,
  WEBRTC_MODES,
} from '@semaigc/protocol';
import { RECEIVER_VARIANTS } from '@semaigc/diffusion';
import { DEFAULT_RECEIVER_VARIANT } from '@semaigc/receiver';
import { z } from 'zod';
import { TrialConfigError } from '../errors';
import { edgeSelectorNames } from '../edges/selector';
import { OVERLOAD_SEMANTICS } from '../edges/capacity';
import { LEARNER_NAMES } from '@semaigc/asp';
import { policyNames, policyRegistration, type PolicyConfig } from '../policies/registry';

export const ARRIVALS = ['closed-loop', 'poisson', 'fixed'] as const;

const int = (min: number, max: number) =>
  z.number().int('must be an integer').min(min, `must be >= ${min}`).max(max, `must be <= ${max}`);

const promptsSchema = z.union(
  [
    z
      .array(
        z
          .string()
          .min(1, 'must not be empty')
          .max(MAX_PROMPT_LENGTH, `must be at most ${MAX_PROMPT_LENGTH} characters`),
      )
      .min(1),
    z.strictObject({
      generator: z.literal('grammar', { error: "must be 'grammar' (the bundle's caption grammar)" }),
      seed: int(0, 2 ** 31 - 1).default(0),
      count: int(1, 100_000).default(40),
    }),
  ],
  { error: "must be a list of prompts or { generator: 'grammar', seed, count }" },
);

const arrivalSchema = z.discriminatedUnion(
  'kind',
  [
    /** One request at a time per receiver: the next starts when the previous one's record is in. */
    z.strictObject({ kind: z.literal('closed-loop') }),
    /** Per receiver, exponential inter-arrival times with rate λ (seeded). */
    z.strictObject({
      kind: z.literal('poisson'),
      ratePerS: z.number().refine((v) => Number.isFinite(v) && v > 0, 'must be > 0 requests/s'),
    }),
    /** Per receiver, one request every intervalMs. */
    z.strictObject({ kind: z.literal('fixed'), intervalMs: z.number().min(0, 'must be >= 0 ms') }),
  ],
  { error: `must be one of ${ARRIVALS.join(', ')}` },
);

/** The trial's channel: the protocol's ChannelConfig with snrDb optional (the SNR process sets it). */
const trialChannelSchema = channelConfigSchema.extend({ snrDb: snrDb.optional() });

const trialSchema = z.strictObject({
  /** Trial id (a NATS subject token); default: generated from the name and time. */
  id: idSchema.optional(),
  name: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters').default('trial'),
  prompts: promptsSchema.default({ generator: 'grammar', seed: 0, count: 40 }),
  /** Base seed: request k gets seed base + k. A number is shorthand for { base }. */
  seeds: z
    .union([int(0, 2 ** 31 - 1), z.strictObject({ base: int(0, 2 ** 31 - 1) })], {
      error: 'must be a base seed (integer >= 0) or { base }',
    })
    .default(0)
    .transform((s) => (typeof s === 'number' ? { base: s } : s)),
  totalSteps: int(1, MAX_TOTAL_STEPS).default(DEFAULT_TOTAL_STEPS),
  policy: z
    .looseObject({ kind: z.string({ error: 'must name a policy' }) })
    .default({ kind: 'fixed', edgeSteps: 10 }),
  receiverVariant: z
    .enum(RECEIVER_VARIANTS, { error: `must be one of ${RECEIVER_VARIANTS.join(', ')}` })
    .default(DEFAULT_RECEIVER_VARIANT),
  channel: trialChannelSchema.prefault({ mode: 'analog' }),
  /**
   * How latents reach browser receivers: `socket` (socket.io, relayed whole) or `webrtc` (the
   * coordinator's SFU, a data channel per page, `reliable` or `unreliable`: a packet lost on
   * the link stays lost and becomes an erasure). A page without WebRTC gets socket.io, and its
   * record says so. Headless receivers (NATS) are not affected.
   */
  delivery: z
    .strictObject({
      transport: z
        .enum(DELIVERY_TRANSPORTS, { error: `must be one of ${DELIVERY_TRANSPORTS.join(', ')}` })
        .default('socket'),
      mode: z.enum(WEBRTC_MODES, { error: `must be one of ${WEBRTC_MODES.join(', ')}` }).default('reliable'),
    })
    .default({ transport: 'socket', mode: 'reliable' }),
  snr: snrProcessSchema.default({ kind: 'sweep', valuesDb: [-6, -3, 0, 3, 6, 9, 12, 15] }),
  requestsPerReceiver: int(1, 1_000_000).default(10),
  arrival: arrivalSchema.default({ kind: 'closed-loop' }),
  latency: latencyRequirementSchema.default({ minS: 1, maxS: 5, failureS: DEFAULT_FAILURE_LIMIT_S }),
  /** Regenerate (new seed) while consistency < minConsistency, up to maxRegenerations times. */
  qualityGate: z
    .strictObject({
      minConsistency: z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]'),
      maxRegenerations: int(0, 10).default(1),
    })
    .nullable()
    .default(null),
  /** Ask receivers for PSNR/SSIM against the channel-free reference (costs a second run). */
  computeReference: z.boolean().default(false),
  /**
   * Stated per-step times, s at full share: the edge and the receivers pad each step to
   * this by waiting (a lab in a paper profile's regime, e.g. 0.2 and 0.368); null: as measured.
   */
  stepTime: z
    .strictObject({
      edgeS: z
        .number()
        .positive('must be s per step > 0')
        .max(600, 'must be <= 600 s')
        .nullable()
        .default(null),
      receiverS: z
        .number()
        .positive('must be s per step > 0')
        .max(600, 'must be <= 600 s')
        .nullable()
        .default(null),
    })
    .nullable()
    .default(null),
  receivers: z
    .strictObject({
      /** Use this many of the online receivers (by node id order); default all. */
      count: int(1, 100_000).optional(),
      /** Use exactly these receivers. */
      ids: z.array(idSchema).min(1).optional(),
      /** How long to wait for the receivers (and an edge) to come online, s. */
      waitS: z.number().min(0).max(3600).default(10),
    })
    .default({ waitS: 10 }),
  /**
   * Edge selector by name: `least-loaded`, `queue-group`, the ASP-selection policies
   * (`random`, `round-robin`, `crash-avoid`, `prophet`, `dqn`, `sac`, `d2sac`), or a
   * registered one.
   */
  edgeSelector: z.string().min(1).default('least-loaded'),
  /** What the ASP selectors read: files are JSON, paths relative to the working directory. */
  aspSelector: z
    .strictObject({
      /** A learner checkpoint from `semaigc asp train` (required by dqn, sac, d2sac). */
      checkpoint: z.string().min(1).nullable().default(null),
      /** A lab-calibrated profile from `semaigc asp calibrate` (the prophet's curves, the learners' edge order). */
      profile: z.string().min(1).nullable().default(null),
      /** Seed of the random selector. */
      seed: int(0, 2 ** 31 - 1).default(0),
    })
    .default({ checkpoint: null, profile: null, seed: 0 }),
  /**
   * An edge that announced capacitySteps and is sent a request that does not fit:
   * `reject` refuses the request (EDGE_OVERLOADED, it may be retried on another edge),
   * `crash` fails every task in flight on that edge and the request (EDGE_CRASH).
   */
  overload: z
    .enum(OVERLOAD_SEMANTICS, { error: `must be one of ${OVERLOAD_SEMANTICS.join(', ')}` })
    .default('reject'),
  /** Classifier-free guidance; default: the bundle manifest's guidance_scale (else 7.5). */
  guidanceScale: z.number().min(0).max(100).nullable().default(null),
  retries: z
    .strictObject({
      /** Extra attempts after a timeout, a lost edge or a retryable error. */
      max: int(0, 10).default(1),
      /** Per-attempt timeout, s; default the latency failure limit. */
      attemptTimeoutS: z.number().positive().nullable().default(null),
      /** How long an edge may take to answer request.accepted, ms. */
      acceptTimeoutMs: int(50, 600_000).default(5000),
      /**
       * A receiver that goes offline mid-request (a phone's Wi-Fi drops, its screen locks)
       * may come back with the same node id: the request waits for it up to this long after
       * its last heartbeat, then is sent again (counts as a retry); 0 fails it at once.
       */
      receiverGraceS: z.number().min(0, 'must be >= 0').max(600, 'must be <= 600').default(10),
      /**
       * An attempt that failed on the way to or at its edge (no answer, no responders, the
       * edge went silent: a NATS outage, a frozen edge) with no other edge left may wait
       * this long, from the edges' last sign of life, for an edge (the same one included)
       * and run again there after a backoff (counts as a retry); 0 fails it at once.
       */
      edgeGraceS: z.number().min(0, 'must be >= 0').max(600, 'must be <= 600').default(10),
    })
    .default({ max: 1, attemptTimeoutS: null, acceptTimeoutMs: 5000, receiverGraceS: 10, edgeGraceS: 10 }),
});

export type TrialConfigInput = z.input<typeof trialSchema>;
type ParsedTrial = z.output<typeof trialSchema>;

/** A validated trial config with every default filled. */
export interface TrialConfig extends Omit<ParsedTrial, 'policy' | 'channel' | 'snr'> {
  policy: PolicyConfig;
  /** Without snrDb (each request's SNR comes from `snr`). */
  channel: Omit<ChannelConfig, 'snrDb'> & { snrDb?: number };
  snr: SnrProcessConfig;
}

function fail(path: readonly PropertyKey[], message: string, cause?: unknown): never {
  // zod's wording for a missing field is "expected number, received undefined": say "is required".
  const missing = /^Invalid input: expected (\w+), received undefined$/.exec(message);
  const text = missing ? `is required (${missing[1]})` : message;
  throw new TrialConfigError(pathOf(path), `${text} in trial config`, { cause });
}

/** Re-throws a protocol ValidationError from a sub-parser with the field's full path. */
function under<T>(prefix: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof ValidationError) {
      const path = err.path ? `${prefix}.${err.path}` : prefix;
      const msg = err.message.slice(err.path ? err.path.length + 2 : 0).replace(/ in [a-zA-Z ]+$/, '');
      throw new TrialConfigError(path, `${msg} in trial config`, { cause: err });
    }
    throw err;
  }
}

/** Validates a trial config (parsed YAML/JSON or an object) and fills defaults. */
export function parseTrialConfig(value: unknown): TrialConfig {
  const r = trialSchema.safeParse(value ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      fail([...issue.path, issue.keys[0] ?? ''], 'unknown field');
    }
    fail(issue.path, issue.message, r.error);
  }
  const cfg = r.data;
  const reg = policyRegistration(cfg.policy.kind);
  if (!reg)
    fail(['policy', 'kind'], `unknown policy '${cfg.policy.kind}' (known: ${policyNames().join(', ')})`);
  let policy: PolicyConfig = cfg.policy;
  if (reg.schema) {
    const p = reg.schema.safeParse(cfg.policy);
    if (!p.success) {
      const issue = p.error.issues[0]!;
      if (issue.code === 'unrecognized_keys') fail(['policy', issue.keys[0] ?? ''], 'unknown field');
      fail(['policy', ...issue.path], issue.message, p.error);
    }
    policy = p.data as PolicyConfig;
  }
  const edgeSteps = policy['edgeSteps'];
  if (typeof edgeSteps === 'number' && edgeSteps > cfg.totalSteps) {
    fail(['policy', 'edgeSteps'], `must be <= totalSteps (${cfg.totalSteps})`);
  }
  if (cfg.channel.mode === 'digital' && !cfg.channel.digital) {
    fail(['channel', 'digital'], 'is required when mode is digital');
  }
  if (!edgeSelectorNames().includes(cfg.edgeSelector)) {
    fail(
      ['edgeSelector'],
      `unknown edge selector '${cfg.edgeSelector}' (known: ${edgeSelectorNames().join(', ')})`,
    );
  }
  if (
    (LEARNER_NAMES as readonly string[]).includes(cfg.edgeSelector) &&
    cfg.aspSelector.checkpoint === null
  ) {
    fail(['aspSelector', 'checkpoint'], `is required by the ${cfg.edgeSelector} edge selector`);
  }
  const snr = under('snr', () => parseSnrProcess(cfg.snr));
  if (cfg.receivers.ids && new Set(cfg.receivers.ids).size !== cfg.receivers.ids.length) {
    fail(['receivers', 'ids'], 'must not repeat an id');
  }
  return { ...cfg, policy, snr };
}

/** The channel config of one request: the trial's channel at this request's SNR. */
export function requestChannel(cfg: TrialConfig, snrDbValue: number): ChannelConfig {
  return under('channel', () => parseChannelConfig({ ...cfg.channel, snrDb: snrDbValue }));
}

/** The request's stated step times (ms) from the trial's `stepTime`; undefined when unset. */
export function requestStepTime(cfg: Pick<TrialConfig, 'stepTime'>): StepTime | undefined {
  const st = cfg.stepTime;
  if (!st || (st.edgeS === null && st.receiverS === null)) return undefined;
  const ms = (s: number | null): number | null => (s === null ? null : s * 1000);
  return { edgeMs: ms(st.edgeS), receiverMs: ms(st.receiverS) };
}

/** Every default in one place (what `parseTrialConfig({})` returns). */
export const DEFAULT_TRIAL: Readonly<TrialConfig> = Object.freeze(parseTrialConfig({}));
