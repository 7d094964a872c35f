/**
 * A FIFO of jobs run one at a time (an edge serves one request at a time, like the paper's
 * edge transmitter; several edges share load through the NATS queue group). Reports depth for
 * heartbeats and least-loaded edge selection.
 */
export class JobQueue<T> {
  private readonly items: T[] = [];
  private running = false;

  constructor(private readonly run: (item: T) => Promise<void>) {}

  /** Jobs waiting plus the one running. */
  get depth(): number {
    return this.items.length + (this.running ? 1 : 0);
  }

  get busy(): boolean {
    return this.running;
  }

  get waiting(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      for (let item = this.items.shift(); item !== undefined; item = this.items.shift()) {
        // run() handles its own errors; a throw here would stop the queue, so it is caught.
        await this.run(item).catch(() => undefined);
      }
    } finally {
      this.running = false;
    }
  }
}
