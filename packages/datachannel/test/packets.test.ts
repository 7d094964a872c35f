import {
  DEFAULT_PACKET_BYTES,
  LatentAssembler,
  PACKET_HEADER_BYTES,
  PacketError,
  decodePacket,
  elementsPerPacket,
  encodePacket,
  lossMaskFromSeqs,
  lossPattern,
  packetizeLatent,
  stampSentAt,
} from '@semaigc/datachannel';

const latent = Float32Array.from({ length: 1000 }, (_, i) => (i % 17) - 8.5 + i / 1000);

test('a latent splits into packets of the packet channel size and decodes back', () => {
  expect(elementsPerPacket(DEFAULT_PACKET_BYTES)).toBe(256);
  const packets = packetizeLatent(latent, { payloadId: 7, firstSeq: 100 });
  expect(packets).toHaveLength(4);
  expect(packets[0]!.byteLength).toBe(PACKET_HEADER_BYTES + 256 * 4);
  expect(packets[3]!.byteLength).toBe(PACKET_HEADER_BYTES + (1000 - 768) * 4);
  stampSentAt(packets[2]!, 1234.5);
  const p = decodePacket(packets[2]!);
  expect(p).toMatchObject({
    payloadId: 7,
    seq: 102,
    index: 2,
    count: 4,
    offset: 512,
    elements: 256,
    sentAtMs: 1234.5,
  });
  expect(p.data).toEqual(latent.subarray(512, 768));
});

test('sequence numbers wrap at 2^32', () => {
  const packets = packetizeLatent(latent, { payloadId: 1, firstSeq: 0xffffffff, packetBytes: 2000 });
  expect(packets.map((b) => decodePacket(b).seq)).toEqual([0xffffffff, 0]);
});

test('lost packets become zero-filled, flagged erasures; the rest is exact', () => {
  const packets = packetizeLatent(latent, { payloadId: 3, firstSeq: 0 });
  const asm = new LatentAssembler(3);
  for (const k of [0, 3, 0]) {
    const b = packets[k]!;
    stampSentAt(b, 1000);
    asm.add(decodePacket(b), 1012);
  }
  expect(asm.complete).toBe(false);
  const out = asm.assemble(latent.length);
  expect(out).toMatchObject({ packetsSent: 4, packetsReceived: 2, packetsLost: 2, duplicates: 1 });
  expect(Array.from(out.lost)).toEqual([0, 1, 1, 0]);
  expect(out.data.subarray(0, 256)).toEqual(latent.subarray(0, 256));
  expect(out.data.subarray(256, 768).every((x) => x === 0)).toBe(true);
  expect(out.erased.subarray(256, 768).every((x) => x === 1)).toBe(true);
  expect(out.erased.subarray(768).every((x) => x === 0)).toBe(true);
  expect(out.delaysMs).toEqual([12, 12]);
});

test('a payload whose packets were all lost assembles to zeros with the count given', () => {
  const out = new LatentAssembler(9).assemble(10, 2);
  expect(out.packetsLost).toBe(2);
  expect(Array.from(out.data)).toEqual(new Array(10).fill(0));
});

test('malformed datagrams are PacketErrors naming the field', () => {
  const good = packetizeLatent(latent.subarray(0, 8), { payloadId: 1, firstSeq: 0 })[0]!;
  expect(() => decodePacket(good.subarray(0, 10))).toThrow(PacketError);
  const badMagic = good.slice();
  badMagic[0] = 0;
  expect(() => decodePacket(badMagic)).toThrow('latent packet magic');
  expect(() => decodePacket(good.subarray(0, good.byteLength - 4))).toThrow('latent packet elements');
  expect(() => new LatentAssembler(2).add(decodePacket(good), 0)).toThrow('latent packet payloadId');
  expect(() =>
    encodePacket(
      { count: 1, payloadId: 1, seq: 0, index: 1, offset: 0, elements: 0, sentAtMs: 0 },
      new Float32Array(0),
    ),
  ).toThrow(TypeError);
});

test('loss patterns: bursts, rate and P(loss | loss) from a mask or from sequence numbers', () => {
  const p = lossPattern([0, 1, 1, 0, 0, 1, 0, 1, 1, 1]);
  expect(p).toMatchObject({ packets: 10, lost: 6, bursts: [2, 1, 3], maxBurst: 3, meanBurst: 2 });
  expect(p.lossRate).toBeCloseTo(0.6);
  // Packets following a lost one: indices 2, 3, 6, 8, 9; lost among them: 2, 8, 9.
  expect(p.pLossAfterLoss).toBeCloseTo(3 / 5);
  expect(lossPattern([]).lossRate).toBe(0);
  expect(Array.from(lossMaskFromSeqs(0xfffffffe, 4, [0xfffffffe, 1]))).toEqual([0, 1, 1, 0]);
});
