import { Command } from 'commander';
import { evalCommand } from './eval';
import { trainCommand } from './train';

/** `semaigc asp …`: AIGC service-provider selection in the simulator (packages/asp). */
export function aspCommand(): Command {
  return new Command('asp')
    .description(
      'ASP selection (AaaS / D2SAC papers): train DQN, SAC and D2SAC and reproduce Table III/V and Fig. 5-7.',
    )
    .addCommand(trainCommand())
    .addCommand(evalCommand());
}
