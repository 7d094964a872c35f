/**
 * Messages waiting for a welcome, oldest first. Bounded: beyond `limit` the oldest are
 * dropped (and counted), so a receiver that never gets welcomed cannot grow without end.
 */
export class Outbox<T> {
  private readonly items: T[] = [];
  /** Items dropped for lack of room since construction. */
  dropped = 0;

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new TypeError(`outbox limit must be a positive integer, got ${limit}`);
  }

  push(item: T): void {
    this.items.push(item);
    while (this.items.length > this.limit) {
      this.items.shift();
      this.dropped++;
    }
  }

  shift(): T | undefined {
    return this.items.shift();
  }

  get size(): number {
    return this.items.length;
  }
}
