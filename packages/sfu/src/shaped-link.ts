/**
 * A real bottleneck link for loss experiments: a network namespace joined to this one by a
 * veth pair, with a token-bucket filter (tc tbf: rate, burst, and a byte limit on its queue)
 * on the host side, so traffic from the host to the namespace that outruns the rate is queued
 * and, past the limit, dropped. Unlike netem (absent from this kernel), tbf loses nothing
 * at random: loss comes from the queue overflowing, in bursts, as on a congested real link.
 * Needs root and iproute2; `shapedLinkSupport()` says why not where it cannot run.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ShapedLinkOptions {
  /** Distinguishes concurrent links: names and the 10.<a>.<b>.0/24 subnet derive from it (1…250). */
  index?: number;
  /** Bottleneck rate toward the namespace, kbit/s. */
  rateKbit: number;
  /** Token bucket size, bytes (how much may pass at once at line rate). */
  burstBytes: number;
  /** Queue limit, bytes: packets arriving to a fuller queue are dropped. */
  limitBytes: number;
}

export interface QdiscCounters {
  sentPackets: number;
  droppedPackets: number;
}

export interface ShapedLink {
  netns: string;
  /** Address of the host side (bind servers here) and of the namespace side. */
  hostIp: string;
  peerIp: string;
  /** An executable script that runs `executable` inside the namespace with the script's arguments. */
  wrap(executable: string): string;
  counters(): QdiscCounters;
  /**
   * Changes the bottleneck in place (`tc qdisc change`), e.g. a wide link while a page loads
   * its model and the narrow one for the experiment; the counters keep counting.
   */
  reshape(o: Pick<ShapedLinkOptions, 'rateKbit' | 'burstBytes' | 'limitBytes'>): void;
  close(): void;
}

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** null when a shaped link can be made here, otherwise the reason. */
export function shapedLinkSupport(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces and tc)';
  for (const tool of ['ip', 'tc']) {
    try {
      run(tool, ['-V']);
    } catch {
      return `${tool} (iproute2) not found`;
    }
  }
  // Root in a container may still lack CAP_NET_ADMIN: try the cheapest namespace operation.
  const probe = `semaigc-probe-${process.pid}`;
  try {
    run('ip', ['netns', 'add', probe]);
    run('ip', ['netns', 'del', probe]);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    return `cannot create a network namespace: ${stderr.trim() || String(err)}`;
  }
  return null;
}

function checkShape(o: Pick<ShapedLinkOptions, 'rateKbit' | 'burstBytes' | 'limitBytes'>): void {
  for (const k of ['rateKbit', 'burstBytes', 'limitBytes'] as const) {
    if (!Number.isFinite(o[k]) || o[k] <= 0)
      throw new TypeError(`${k} must be a positive number, got ${o[k]}`);
  }
}

/** `tc qdisc <verb> dev <dev> root tbf rate … burst … limit …`. */
function tbfArgs(
  verb: 'add' | 'change',
  dev: string,
  o: Pick<ShapedLinkOptions, 'rateKbit' | 'burstBytes' | 'limitBytes'>,
): string[] {
  return [
    'qdisc',
    verb,
    'dev',
    dev,
    'root',
    'tbf',
    'rate',
    `${o.rateKbit}kbit`,
    'burst',
    `${o.burstBytes}`,
    'limit',
    `${o.limitBytes}`,
  ];
}

export function createShapedLink(o: ShapedLinkOptions): ShapedLink {
  const index = o.index ?? 1;
  if (!Number.isInteger(index) || index < 1 || index > 250) {
    throw new TypeError(`index must be an integer in [1, 250], got ${index}`);
  }
  checkShape(o);
  const tag = `sg${process.pid % 10000}x${index}`;
  const netns = `semaigc-${tag}`;
  const host = `${tag}h`;
  const peer = `${tag}p`;
  const subnet = `10.${200 + (index % 50)}.${process.pid % 250}`;
  const hostIp = `${subnet}.1`;
  const peerIp = `${subnet}.2`;
  const steps: Array<[string, string[]]> = [
    ['ip', ['netns', 'add', netns]],
    ['ip', ['netns', 'exec', netns, 'ip', 'link', 'set', 'lo', 'up']],
    ['ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', peer]],
    ['ip', ['link', 'set', peer, 'netns', netns]],
    ['ip', ['addr', 'add', `${hostIp}/24`, 'dev', host]],
    ['ip', ['link', 'set', host, 'up']],
    ['ip', ['netns', 'exec', netns, 'ip', 'addr', 'add', `${peerIp}/24`, 'dev', peer]],
    ['ip', ['netns', 'exec', netns, 'ip', 'link', 'set', peer, 'up']],
    ['tc', tbfArgs('add', host, o)],
  ];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${netns}-`));
  const close = (): void => {
    for (const [cmd, args] of [
      ['ip', ['link', 'del', host]],
      ['ip', ['netns', 'del', netns]],
    ] as Array<[string, string[]]>) {
      try {
        run(cmd, args);
      } catch {
        // already gone (a half-made link is cleaned up this way too)
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const [cmd, args] of steps) run(cmd, args);
  } catch (err) {
    close();
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`shaped link ${netns}: ${stderr.trim() || String(err)}`, { cause: err });
  }
  return {
    netns,
    hostIp,
    peerIp,
    wrap(executable: string): string {
      const script = path.join(dir, `${path.basename(executable)}-in-netns.sh`);
      fs.writeFileSync(
        script,
        `#!/bin/sh\nexec ip netns exec ${netns} ${JSON.stringify(executable)} "$@"\n`,
        {
          mode: 0o755,
        },
      );
      return script;
    },
    counters(): QdiscCounters {
      const out = run('tc', ['-s', 'qdisc', 'show', 'dev', host]);
      const m = /Sent \d+ bytes (\d+) pkt \(dropped (\d+)/.exec(out);
      if (!m) throw new Error(`shaped link ${netns}: cannot read tc counters from: ${out}`);
      return { sentPackets: Number(m[1]), droppedPackets: Number(m[2]) };
    },
    reshape(shape): void {
      checkShape(shape);
      run('tc', tbfArgs('change', host, shape));
    },
    close,
  };
}
