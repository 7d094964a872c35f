/**
 * The real mediasoup worker (the one scripts/mediasoup/build-worker.sh built, or
 * MEDIASOUP_WORKER_BIN): worker, router, a DirectTransport data producer, a WebRtcTransport with
 * SCTP and its data consumer, and latent packets through the worker and back.
 */
import * as fs from 'node:fs';
import type { types } from 'mediasoup';
import { LatentAssembler, decodePacket } from '@semaigc/datachannel';
import {
  DEFAULT_SFU_OPTIONS,
  type Sfu,
  UnknownReceiverError,
  createSfu,
  resolveWorkerBin,
} from '@semaigc/sfu';

jest.setTimeout(30_000);

let sfu: Sfu;

beforeAll(async () => {
  sfu = await createSfu({ logLevel: 'error', packetBytes: 64 });
});

afterAll(() => sfu?.close());

test('the worker binary resolved is the built one and the worker process runs', async () => {
  const bin = resolveWorkerBin();
  expect(fs.statSync(bin).mode & 0o111).not.toBe(0);
  expect(sfu.worker.pid).toBeGreaterThan(0);
  const usage = await sfu.worker.getResourceUsage();
  expect(usage.ru_maxrss).toBeGreaterThan(0);
  expect(sfu.router.closed).toBe(false);
});

test('a WebRtcTransport with SCTP and an unreliable data consumer fed by a DirectTransport data producer', async () => {
  const params = await sfu.openReceiver('rx-unreliable', 'unreliable');
  expect(params.transport.iceCandidates.length).toBeGreaterThan(0);
  expect(params.transport.iceCandidates.every((c) => c.protocol === 'udp' && c.address === '127.0.0.1')).toBe(
    true,
  );
  expect(params.transport.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
  expect(params.transport.sctpParameters.port).toBe(5000);
  expect(params.transport.sctpParameters.OS).toBeGreaterThan(0);
  // The worker keeps maxRetransmits as a uint16 where 0 also means "not given", so its dump leaves
  // 0 out; its SCTP send path still sends an unordered consumer's messages with 0 retransmissions
  // and maxPacketLifeTime as their time limit in the send queue (0 ms when not given):
  // worker/src/RTC/Transport.cpp, SendMessageOptions.
  expect(params.dataConsumer.sctpStreamParameters.ordered).toBe(false);
  expect(params.dataConsumer.sctpStreamParameters.maxRetransmits ?? 0).toBe(0);
  expect(params.dataConsumer.sctpStreamParameters.maxPacketLifeTime).toBe(
    DEFAULT_SFU_OPTIONS.unreliableQueueMs,
  );
  expect(sfu.stats('rx-unreliable')).toMatchObject({ mode: 'unreliable', packetsSent: 0, sctpState: 'new' });

  const reliable = await sfu.openReceiver('rx-reliable', 'reliable');
  expect(reliable.dataConsumer.sctpStreamParameters.ordered).toBe(true);
  expect(reliable.dataConsumer.sctpStreamParameters.maxRetransmits).toBeUndefined();
  expect(reliable.transport.id).not.toBe(params.transport.id);
});

test('latent packets cross the worker (DirectTransport producer to a DirectTransport consumer) and reassemble exactly', async () => {
  const producerId = (await sfu.openReceiver('rx-direct', 'reliable')).dataConsumer.dataProducerId;
  const tap: types.DataConsumer = await sfu.direct.consumeData({ dataProducerId: producerId });
  const got: Buffer[] = [];
  tap.on('message', (m: Buffer) => got.push(m));

  const latent = Float32Array.from({ length: 4 * 8 * 8 }, (_, i) => Math.sin(i) * 3);
  const sent = sfu.sendLatent('rx-direct', latent);
  expect(sent.packets).toBe(Math.ceil(latent.length / 16)); // 64 bytes = 16 float32 per packet
  for (let i = 0; i < 200 && got.length < sent.packets; i++) await new Promise((r) => setTimeout(r, 25));
  expect(got).toHaveLength(sent.packets);

  const asm = new LatentAssembler(sent.payloadId);
  const seqs = got.map((b) => {
    const p = decodePacket(new Uint8Array(b));
    asm.add(p, Date.now());
    return p.seq;
  });
  expect(seqs.sort((a, b) => a - b)).toEqual(
    Array.from({ length: sent.packets }, (_, k) => sent.firstSeq + k),
  );
  const out = asm.assemble(latent.length);
  expect(out.packetsLost).toBe(0);
  expect(out.data).toEqual(latent);
  expect(out.delaysMs.every((d) => d >= 0)).toBe(true);

  // The next payload continues the sequence where this one ended.
  expect(sfu.sendLatent('rx-direct', latent.subarray(0, 10)).firstSeq).toBe(sent.firstSeq + sent.packets);
  expect(sfu.stats('rx-direct').packetsSent).toBe(sent.packets + 1);
  tap.close();
});

test('closed and unknown receivers are refused with the receiver named', () => {
  sfu.closeReceiver('rx-reliable');
  expect(sfu.hasReceiver('rx-reliable')).toBe(false);
  expect(() => sfu.sendLatent('rx-reliable', new Float32Array(4))).toThrow(UnknownReceiverError);
  expect(() => sfu.stats('nobody')).toThrow('[receiver:nobody]');
});

test('bad settings are TypeErrors naming the field', async () => {
  await expect(createSfu({ rtcMinPort: 50000, rtcMaxPort: 40000 })).rejects.toThrow('rtcMaxPort');
  await expect(createSfu({ packetBytes: 4000 })).rejects.toThrow('packetBytes');
  await expect(createSfu({ unreliableQueueMs: 0 })).rejects.toThrow('unreliableQueueMs');
  await expect(sfu.openReceiver('x', 'sometimes' as never)).rejects.toThrow('mode must be one of');
});
