/**
 * `semaigc coordinator --sfu-listen-ip <addr>` and `semaigc lab --sfu-listen-ip <addr>`: where
 * the SFU of WebRTC trials listens. A value that is not an address phones could reach (not an
 * IP, or a wildcard) is refused naming the flag, before anything starts.
 */
import { coordinatorCommand, labCommand } from '../src/commands/live';
import { expectRefused } from './refused-option';

describe.each([
  ['semaigc coordinator', coordinatorCommand],
  ['semaigc lab', labCommand],
])('%s: --sfu-listen-ip is checked before anything starts', (_name, command) => {
  test.each(['0.0.0.0', '::', 'my-laptop', '192.168.1', ''])(
    '%j is refused, naming the flag',
    async (value) => {
      await expectRefused(
        command(),
        ['--nats', 'nats://127.0.0.1:4222', '--sfu-listen-ip', value],
        `--sfu-listen-ip must be an IP address phones can reach (not a wildcard), got '${value}'`,
        "option '--sfu-listen-ip <addr>' argument",
      );
    },
  );
});
