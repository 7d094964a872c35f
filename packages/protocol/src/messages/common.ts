/**
 * Field schemas shared by several messages: times, counts, roles, device capabilities and
 * the latency requirement. Times on the wire are epoch milliseconds (`Date.now()` of the
 * sender's clock) and durations are milliseconds, except the latency requirement, which is
 * in seconds like the paper's Ľ and L̂.
 */
import { z } from 'zod';
import { PROTOCOL_VERSION } from '../version';

/** `v` of every envelope; the codec checks it before anything else. */
export const versionField = z.literal(PROTOCOL_VERSION);

const finiteAtLeast0 = (v: number): boolean => Number.isFinite(v) && v >= 0;

export const finite = z.number().refine(Number.isFinite, 'must be a finite number');
export const epochMs = z.number().refine(finiteAtLeast0, 'must be an epoch time in ms (finite, >= 0)');
export const durationMs = z.number().refine(finiteAtLeast0, 'must be a duration in ms (finite, >= 0)');
export const count = z.number().int('must be an integer').min(0, 'must be >= 0');
export const positiveSeconds = z.number().refine((v) => Number.isFinite(v) && v > 0, 'must be seconds > 0');
/** Free text shown to people (reasons, names); bounded so a peer cannot send megabytes of it. */
export const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);

export const ROLES = ['edge', 'receiver', 'coordinator'] as const;
export type NodeRole = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });

export const BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
export type InferenceBackend = (typeof BACKENDS)[number];
export const backendSchema = z.enum(BACKENDS, { error: `must be one of ${BACKENDS.join(', ')}` });

export const RUNTIMES = ['node', 'browser'] as const;
export type RuntimeKind = (typeof RUNTIMES)[number];

/** What the device is; a receiver's profile is what the paper's device compute figures refer to. */
export const deviceProfileSchema = z.object({
  /** `navigator.userAgent` in a browser; null in Node. */
  userAgent: text(512).nullable(),
  /** `process.platform`/arch in Node, `navigator.platform` (or UA-CH) in a browser. */
  platform: text(128),
  /** Logical cores (`os.cpus().length`, `navigator.hardwareConcurrency`); null if unknown. */
  cores: z.number().int().min(1).max(65536).nullable(),
  /** Memory in GiB (`os.totalmem()`, `navigator.deviceMemory`); null if unknown. */
  memoryGiB: z
    .number()
    .refine((v) => Number.isFinite(v) && v > 0, 'must be GiB > 0')
    .nullable(),
  backend: backendSchema,
  /**
   * A browser's wasm set-up when `backend` is wasm: threads, SIMD, the runtime's build and
   * whether inference runs in a worker. Absent for other backends and nodes that do not say.
   */
  wasm: z
    .object({
      threads: z.number().int().min(1).max(1024),
      simd: z.boolean(),
      build: text(64),
      worker: z.boolean(),
    })
    .optional(),
});
export type DeviceProfile = z.output<typeof deviceProfileSchema>;

/**
 * The AaaS four-parameter quality model of an edge (an AIGC service provider): quality A_y
 * up to A_x denoising steps, rising linearly to B_y at B_x steps, flat beyond.
 */
export const qualityProfileSchema = z
  .object({
    ax: z.number().refine(finiteAtLeast0, 'must be steps (finite, >= 0)'),
    ay: z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]'),
    bx: z.number().refine((v) => Number.isFinite(v) && v > 0, 'must be steps (finite, > 0)'),
    by: z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]'),
  })
  .superRefine((q, ctx) => {
    if (q.bx <= q.ax)
      ctx.addIssue({
        code: 'custom',
        path: ['bx'],
        message: 'must be > ax (the curve rises from A_x to B_x)',
      });
    if (q.by < q.ay) ctx.addIssue({ code: 'custom', path: ['by'], message: 'must be >= ay' });
  });
export type QualityProfile = z.output<typeof qualityProfileSchema>;

export const capabilitiesSchema = z.object({
  runtime: z.object({
    kind: z.enum(RUNTIMES, { error: `must be one of ${RUNTIMES.join(', ')}` }),
    /** Node `process.version` or the browser's name/version. */
    version: text(64).min(1, 'must not be empty'),
  }),
  backend: backendSchema,
  /** Measured time of one denoising step in ms (null until measured). */
  stepMs: z
    .number()
    .refine((v) => Number.isFinite(v) && v > 0, 'must be ms > 0')
    .nullable(),
  /** Share p of the device's compute granted to this work (PACR); a step takes measured/p. */
  computeShare: z.number().refine((v) => v > 0 && v <= 1, 'must be in (0, 1]'),
  profile: deviceProfileSchema,
  /** Requests the node runs at once. */
  maxConcurrent: z.number().int().min(1).max(1024).default(1),
  /** Model bundle id from the bundle's manifest; null if the node has none loaded. */
  bundleId: text(128).nullable().default(null),
  /**
   * Edges: denoising steps the edge holds in flight at once (queued and running); a request
   * that would exceed it is an overload (the trial's crash or reject semantics). Absent:
   * no limit.
   */
  capacitySteps: z.number().int('must be an integer').min(1, 'must be >= 1').max(1_000_000).optional(),
  /** Edges: the quality-vs-steps curve; null: unknown until calibrated. */
  qualityProfile: qualityProfileSchema.nullable().optional(),
  /** Edges: the guidance scale this edge uses instead of the request's (an edge set apart). */
  guidanceScale: z.number().min(0, 'must be >= 0').max(100, 'must be <= 100').optional(),
});
export type Capabilities = z.output<typeof capabilitiesSchema>;
export type CapabilitiesInput = z.input<typeof capabilitiesSchema>;

/** The paper's profile: satisfaction 1 below Ľ, 0 above L̂, failed above the failure limit. */
export const DEFAULT_FAILURE_LIMIT_S = 60;

export const latencyRequirementSchema = z
  .object({
    /** Ľ: latency (s) up to which the user is fully satisfied. */
    minS: z.number().refine(finiteAtLeast0, 'must be seconds >= 0'),
    /** L̂: latency (s) from which satisfaction is 0. */
    maxS: positiveSeconds,
    /** Over this latency (s) the request has failed. */
    failureS: positiveSeconds.default(DEFAULT_FAILURE_LIMIT_S),
  })
  .refine((l) => l.minS < l.maxS, { path: ['minS'], message: 'must be < maxS (Ľ < L̂)' });
export type LatencyRequirement = z.output<typeof latencyRequirementSchema>;

/** Policy names are open (new baselines appear); these are the ones DESIGN.md names. */
export const KNOWN_POLICIES = [
  'root',
  'fixed',
  'edge-only',
  'local-only',
  'no-fine-tune',
  'edge-aigc',
] as const;
export const policySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a policy name: 1-64 of a-z 0-9 . _ - (e.g. root, fixed)');
