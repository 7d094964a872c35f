/**
 * Trial config validation (errors name the field), defaults, YAML files, prompts from the
 * bundle grammar, arrival schedules, policies and edge selectors as plug-ins.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ValidationError } from '@semaigc/protocol';
import {
  arrivalOffsetsMs,
  checkDecision,
  createEdgeSelector,
  createPolicy,
  DEFAULT_TRIAL,
  leastLoadedSelector,
  loadTrialConfig,
  makeTrialId,
  parseTrialConfig,
  PluginError,
  PromptSourceError,
  registerPolicy,
  requestChannel,
  requestIdFor,
  resolvePrompts,
  TrialConfigError,
  unregisterPolicy,
  type NodeEntry,
} from '../src';
import { caps } from './helpers';

type Case = [string, unknown, string, RegExp];

const cases: Case[] = [
  ['a misspelt top-level field', { polcy: { kind: 'fixed', edgeSteps: 1 } }, 'polcy', /unknown field/],
  [
    'an unknown policy',
    { policy: { kind: 'rooot' } },
    'policy.kind',
    /unknown policy 'rooot' \(known: fixed, edge-only/,
  ],
  [
    'a split beyond T̂',
    { totalSteps: 8, policy: { kind: 'fixed', edgeSteps: 9 } },
    'policy.edgeSteps',
    /<= totalSteps \(8\)/,
  ],
  ['a fixed policy without a', { policy: { kind: 'fixed' } }, 'policy.edgeSteps', /is required \(number\)/],
  [
    'an extra policy field',
    { policy: { kind: 'edge-only', edgeSteps: 3 } },
    'policy.edgeSteps',
    /unknown field/,
  ],
  ['Ľ ≥ L̂', { latency: { minS: 5, maxS: 2 } }, 'latency.minS', /must be < maxS/],
  [
    'a negative receiver grace',
    { retries: { receiverGraceS: -1 } },
    'retries.receiverGraceS',
    /must be >= 0/,
  ],
  [
    'an SNR out of range',
    { channel: { mode: 'analog', snrDb: 99 } },
    'channel.snrDb',
    /within \[-30, 60\] dB/,
  ],
  [
    'digital without its settings',
    { channel: { mode: 'digital' } },
    'channel.digital',
    /required when mode is digital/,
  ],
  ['an inverted SNR range', { snr: { kind: 'uniform', minDb: 9, maxDb: 3 } }, 'snr.minDb', /<= maxDb/],
  [
    'a Poisson rate of 0',
    { arrival: { kind: 'poisson', ratePerS: 0 } },
    'arrival.ratePerS',
    /> 0 requests\/s/,
  ],
  ['an unknown arrival', { arrival: { kind: 'bursty' } }, 'arrival.kind', /closed-loop, poisson, fixed/],
  ['no prompts', { prompts: [] }, 'prompts', /at least|>=1/],
  ['a receiver id with a dot', { receivers: { ids: ['a.b'] } }, 'receivers.ids[0]', /NATS subject token/],
  ['a repeated receiver', { receivers: { ids: ['a', 'a'] } }, 'receivers.ids', /must not repeat/],
  ['a negative seed', { seeds: -1 }, 'seeds', />= 0/],
  [
    'a consistency gate above 1',
    { qualityGate: { minConsistency: 2 } },
    'qualityGate.minConsistency',
    /\[0, 1\]/,
  ],
  [
    'an unknown receiver variant',
    { receiverVariant: 'magic' },
    'receiverVariant',
    /naive, prop1, prop1-eta1, remap, finetune/,
  ],
  [
    'an unknown edge selector',
    { edgeSelector: 'fastest-guess' },
    'edgeSelector',
    /known: least-loaded, queue-group, .*crash-avoid.*d2sac/,
  ],
  ['a string for a number', { totalSteps: '20' }, 'totalSteps', /expected number/],
  [
    'an unknown delivery transport',
    { delivery: { transport: 'quic' } },
    'delivery.transport',
    /must be one of socket, webrtc/,
  ],
  [
    'an unknown data-channel mode',
    { delivery: { transport: 'webrtc', mode: 'partial' } },
    'delivery.mode',
    /must be one of reliable, unreliable/,
  ],
  ['a misspelt delivery field', { delivery: { transprot: 'webrtc' } }, 'delivery.transprot', /unknown field/],
];

describe.each(cases)('trial config: %s', (_what, input, field, message) => {
  test('is refused with a TrialConfigError naming the field', () => {
    let err: unknown;
    try {
      parseTrialConfig(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrialConfigError);
    expect(err).toBeInstanceOf(ValidationError);
    const e = err as TrialConfigError;
    expect(e.path).toBe(field);
    expect(e.message.startsWith(`${field}: `)).toBe(true);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/in trial config$/);
  });
});

test('defaults live in DEFAULT_TRIAL and fill a partial config', () => {
  expect(DEFAULT_TRIAL).toMatchObject({
    totalSteps: 20,
    policy: { kind: 'fixed', edgeSteps: 10 },
    receiverVariant: 'remap',
    arrival: { kind: 'closed-loop' },
    latency: { minS: 1, maxS: 5, failureS: 60 },
    qualityGate: null,
    computeReference: false,
    edgeSelector: 'least-loaded',
    // socket.io unless a trial asks for WebRTC.
    delivery: { transport: 'socket', mode: 'reliable' },
  });
  expect(parseTrialConfig({ delivery: { transport: 'webrtc' } }).delivery).toEqual({
    transport: 'webrtc',
    mode: 'reliable',
  });
  const cfg = parseTrialConfig({ seeds: 7, qualityGate: { minConsistency: 0.5 } });
  expect(cfg.seeds).toEqual({ base: 7 });
  expect(cfg.qualityGate).toEqual({ minConsistency: 0.5, maxRegenerations: 1 });
  expect(cfg.channel).toEqual(DEFAULT_TRIAL.channel);
  expect(Object.isFrozen(DEFAULT_TRIAL)).toBe(true);
});

test("a request's channel is the trial's at that request's SNR", () => {
  const cfg = parseTrialConfig({ channel: { mode: 'analog', fading: { kind: 'rayleigh' } } });
  expect(requestChannel(cfg, -3)).toMatchObject({ mode: 'analog', snrDb: -3, fading: { kind: 'rayleigh' } });
});

describe('files and prompts', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-coord-cfg-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('YAML with a relative trace path resolves it next to the file; bad YAML names the file', async () => {
    const file = path.join(dir, 'trial.yaml');
    fs.writeFileSync(
      file,
      'name: sweep\npolicy: { kind: no-fine-tune, edgeSteps: 4 }\nsnr: { kind: trace, path: snr.csv }\n',
    );
    const cfg = await loadTrialConfig(file);
    expect(cfg.policy).toEqual({ kind: 'no-fine-tune', edgeSteps: 4 });
    expect(cfg.snr).toMatchObject({ kind: 'trace', path: path.join(dir, 'snr.csv') });
    fs.writeFileSync(file, 'name: [unclosed\n');
    await expect(loadTrialConfig(file)).rejects.toThrow(/trial.yaml is not valid YAML\/JSON/);
  });

  test('grammar prompts come from the bundle grammar, deterministic in the seed', async () => {
    const grammar = {
      template_one: 'a {size1} {colour1} {shape1} {position1} on a {background} background',
      template_two:
        'a {size1} {colour1} {shape1} {position1} and a {size2} {colour2} {shape2} {position2} on a {background} background',
      shapes: ['circle', 'square'],
      colours: { red: [255, 0, 0], blue: [0, 0, 255], green: [0, 255, 0] },
      sizes: { small: 0.2, large: 0.4 },
      positions: { left: { phrase: 'on the left' }, right: { phrase: 'on the right' } },
      two_object_pairs: [['left', 'right']],
      attributes: {},
      none_label: 'none',
    };
    fs.writeFileSync(path.join(dir, 'grammar.json'), JSON.stringify(grammar));
    const cfg = parseTrialConfig({ prompts: { generator: 'grammar', seed: 3, count: 5 } });
    const a = await resolvePrompts(cfg, dir);
    expect(a).toHaveLength(5);
    expect(
      a.every((p) => /^a (small|large) (red|blue|green) (circle|square) on the (left|right)/.test(p)),
    ).toBe(true);
    expect(await resolvePrompts(cfg, dir)).toEqual(a);
    const other = await resolvePrompts(
      parseTrialConfig({ prompts: { generator: 'grammar', seed: 4, count: 5 } }),
      dir,
    );
    expect(other).not.toEqual(a);
    await expect(resolvePrompts(cfg, undefined)).rejects.toThrow(PromptSourceError);
    await expect(resolvePrompts(cfg, path.join(dir, 'missing'))).rejects.toThrow(
      /caption grammar not readable/,
    );
  });
});

test('arrival schedules: closed loop has none, fixed is staggered per receiver, Poisson is seeded', () => {
  expect(arrivalOffsetsMs({ kind: 'closed-loop' }, 1, 0, 2, 3)).toBeNull();
  expect(arrivalOffsetsMs({ kind: 'fixed', intervalMs: 100 }, 1, 1, 2, 3)).toEqual([50, 150, 250]);
  const p = arrivalOffsetsMs({ kind: 'poisson', ratePerS: 10 }, 1, 0, 1, 2000)!;
  expect(p).toEqual(arrivalOffsetsMs({ kind: 'poisson', ratePerS: 10 }, 1, 0, 1, 2000));
  expect(p).not.toEqual(arrivalOffsetsMs({ kind: 'poisson', ratePerS: 10 }, 1, 1, 1, 2000));
  // Mean inter-arrival 1/λ = 100 ms; over 2000 draws the sample mean is within a few percent.
  expect(p[1999]! / 2000).toBeGreaterThan(90);
  expect(p[1999]! / 2000).toBeLessThan(110);
});

test('ids are subject tokens; request ids are unique within a trial', () => {
  const id = makeTrialId('SNR sweep: phones!', new Date(2026, 0, 2, 3, 4, 5));
  expect(id).toMatch(/^snr-sweep-phones-20260102-030405-[0-9a-f]{4}$/);
  expect(requestIdFor(id, 12)).toBe(`${id}-r12`);
  expect(requestIdFor('x'.repeat(64), 99999).length).toBeLessThanOrEqual(64);
});

describe('plug-ins', () => {
  afterEach(() => unregisterPolicy('test-threshold'));

  test('a registered policy validates its own config and decides from the context', async () => {
    const { z } = await import('zod');
    registerPolicy(
      'test-threshold',
      (cfg: { kind: string; snrDb: number }, trial) => ({
        name: 'test-threshold',
        decide: (ctx) => ({ edgeSteps: ctx.snrDb >= cfg.snrDb ? trial.totalSteps : 0 }),
      }),
      { schema: z.strictObject({ kind: z.literal('test-threshold'), snrDb: z.number() }) },
    );
    expect(() => parseTrialConfig({ policy: { kind: 'test-threshold' } })).toThrow(
      /^policy\.snrDb: is required/,
    );
    const cfg = parseTrialConfig({ policy: { kind: 'test-threshold', snrDb: 5 } });
    const policy = createPolicy(cfg.policy, { totalSteps: 20, receiverVariant: 'finetune' });
    const ctx = {
      trialId: 't',
      requestId: 'r',
      index: 0,
      prompt: 'p',
      snrDb: 7,
      bandwidthHz: 1e6,
      latency: { minS: 1, maxS: 2, failureS: 60 },
      totalSteps: 20,
      edge: null,
      receiver: { nodeId: 'rx', stepMs: 5, computeShare: 1, inFlight: 0, maxConcurrent: 1 },
    };
    expect(await policy.decide(ctx)).toEqual({ edgeSteps: 20 });
    expect(await policy.decide({ ...ctx, snrDb: 2 })).toEqual({ edgeSteps: 0 });
    expect(() => registerPolicy('test-threshold', () => policy)).toThrow(PluginError);
    expect(() => registerPolicy('Bad Name', () => policy)).toThrow(TypeError);
  });

  test('checkDecision refuses a out of range and an image with a < T̂', () => {
    expect(() => checkDecision({ edgeSteps: 21 }, 20, 'p')).toThrow(/integer in \[0, 20\], got 21/);
    expect(() => checkDecision({ edgeSteps: 5, deliver: 'image' }, 20, 'p')).toThrow(
      /needs edgeSteps = totalSteps/,
    );
    expect(checkDecision({ edgeSteps: 5 }, 20, 'p', 'finetune')).toEqual({
      edgeSteps: 5,
      deliver: 'latent',
      receiverVariant: 'finetune',
      checkpointId: null,
    });
  });

  test('least-loaded picks the edge with the fewest requests per slot, then the faster one', () => {
    const node = (nodeId: string, assigned: number, stepMs: number, share = 1, maxConcurrent = 1) =>
      ({
        nodeId,
        assigned,
        reportedInFlight: 0,
        reportedQueued: 0,
        capabilities: caps({ stepMs, computeShare: share, maxConcurrent }),
      }) as unknown as NodeEntry;
    const pick = (cands: NodeEntry[]) => {
      const c = leastLoadedSelector.select({ requestId: 'r', candidates: cands, excluded: new Set() });
      return c.kind === 'edge' ? c.edge.nodeId : c.kind;
    };
    expect(pick([node('a', 2, 5), node('b', 1, 50)])).toBe('b');
    expect(pick([node('a', 1, 10, 0.25), node('b', 1, 20)])).toBe('b'); // 10/0.25 = 40 ms > 20 ms
    expect(pick([node('a', 2, 5, 1, 4), node('b', 1, 5)])).toBe('a'); // 2/4 < 1/1
    expect(pick([])).toBe('none');
    expect(() => createEdgeSelector('nope')).toThrow(/unknown edge selector 'nope'/);
  });
});
