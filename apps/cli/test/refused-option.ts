/**
 * A live command parsed with one bad option value must refuse it before anything starts:
 * the thrown error is `message`, and commander's own output names the option (`usage`).
 */
import type { Command } from 'commander';

export async function expectRefused(
  cmd: Command,
  args: string[],
  message: string,
  usage: string,
): Promise<void> {
  const errors: string[] = [];
  cmd.exitOverride().configureOutput({ writeErr: (s) => void errors.push(s), writeOut: () => undefined });
  await expect(cmd.parseAsync(args, { from: 'user' })).rejects.toThrow(message);
  expect(errors.join('')).toContain(usage);
}
