/**
 * A split generation at Stable Diffusion's real size (512x512 image, 4x64x64 latent) on the tiny
 * SD-architecture export, loaded through the standard path: the edge's own `generate` (text
 * encoding, a DDIM steps, the AWGN channel on the latent, the latent message), the message
 * through protocol's codec, then the receiver's T̂ − a steps with naive and remap, and the VAE
 * decode. What is checked is shapes, bytes and the channel's conventions, not image quality
 * (the weights are random).
 */
import { generate } from '@semaigc/edge';
import { createChannel } from '@semaigc/channel';
import type { SplitPipeline } from '@semaigc/diffusion';
import { TINY_SD_DIR } from '@semaigc/models';
import { loadNodePipeline } from '@semaigc/node-kit';
import {
  decode,
  encode,
  fromFloat16Bits,
  makeMessage,
  parseChannelConfig,
  toFloat16Bits,
  type LatentMessage,
  type RequestMessage,
} from '@semaigc/protocol';

const KIB = 1024;
const SNR_DB = 5;
let pipeline: SplitPipeline;

beforeAll(async () => {
  pipeline = await loadNodePipeline({ bundleDir: TINY_SD_DIR });
}, 120_000);

afterAll(async () => {
  await pipeline?.release();
});

function request(): RequestMessage {
  const now = Date.now();
  return makeMessage('request', {
    trialId: 'trial-tiny-sd',
    requestId: 'req-tiny-sd',
    prompt: 'a large red circle on the left on a blue background',
    seed: 11,
    totalSteps: 4,
    edgeSteps: 2,
    guidanceScale: 7.5,
    channel: parseChannelConfig({ mode: 'analog', snrDb: SNR_DB }),
    policy: 'fixed',
    checkpointId: null,
    latency: { minS: 2, maxS: 10, failureS: 60 },
    deadline: now + 600_000,
    receiverId: 'rx-tiny',
    replyTo: 'semaigc.v1.error',
    receiverVariant: null,
    edgeId: null,
    deliver: 'latent',
    createdAt: now,
    attempt: 0,
  }) as RequestMessage;
}

test('the tiny SD export loads at 512x512 through the standard path', () => {
  const m = pipeline.bundle.manifest;
  expect(m.layout).toBe('optimum-onnx');
  expect(m.latent).toMatchObject({ channels: 4, height: 64, width: 64, scaling_factor: 0.18215 });
  expect(m.image).toMatchObject({ height: 512, width: 512, channels: 3 });
  expect(pipeline.size).toBe(4 * 64 * 64);
});

test('edge a = 2 of 4 steps, AWGN on the 4x64x64 latent, 64 KiB through the codec, receiver naive and remap, decode', async () => {
  const req = request();
  const sent = (await generate(
    { pipeline, edgeId: 'edge-tiny', computeShare: 1, now: () => Date.now() },
    req,
    Date.now(),
  )) as LatentMessage;
  expect(sent.type).toBe('latent');
  expect(sent.tensor.shape).toEqual([1, 4, 64, 64]);
  expect(sent.stepIndex).toBe(2);

  // The channel's conventions on the real-size latent: σ² = P / 10^(SNR/10) per element, and
  // the link time of its 16 384 reals as 8 192 complex channel uses at B (packages/channel phy.ts).
  const data = sent.tensor.data as Float32Array;
  expect(data.byteLength).toBe(64 * KIB);
  const cfg = req.channel;
  expect(sent.channel.snrDbMeasured).toBeGreaterThan(SNR_DB - 0.5);
  expect(sent.channel.snrDbMeasured).toBeLessThan(SNR_DB + 0.5);
  expect(sent.channel.txSeconds).toBeCloseTo(8192 / cfg.link.bandwidthHz, 12);

  // Through protocol's codec: the 64 KiB tensor plus the message around it.
  const bytes = encode(sent);
  expect(bytes.byteLength).toBeGreaterThan(64 * KIB);
  expect(bytes.byteLength).toBeLessThan(64 * KIB + 4 * KIB);
  const got = decode(bytes) as LatentMessage;
  expect(Array.from(got.tensor.data as Float32Array)).toEqual(Array.from(data));

  const images: Float32Array[] = [];
  for (const variant of ['naive', 'remap'] as const) {
    const rx = await pipeline.deviceDenoise({
      latent: got.tensor.data as Float32Array,
      fromIndex: got.stepIndex,
      totalSteps: got.request.totalSteps,
      noiseVariance: got.channel.noiseVariance,
      variant,
      prompt: got.request.prompt,
      guidanceScale: got.request.guidanceScale,
    });
    expect(rx.stepMs).toHaveLength(variant === 'naive' ? 2 : rx.timesteps.length);
    if (variant === 'remap') {
      // remap treats the noisy latent as a noisier one: it restarts above the hand-off timestep.
      expect(rx.tStar).not.toBeNull();
      expect(rx.tStar!).toBeGreaterThan(got.timestep);
    }
    const img = await pipeline.decode(rx.latent);
    expect([img.width, img.height, img.data.length]).toEqual([512, 512, 512 * 512 * 4]);
    images.push(img.raw);
  }
  // Different receivers, different images (the variants really ran on the received latent).
  expect(images[0]!.some((v, i) => v !== images[1]![i])).toBe(true);
}, 300_000);

test('an fp16 latent payload is 32 KiB through the codec and the same analog link time', async () => {
  const edge = await pipeline.edgeDenoise({
    prompt: 'a small blue square',
    seed: 3,
    totalSteps: 4,
    edgeSteps: 1,
  });
  const channel = createChannel({ mode: 'analog', snrDb: SNR_DB });
  const half = toFloat16Bits(edge.latent);
  expect(half.byteLength).toBe(32 * KIB);
  const tx32 = channel.transmit(edge.latent, { seed: 1 });
  // The radio carries the reals as symbols, not their bits: fp16 halves the wire, not the air time.
  const tx16 = channel.transmit(fromFloat16Bits(half), { seed: 1 });
  expect(tx16.meta.txSeconds).toBe(tx32.meta.txSeconds);
  const sent = (await generate(
    { pipeline, edgeId: 'edge-tiny', computeShare: 1, now: () => Date.now() },
    { ...request(), edgeSteps: 1 },
    Date.now(),
  )) as LatentMessage;
  const { v: _v, type: _t, ...body } = sent;
  const msg = makeMessage('latent', {
    ...body,
    tensor: { dtype: 'float16', shape: [1, 4, 64, 64], data: toFloat16Bits(tx16.output) },
  });
  const bytes = encode(msg);
  expect(bytes.byteLength).toBeGreaterThan(32 * KIB);
  expect(bytes.byteLength).toBeLessThan(32 * KIB + 4 * KIB);
  const back = decode(bytes) as LatentMessage;
  expect(back.tensor.dtype).toBe('float16');
  expect(back.tensor.data.byteLength).toBe(32 * KIB);
}, 300_000);
