#!/usr/bin/env node
/**
 * The `semaigc` command. Subcommand groups live in ./commands (live: lab, trial,
 * coordinator, edge, receiver; root: train, eval); this file only wires them up and turns
 * errors into an exit status with a one-line message.
 */
import { describeError } from '@semaigc/protocol';
import { buildProgram } from './program';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`semaigc: ${describeError(err)}\n`);
    if (process.env.SEMAIGC_DEBUG && err instanceof Error && err.stack)
      process.stderr.write(`${err.stack}\n`);
    process.exitCode = 1;
  });
