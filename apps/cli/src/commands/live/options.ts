/** Option parsers shared by the live commands; errors name the option. */
import { isIP } from 'node:net';
import * as path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_NODE_THREADS } from '@semaigc/node-kit';

export function int(name: string, min: number, max: number): (v: string) => number {
  return (v) => {
    // Number('') and Number(' ') are 0: an empty value is refused, not read as zero.
    const n = v.trim() === '' ? NaN : Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got '${v}'`);
    return n;
  };
}

export function share(name: string): (v: string) => number {
  return (v) => {
    const p = Number(v);
    if (!(p > 0 && p <= 1))
      throw new InvalidArgumentError(`${name} must be a compute share in (0, 1], got '${v}'`);
    return p;
  };
}

/**
 * `--bundle <dir>`: the project's bundle or a standard diffusers ONNX export (model_index.json);
 * made absolute here, since the coordinator serves it as a static root, which must be absolute.
 */
export function bundleOption(): Option {
  return new Option(
    '--bundle <dir>',
    'model bundle directory: the project bundle or a diffusers ONNX export (default: packages/models/default)',
  ).argParser((v: string) => path.resolve(v));
}

export function natsOption(): Option {
  return new Option('--nats <url>', 'NATS server URL, e.g. nats://lab-host:4222').makeOptionMandatory();
}

/** `--creds <file>`: the role's NATS credentials (an nkey seed from `semaigc creds init`, or a .creds file). */
export function credsOption(role: string): Option {
  return new Option('--creds <file>', `NATS credentials of the ${role} role (from 'semaigc creds init')`);
}

/** Adds `--tls-ca`, `--tls-cert`, `--tls-key`: TLS to the NATS server (node-kit's natsTlsFromFlags). */
export function withNatsTls(cmd: Command): Command {
  return cmd
    .option(
      '--tls-ca <file>',
      "CA that signed the NATS server's certificate (a lab CA; default: the system CAs)",
    )
    .option('--tls-cert <file>', 'client certificate, for a server that requires one (with --tls-key)')
    .option('--tls-key <file>', "the client certificate's private key");
}

/** `--compute-share <p>`, p in (0, 1], default 1; `help` says what the role stretches. */
export function computeShareOption(help: string): Option {
  return new Option('--compute-share <p>', help).default(1).argParser(share('--compute-share'));
}

/** `--threads <n>`: onnxruntime-node intra-op threads of the role's sessions. */
export function threadsOption(): Option {
  return new Option('--threads <n>', 'onnxruntime-node intra-op threads')
    .default(DEFAULT_NODE_THREADS)
    .argParser(int('--threads', 1, 256));
}

/**
 * `--sfu-listen-ip <addr>`: the UDP address of the SFU that trials with WebRTC delivery use
 * (startCoordinator's sfu.listenIp). Unset: 127.0.0.1, so only a browser on this machine
 * reaches it; phones need the LAN address they reach this machine at. A wildcard is refused:
 * ICE candidates must carry an address the phones can reach.
 */
export function sfuListenIpOption(): Option {
  return new Option(
    '--sfu-listen-ip <addr>',
    'UDP address of the SFU for trials with WebRTC delivery (default 127.0.0.1; the LAN address phones reach this machine at)',
  ).argParser((v) => {
    if (isIP(v) === 0 || v === '0.0.0.0' || v === '::')
      throw new InvalidArgumentError(
        `--sfu-listen-ip must be an IP address phones can reach (not a wildcard), got '${v}'`,
      );
    return v;
  });
}
