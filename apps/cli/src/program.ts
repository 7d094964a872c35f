import { Command } from 'commander';
import { coordinatorCommand, edgeCommand, labCommand, receiverCommand, trialCommand } from './commands/live';
import { aspCommand } from './commands/asp';
import { credsCommand } from './commands/creds';
import { rootCommand } from './commands/root';

export function buildProgram(): Command {
  return new Command('semaigc')
    .description(
      'SemAIGC testbed: split text-to-image diffusion between edge and device, with the ROOT split agent.',
    )
    .version('0.1.0')
    .showHelpAfterError()
    .addCommand(labCommand())
    .addCommand(trialCommand())
    .addCommand(coordinatorCommand())
    .addCommand(edgeCommand())
    .addCommand(receiverCommand())
    .addCommand(credsCommand())
    .addCommand(rootCommand())
    .addCommand(aspCommand());
}
