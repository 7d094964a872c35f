import { Command } from 'commander';
import { evalCommand } from './eval';
import { trainCommand } from './train';

/** `semaigc root …`: the ROOT workload-split agent in the simulator. */
export function rootCommand(): Command {
  return new Command('root')
    .description(
      'ROOT (D3QN workload-split agent): train it in the simulator and reproduce the paper figures.',
    )
    .addCommand(trainCommand())
    .addCommand(evalCommand());
}
