/**
 * Reassembles a latent from the packets that arrived (the receiver's side). Lost packets
 * become erasures exactly as in the emulated packet channel: their elements are zero-filled
 * (zero is the latent prior's mean) and flagged in a per-element mask, and the counts go into
 * the channel metadata (packetsSent, packetsLost) the noise-aware receiver steps read.
 */
import { PacketError } from './errors';
import type { LatentPacket } from './packet';

export interface AssembledLatent {
  data: Float32Array;
  /** Per element: 1 where its packet was lost. */
  erased: Uint8Array;
  /** Per packet index: 1 = lost. */
  lost: Uint8Array;
  packetsSent: number;
  packetsReceived: number;
  packetsLost: number;
  /** Packets that arrived twice (counted once). */
  duplicates: number;
  /** receivedAtMs − sentAtMs per received packet: the one-way delay on the two clocks. */
  delaysMs: number[];
}

export class LatentAssembler {
  readonly payloadId: number;
  private count = 0;
  private readonly got = new Map<number, { packet: LatentPacket; delayMs: number }>();
  private duplicates = 0;

  constructor(payloadId: number) {
    this.payloadId = payloadId;
  }

  /** Packets the payload has (0 until the first packet arrives). */
  get packetCount(): number {
    return this.count;
  }

  get received(): number {
    return this.got.size;
  }

  get complete(): boolean {
    return this.count > 0 && this.got.size === this.count;
  }

  add(packet: LatentPacket, receivedAtMs: number): void {
    if (packet.payloadId !== this.payloadId) {
      throw new PacketError('payloadId', `${packet.payloadId} given to the assembler of ${this.payloadId}`);
    }
    if (this.count === 0) this.count = packet.count;
    else if (packet.count !== this.count) {
      throw new PacketError(
        'count',
        `${packet.count}, earlier packets of payload ${this.payloadId} said ${this.count}`,
      );
    }
    if (this.got.has(packet.index)) {
      this.duplicates++;
      return;
    }
    this.got.set(packet.index, { packet, delayMs: receivedAtMs - packet.sentAtMs });
  }

  /**
   * The latent of `elements` elements with lost packets zero-filled; `packetsSent` is the
   * payload's packet count (known from any packet, or given when none arrived).
   */
  assemble(elements: number, packetsSent = this.count): AssembledLatent {
    if (!Number.isInteger(elements) || elements < 1) {
      throw new TypeError(`elements must be a positive integer, got ${elements}`);
    }
    if (this.count > 0 && packetsSent !== this.count) {
      throw new TypeError(`packetsSent ${packetsSent} differs from the packets' count ${this.count}`);
    }
    if (!Number.isInteger(packetsSent) || packetsSent < 1) {
      throw new TypeError(`packetsSent must be a positive integer, got ${packetsSent}`);
    }
    const data = new Float32Array(elements);
    const erased = new Uint8Array(elements).fill(1);
    const lost = new Uint8Array(packetsSent).fill(1);
    const delaysMs: number[] = [];
    for (const [index, { packet, delayMs }] of [...this.got].sort((a, b) => a[0] - b[0])) {
      if (packet.offset + packet.elements > elements) {
        throw new PacketError(
          'offset',
          `packet ${index} of payload ${this.payloadId} carries elements ${packet.offset}…${packet.offset + packet.elements - 1}, the latent has ${elements}`,
        );
      }
      data.set(packet.data, packet.offset);
      erased.fill(0, packet.offset, packet.offset + packet.elements);
      lost[index] = 0;
      delaysMs.push(delayMs);
    }
    const packetsReceived = this.got.size;
    return {
      data,
      erased,
      lost,
      packetsSent,
      packetsReceived,
      packetsLost: packetsSent - packetsReceived,
      duplicates: this.duplicates,
      delaysMs,
    };
  }
}
